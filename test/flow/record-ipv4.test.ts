/**
 * record.ts caches the text of IPv4 addresses (a direct-mapped table indexed by a hash of the
 * address): whatever the order of calls, and for addresses that share a table slot, the endpoint
 * must carry its own address's dotted quad. Expected texts are written out by hand (RFC 791 dotted
 * decimal of the 32-bit value), not produced by the code's formatter.
 */
import { describe, expect, it } from 'vitest';
import { Conn, Kind } from '../../src/flow/conn.js';
import { clientEndpoint, serverEndpoint } from '../../src/flow/record.js';
import { ZeekConn } from '../../src/flow/zeek.js';

function conn(cli: number, srv: number): Conn {
  const c = new Conn(1, Kind.TCP, 0, new ZeekConn('tcp'));
  c.cliAddr4 = cli >>> 0;
  c.srvAddr4 = srv >>> 0;
  return c;
}

describe('IPv4 endpoint texts (cached)', () => {
  it('addresses sharing a cache slot keep their own text, in any order', () => {
    // 10.0.0.1 and 10.0.32.0 fall in the same slot of the 8192-entry table, as do 192.168.1.1 and
    // 192.168.33.0 (slot = (a ^ a >>> 13) & 8191); alternate them so each call evicts the other.
    const pairs: Array<[number, string, number, string]> = [
      [0x0a000001, '10.0.0.1', 0xc0a80101, '192.168.1.1'],
      [0x0a002000, '10.0.32.0', 0xc0a82100, '192.168.33.0'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [cli, cliText, srv, srvText] of pairs) {
        const c = conn(cli, srv);
        expect(clientEndpoint(c).ip).toBe(cliText);
        expect(serverEndpoint(c).ip).toBe(srvText);
        expect(clientEndpoint(c).ip).toBe(cliText); // a hit now
      }
    }
  });

  it('edge addresses', () => {
    const c = conn(0, 0xffffffff);
    expect(clientEndpoint(c).ip).toBe('0.0.0.0');
    expect(serverEndpoint(c).ip).toBe('255.255.255.255');
    const d = conn(0x7fffffff, 0x80000000);
    expect(clientEndpoint(d).ip).toBe('127.255.255.255');
    expect(serverEndpoint(d).ip).toBe('128.0.0.0');
  });
});
