/**
 * The recorder's `ss` parser (fixtures/record/truth.mjs), which turns the kernel's snapshot into truth.json.
 * Expected values: hand-read from the ss lines below (taken from a recording's raw/ss-client-H.txt) and
 * from ss's print_ms_timer format: minutes "Nmin", whole seconds followed by "sec" or, when milliseconds follow, by ".",
 * then milliseconds as "%03dms" — so "2.628ms" is 2 s 628 ms.
 * Also checks that truth.json agrees with the raw ss text it was built from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { parseSs, timer } from '../../fixtures/record/truth.mjs';

const dir = join(import.meta.dirname, '../../fixtures/kernel');

describe('ss timer field', () => {
  it.each([
    ['timer:(timewait,52sec,0)', 'timewait', 52, 0],
    ['timer:(on,2.628ms,6)', 'on', 2.628, 6],
    ['timer:(on,200ms,0)', 'on', 0.2, 0],
    ['timer:(keepalive,1min3sec,0)', 'keepalive', 63, 0],
    ['timer:(persist,1.005ms,2)', 'persist', 1.005, 2],
  ])('%s', (s, name, sec, rtx) => {
    const t = timer(s);
    expect(t.name).toBe(name);
    expect(t.expiresSec).toBeCloseTo(sec, 9);
    expect(t.retransmits).toBe(rtx);
  });
});

describe('ss -tanoiH lines', () => {
  const text = [
    'SYN-SENT   0      1           10.99.1.2:59750      10.99.2.2:5010 timer:(on,2.628ms,6)',
    '\t bbr rto:4000 backoff:2 mss:524 pmtu:1500 rcvmss:88 advmss:1460 cwnd:1 segs_out:7 bbr:(bw:0bps,mrtt:0) lastsnd:177468 unacked:1 retrans:1/6 lost:1 rcv_ssthresh:16060',
    'TIME-WAIT  0      0           10.99.1.2:60372      10.99.2.2:5001 timer:(timewait,52sec,0)',
    'ESTAB      0      0      [fd00:99:1::2]:39178 [fd00:99:2::2]:5013',
    '\t ts sack bbr wscale:10,7 rto:244 rtt:40.373/20.186 minrtt:40.373 send 286Mbps bytes_retrans:75296',
    'LISTEN     0      511    [fd00:99:2::2]:5012           [::]:*',
  ].join('\n');
  const socks = parseSs(text);

  it('one socket per unindented line, states renamed', () => {
    expect(socks.map((s: { state: string }) => s.state)).toEqual(['SYN_SENT', 'TIME_WAIT', 'ESTABLISHED', 'LISTEN']);
  });
  it('addresses, IPv6 without brackets, wildcard port 0', () => {
    expect(socks[0].local).toEqual({ ip: '10.99.1.2', port: 59750 });
    expect(socks[0].peer).toEqual({ ip: '10.99.2.2', port: 5010 });
    expect(socks[2].local).toEqual({ ip: 'fd00:99:1::2', port: 39178 });
    expect(socks[3].peer).toEqual({ ip: '::', port: 0 });
  });
  it('tcp_info: retrans a/b, rtt/rttvar, wscale, plain numbers, rates', () => {
    expect(socks[0].info.retransOutstanding).toBe(1);
    expect(socks[0].info.totalRetrans).toBe(6);
    expect(socks[0].info.rto).toBe(4000);
    expect(socks[0].sendQ).toBe(1);
    expect(socks[2].info.rttMs).toBe(40.373);
    expect(socks[2].info.rttVarMs).toBe(20.186);
    expect(socks[2].info.sndWscale).toBe(10);
    expect(socks[2].info.rcvWscale).toBe(7);
    expect(socks[2].info.minrtt).toBe(40.373);
    expect(socks[2].info.bytes_retrans).toBe(75296);
    expect(socks[2].info.send).toBe('286Mbps');
    expect(socks[2].info.flags).toEqual(['ts', 'sack', 'bbr']);
    expect(socks[1].info).toBeNull(); // TIME_WAIT: no tcp_info
  });
});

describe('truth.json = the raw ss snapshot', () => {
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  for (const side of ['client', 'server'] as const) {
    it(`${side}: every socket of ss-${side}.txt (the non -H run) is in truth.json with the same state`, () => {
      const raw = parseSs(readFileSync(join(dir, 'raw', `ss-${side}.txt`), 'utf8'));
      const key = (s: { local: { ip: string; port: number }; peer: { ip: string; port: number } }) =>
        `${s.local.ip}|${s.local.port}|${s.peer.ip}|${s.peer.port}`;
      const inTruth = new Map(truth.sockets[side].map((s: { state: string }) => [key(s as never), s.state]));
      expect(raw.length).toBe(truth.sockets[side].length);
      for (const s of raw) expect(inTruth.get(key(s)), key(s)).toBe(s.state);
    });
  }
});
