/**
 * The library as users import it: `import { analyze } from 'synfin'` (the package's own name, resolved
 * through package.json "exports" to the built dist/ — `npm test` builds first).
 *
 * Expected values: `tshark -r fixtures/demo.pcapng -q -z conv,tcp` (Wireshark 4.0.17) lists these 9 TCP
 * conversations with these frame counts (client→server "->" column, server→client "<-" column), and
 * `capinfos -c` counts 100 packets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from 'synfin';
import { writePcap } from '../src/capture/writer.js';
import { Conversation } from '../src/synth/conversation.js';
import { tcpFrame } from '../src/synth/frames.js';

const TSHARK_CONV: Array<[string, number, number]> = [
  // client port, frames client→server, frames server→client
  ['10.99.1.2:34224', 14, 14],
  ['10.99.1.2:52654', 8, 6],
  ['10.99.1.2:33368', 7, 7],
  ['10.99.1.2:45334', 5, 4],
  ['10.99.1.2:45350', 5, 4],
  ['10.99.1.2:45354', 5, 4],
  ['10.99.1.2:48098', 5, 3],
  ['fd00:99:1::2:47986', 4, 3],
  ['10.99.1.2:40026', 1, 1],
];

describe("import { analyze } from 'synfin'", () => {
  it('gives one record per TCP conversation tshark lists, with its frame counts each way', async () => {
    const res = await analyze('fixtures/demo.pcapng');
    expect(res.captures[0].packets).toBe(100);
    const tcp = res.records.filter((r) => r.proto === 'tcp');
    const got = tcp.map((r) => [`${r.client.ip}:${r.client.port}`, r.packets.client, r.packets.server]);
    expect(got.sort()).toEqual([...TSHARK_CONV].sort());
    // ids are 1-based in order of first packet: tshark's "Relative start" puts the IPv6 one first
    expect(tcp.find((r) => r.id === 1)?.client.ip).toBe('fd00:99:1::2');
  });
});

describe('analyze() result order', () => {
  it('records come in id order (order of first packet) even when a later connection ends first', async () => {
    const a = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80 };
    const b = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40001, dport: 80 };
    // Hand-worked: flow 1 (port 40000) opens first and is still open at the end; flow 2 (40001) is
    // refused by a RST (teardown "rejected"), so its record is final long before flow 1's: flow 1's
    // SYN-ACK comes 20 s later, past the tracker's 5 s linger after a reset.
    const frames = [
      tcpFrame({ ...a, seq: 100, flags: 'S' }),
      tcpFrame({ ...b, seq: 500, flags: 'S' }),
      tcpFrame({ src: b.dst, dst: b.src, sport: b.dport, dport: b.sport, seq: 0, ack: 501, flags: 'RA' }),
      tcpFrame({ src: a.dst, dst: a.src, sport: a.dport, dport: a.sport, seq: 900, ack: 101, flags: 'SA' }),
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'synfin-api-')), 'order.pcap');
    const times = [0, 1, 2, 22];
    writeFileSync(file, writePcap(frames.map((data, i) => ({ tsSec: 1_700_000_000 + times[i], tsNsec: 0, data }))));
    const res = await analyze(file);
    expect(res.records.map((r) => [r.id, r.client.port, r.teardown])).toEqual([
      [1, 40000, 'none'],
      [2, 40001, 'rejected'],
    ]);
  });
});

describe('time in the end state', () => {
  it('a connection finished long before the capture ends: stateSince is absolute, stateSeconds measured when it finished', async () => {
    const T0 = 1_700_000_000; // 2023-11-14T22:13:20Z
    // Hand-worked (10 ms between packets): SYN 0, SYN-ACK .01, ACK .02, client FIN .03, server ACK .04,
    // server FIN .05, client ACK .06 → client TIME_WAIT, server CLOSED at T0+0.06. TIME_WAIT (60 s)
    // ends at T0+60.06 → client CLOSED, and the connection is finished then. An unrelated SYN at
    // T0+100 is the capture's last packet. At the finish: client CLOSED for 0 s, server for 60 s.
    const a = new Conversation({ start: T0 }).syn().synAck().ack().fin('client').ack('server').fin('server').ack('client');
    const b = new Conversation({ start: T0 + 100, clientPort: 40001 }).syn();
    const file = join(mkdtempSync(join(tmpdir(), 'synfin-api-')), 'closed-early.pcap');
    writeFileSync(file, writePcap([...a.packets(), ...b.packets()]));
    const res = await analyze(file, { timeWait: 60 });
    const r = res.records[0];
    expect(r.state).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(r.stateSince).toEqual({ client: '2023-11-14T22:14:20.060000Z', server: '2023-11-14T22:13:20.060000Z' });
    expect(r.stateSeconds.client).toBeCloseTo(0, 9);
    expect(r.stateSeconds.server).toBeCloseTo(60, 9);
    // the connection still open at the end (SYN_SENT since T0+100) is measured at the capture's end
    expect(res.records[1].stateSince.client).toBe('2023-11-14T22:15:00.000000Z');
    expect(res.records[1].stateSeconds.client).toBe(0);
  });
});
