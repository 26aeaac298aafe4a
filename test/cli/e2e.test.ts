/**
 * End-to-end: the BUILT bin/synfin on captures written with the project's writer. Expected values
 * come from the hand-worked scenario in scenario.ts (packet list, RFC 9293 state diagram, the state
 * rules of issue 3, Zeek's rules in /work/shared/reference/zeek-conn.md), never from synfin's output.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/writer.js';
import { udpFrame } from '../../src/synth/frames.js';
import { build, cleanup, ROOT, spawnSynfin, synfin, tempDir, writeTemp } from './run.js';
import { graceful, scenarioPcap, scenarioSplit, T0 } from './scenario.js';

let dir = '';
let cap = '';
let capA = '';
let capB = '';

afterAll(cleanup);

beforeAll(() => {
  build();
  dir = tempDir();
  cap = writeTemp(dir, 'scenario.pcap', scenarioPcap());
  const [a, b] = scenarioSplit();
  capA = writeTemp(dir, 'part-a.pcap', a);
  capB = writeTemp(dir, 'part-b.pcap', b);
});

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ndjson(args: string[]): Rec[] {
  const r = synfin(['flows', ...args, '--format', 'ndjson']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const byId = (rs: Rec[]) => [...rs].sort((a, b) => a.id - b.id);
const ids = (rs: Rec[]) => rs.map((r) => r.id).sort((a, b) => a - b);

describe('flows: the records of the hand-worked capture', () => {
  it('ndjson: eight connections with the values worked out by hand', () => {
    const streamed = ndjson([cap]);
    // Streamed, yet in id order: flow 1 became final (TIME_WAIT expiry at T0+60) after flow 5 (RST at T0+7).
    expect(streamed.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const rs = byId(streamed);
    const [f1, f2, f3, f4, f5, f6, f7, f8] = rs;
    expect(f1).toMatchObject({
      proto: 'tcp', client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.5', port: 80 },
      // TIME_WAIT began at T0+0.008 and lasted 60 s: expired long before the capture end (T0+100).
      state: { client: 'CLOSED', server: 'CLOSED' }, teardown: 'graceful',
      packets: { client: 6, server: 4 }, bytes: { client: 100, server: 200 },
      // IP total lengths: SYN 20+20+12 (MSS, SACK-permitted, window scale padded to 12) = 52, bare segments 40,
      // data 40 + payload: client 52+40+140+40+40+40 = 352, server 52+40+240+40 = 372.
      ipBytes: { client: 352, server: 372 },
      retransmissions: { client: 0, server: 0 },
      start: '2023-11-14T22:13:20.000000Z', end: '2023-11-14T22:13:20.008000Z',
    });
    expect(f1.handshake.complete).toBe(true);
    expect(f1.handshake.rttMs).toBeCloseTo(1.5, 6); // SYN→SYN-ACK 1 ms + SYN-ACK→ACK 0.5 ms
    for (const f of [f2, f3]) {
      // Issue 3: the FIN's sender goes to FIN_WAIT_2 when it is ACKed, the peer is then in CLOSE_WAIT.
      expect(f.state).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' });
      expect(f.teardown).toBe('incomplete');
      expect(f.server).toEqual({ ip: '10.0.0.5', port: 8080 });
    }
    expect(f2.stateSeconds.server).toBeCloseTo(100 - 2.001, 6);
    expect(f3.stateSeconds.server).toBeCloseTo(100 - 4.001, 6);
    expect(f4).toMatchObject({ state: { client: 'SYN_SENT', server: null }, teardown: 'unanswered', retransmissions: { client: 1, server: 0 } });
    expect(f4.stateSeconds.client).toBeCloseTo(95, 6); // SYN_SENT since the first SYN at T0+5
    expect(f5).toMatchObject({ teardown: 'rejected', server: { ip: '10.0.0.5', port: 23 } });
    expect(f6).toMatchObject({ proto: 'udp', client: { ip: '10.0.0.1', port: 5353 }, server: { ip: '10.0.0.53', port: 53 }, packets: { client: 1, server: 1 }, bytes: { client: 40, server: 80 } });
    expect(f7).toMatchObject({ state: { client: 'TIME_WAIT', server: 'CLOSED' }, teardown: 'graceful' });
    expect(f7.stateSeconds.client).toBeCloseTo(100 - 80.005, 6); // final ACK at T0+79.997+0.008
    expect(f8).toMatchObject({ proto: 'udp', packets: { client: 1, server: 0 } });
  });

  it('json is an array of the same records; csv parses (csv-parse) with a header and one row each', () => {
    const nd = byId(ndjson([cap]));
    const j = synfin(['flows', cap, '--format', 'json']);
    expect(j.code).toBe(0);
    const arr = JSON.parse(j.stdout) as Rec[];
    expect(arr.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // buffered formats: id order
    expect(arr).toEqual(nd);
    const c = synfin(['flows', cap, '--format', 'csv']);
    expect(c.code).toBe(0);
    expect(c.stdout.split('\r\n')[0].startsWith('id,proto,client.ip,client.port,server.ip,server.port')).toBe(true);
    const rows = parse(c.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(8);
    const r1 = rows.find((r) => r.id === '1')!;
    expect(r1).toMatchObject({ proto: 'tcp', 'client.ip': '10.0.0.1', 'client.port': '40000', 'server.port': '80', teardown: 'graceful', 'packets.client': '6', 'bytes.server': '200' });
    expect(rows.find((r) => r.id === '4')!['state.server']).toBe(''); // null → empty field
  });

  it('zeek: a conn.log with Zeek\'s header, 21 typed fields per row, #close last', () => {
    const z = synfin(['flows', cap, '--format', 'zeek']);
    expect(z.code).toBe(0);
    const lines = z.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual(['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn']);
    expect(lines[5]).toMatch(/^#open\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    const fields = lines[6].split('\t');
    const types = lines[7].split('\t');
    expect(fields[0]).toBe('#fields');
    expect(types[0]).toBe('#types');
    expect(lines.at(-1)).toMatch(/^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    const rows = lines.slice(8, -1);
    expect(rows).toHaveLength(8);
    // A value check per Zeek type (zeek's ASCII writer: time/interval %.6f, port/count integers, bool T/F, unset '-').
    const ok: Record<string, RegExp> = {
      time: /^\d+\.\d{6}$/, interval: /^(-|\d+\.\d{6})$/, string: /^(-|\S+)$/, addr: /^[0-9a-f.:]+$/, port: /^\d+$/,
      enum: /^(tcp|udp|icmp)$/, count: /^(-|\d+)$/, bool: /^(-|T|F)$/, 'set[string]': /^(-|\(empty\)|\S+)$/,
    };
    for (const row of rows) {
      const v = row.split('\t');
      expect(v).toHaveLength(21);
      v.forEach((x, i) => expect(x, `${fields[i + 1]}=${x}`).toMatch(ok[types[i + 1]]));
    }
    const f1 = rows.map((r) => r.split('\t')).find((v) => v[2] === '10.0.0.1' && v[3] === '40000')!;
    expect(f1[0]).toBe(`${T0}.000000`);
    expect(f1[1]).toMatch(/^C[0-9A-Za-z]+$/);
    expect(f1.slice(16, 20)).toEqual(['6', '352', '4', '372']); // orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes
  });

  it('zeek: conn_state, history, duration and byte counts by Zeek\'s rules (zeek-conn.md)', () => {
    const z = synfin(['flows', cap, '--format', 'zeek', '--sort', 'id']);
    const rows = z.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
    // columns: service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts
    const pick = (v: string[]) => [v[7], v[8], v[9], v[10], v[11], v[15], v[16]].join(' ');
    expect(rows.map(pick)).toEqual([
      // flow 1: both FINs → SF; letters in order of first appearance; last-seen stops at the second
      // FIN (T0+0.007), so the final ACK is not in the duration; sizes = sequence spans 100 / 200.
      'http 0.007000 100 200 SF ShADadFf 6',
      // flows 2, 3: originator CLOSED, responder ESTABLISHED → S2; sizes: span minus SYN and FIN octets = 0.
      '- 1.001000 0 0 S2 ShAFa 3',
      '- 1.001000 0 0 S2 ShAFa 3',
      // flow 4: SYN_SENT / INACTIVE → S0; the retransmitted SYN has the same sequence: one S.
      '- 1.000000 0 0 S0 S 2',
      // flow 5: responder RESET, originator SYN_SENT → REJ.
      '- 0.001000 0 0 REJ Sr 1',
      // flow 6: UDP, both sides → SF, Dd; bytes are the UDP payloads.
      'dns 0.002000 40 80 SF Dd 1',
      'http 0.007000 100 200 SF ShADadFf 6',
      // flow 8: UDP, one packet: duration 0 → duration and bytes unset.
      '- - - - S0 D 1',
    ]);
  });

  it('table: a header and one row per connection', () => {
    const t = synfin(['flows', cap, '--format', 'table']);
    expect(t.code).toBe(0);
    const lines = t.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +PROTO +CLIENT +SERVER +C-STATE +S-STATE +TEARDOWN/);
    expect(lines).toHaveLength(9);
    expect(lines[2]).toMatch(/^ 2 +tcp +10\.0\.0\.2:40001 +10\.0\.0\.5:8080 +FIN_WAIT_2 +CLOSE_WAIT +incomplete/);
    expect(t.stdout).not.toContain('\x1b['); // not a terminal: no colour
  });

  it('filters: --state, --teardown, --host, --port, --proto, --where; --sort and --limit', () => {
    expect(ids(ndjson([cap, '--state', 'CLOSE_WAIT']))).toEqual([2, 3]);
    expect(ids(ndjson([cap, '--state', 'FIN_WAIT_2', '--state', 'SYN_SENT']))).toEqual([2, 3, 4]);
    expect(ids(ndjson([cap, '--teardown', 'rejected']))).toEqual([5]);
    expect(ids(ndjson([cap, '--host', '10.0.0.53']))).toEqual([6, 8]);
    expect(ids(ndjson([cap, '--port', '8080']))).toEqual([2, 3]);
    expect(ids(ndjson([cap, '--proto', 'udp']))).toEqual([6, 8]);
    expect(ids(ndjson([cap, '--where', 'retransmissions.client>0']))).toEqual([4]);
    expect(ids(ndjson([cap, '--where', 'bytes.server >= 200 and server.port = 80']))).toEqual([1, 7]);
    expect(ids(ndjson([cap, '--host', '10.0.0.5', '--where', 'duration > 1 or teardown = rejected']))).toEqual([2, 3, 5]);
    // Durations: flows 2 and 3 last 1.001 s, the longest; the tie goes to the lower id.
    const top = JSON.parse(synfin(['flows', cap, '--sort', 'duration:desc', '--limit', '2', '--format', 'json']).stdout);
    expect(top.map((r: Rec) => r.id)).toEqual([2, 3]);
    expect(ndjson([cap, '--sort', 'id', '--limit', '3']).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(ndjson([cap, '--limit', '2']).map((r) => r.id)).toEqual([1, 2]);
    expect(ndjson([cap, '--proto', 'udp', '--limit', '1']).map((r) => r.id)).toEqual([6]);
  });

  it('two rotated files read as one stream give the same connections as the whole capture', () => {
    const whole = synfin(['flows', cap, '--format', 'csv', '--sort', 'id']);
    const parts = synfin(['flows', capA, capB, '--format', 'csv', '--sort', 'id']);
    expect(parts.code).toBe(0);
    expect(parts.stdout).toBe(whole.stdout);
    // and in the other order on the command line (merged by timestamp, not by argument order)
    const rev = synfin(['flows', capB, capA, '--format', 'csv', '--sort', 'id']);
    expect(rev.stdout).toBe(whole.stdout);
  });
});

describe('stuck', () => {
  it('groups by the holding endpoint with the plain sentence', () => {
    const r = synfin(['stuck', cap]);
    expect(r.code).toBe(0);
    // 97.999 s (T0+100 − T0+2.001) rounds to 1m38s.
    expect(r.stdout).toContain('10.0.0.5:8080 holds 2 connections in CLOSE_WAIT (oldest 1m38s): the peers closed, the application on 10.0.0.5 has not called close()');
    expect(r.stdout).toContain('10.0.0.4:40003 holds 1 connection in SYN_SENT to 10.0.0.6:443 (oldest 1m35s)');
    expect(r.stdout).toContain('10.0.0.7 holds 1 connection in TIME_WAIT (oldest 20s) on 1 local port, 1 of the 28232 ephemeral ports 32768–60999');
  });

  it('--format json: {endpoint, state, count, oldestSeconds, ids}', () => {
    const r = synfin(['stuck', cap, '--format', 'json']);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as Rec[];
    const key = (x: Rec) => `${x.endpoint.ip}:${x.endpoint.port} ${x.state} ${x.count} [${x.ids.join(',')}]`;
    expect(g.map(key).sort()).toEqual([
      '10.0.0.2:40001 FIN_WAIT_2 1 [2]',
      '10.0.0.3:40002 FIN_WAIT_2 1 [3]',
      '10.0.0.4:40003 SYN_SENT 1 [4]',
      '10.0.0.5:8080 CLOSE_WAIT 2 [2,3]',
      '10.0.0.7:41000 TIME_WAIT 1 [7]',
    ]);
    expect(g.find((x) => x.state === 'CLOSE_WAIT')!.oldestSeconds).toBeCloseTo(97.999, 6);
  });

  it('--stuck-after, --time-wait and --fail-on stuck', () => {
    const late = JSON.parse(synfin(['stuck', cap, '--format', 'json', '--stuck-after', '30']).stdout) as Rec[];
    expect(late.some((x) => x.state === 'TIME_WAIT')).toBe(false); // 19.995 s < 30 s
    // With RFC 793's 240 s, flow 1's client (TIME_WAIT since T0+0.008) is still in it at T0+100.
    const rfc = JSON.parse(synfin(['stuck', cap, '--format', 'json', '--time-wait', '240']).stdout) as Rec[];
    expect(rfc.find((x) => x.endpoint.port === 40000)).toMatchObject({ state: 'TIME_WAIT', ids: [1] });
    expect(synfin(['stuck', cap, '--fail-on', 'stuck']).code).toBe(1);
    const none = synfin(['stuck', cap, '--fail-on', 'stuck', '--stuck-after', '1000']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^nothing stuck/);
    expect(synfin(['flows', cap, '--fail-on', 'stuck', '--format', 'csv']).code).toBe(1);
  });
});

describe('port reuse while in TIME_WAIT', () => {
  // 10.0.0.1:40000 → 10.0.0.5:80 closes gracefully (client TIME_WAIT from T0+0.008), then a new SYN on
  // the same 4-tuple at T0+10: inside Linux's 60 s TIME_WAIT, so a reuse (RFC 9293 §3.6.1); with
  // --time-wait 5 the old connection's TIME_WAIT was over at T0+5.008 and nothing is flagged.
  it('the new connection is flagged and stuck lists its 4-tuple', () => {
    const pkts = [...graceful(0, ['10.0.0.1', 40000], ['10.0.0.5', 80], 1000, 5000), ...graceful(10, ['10.0.0.1', 40000], ['10.0.0.5', 80], 900000, 700000)];
    const f = writeTemp(dir, 'reuse.pcap', writePcap(pkts));
    const rs = byId(ndjson([f]));
    expect(rs.map((r) => r.portReuse)).toEqual([false, true]);
    const text = synfin(['stuck', f]).stdout;
    expect(text).toContain('1 4-tuple was reused by a new SYN while still in TIME_WAIT:\n  10.0.0.1:40000 → 10.0.0.5:80 (flow 2)');
    expect(ndjson([f, '--time-wait', '5']).map((r) => r.portReuse)).toEqual([false, false]);
    expect(synfin(['stuck', f, '--time-wait', '5']).stdout).not.toContain('reused');
  });
});

describe('stuck on captures the Linux kernel made (fixtures/kernel, truth = ss snapshot)', () => {
  const STUCK = new Set(['CLOSE_WAIT', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK', 'CLOSING', 'SYN_SENT', 'SYN_RECEIVED', 'TIME_WAIT']);
  it.each(['scenarios.pcap', 'scenarios.pcapng'])('%s: the groups are the sockets ss listed in those states', (file) => {
    const truth = JSON.parse(readFileSync(`${ROOT}/fixtures/kernel/truth.json`, 'utf8'));
    // Expected groups from the kernel: holder endpoint (client ip:ephemeral port, or server ip:service port), state, count.
    const want = new Map<string, number>();
    for (const sc of truth.scenarios) {
      const fam = sc.family === 4 ? 'v4' : 'v6';
      for (const c of sc.connections) {
        for (const side of ['client', 'server'] as const) {
          const st = c[side]?.state;
          if (!STUCK.has(st)) continue;
          const ip = truth.addresses[side][fam];
          const port = side === 'client' ? c.clientPort : sc.port;
          const k = `${ip} ${port} ${st}`;
          want.set(k, (want.get(k) ?? 0) + 1);
        }
      }
    }
    expect(want.size).toBeGreaterThan(5);
    const r = synfin(['stuck', `fixtures/kernel/${file}`, '--stuck-after', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    const got = new Map<string, number>((JSON.parse(r.stdout) as Rec[]).map((g) => [`${g.endpoint.ip} ${g.endpoint.port} ${g.state}`, g.count]));
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
  });
});

describe('the demo capture (fixtures/demo.pcapng)', () => {
  it('every format parses', () => {
    const demo = 'fixtures/demo.pcapng';
    const nd = synfin(['flows', demo, '--format', 'ndjson']);
    expect(nd.code).toBe(0);
    const recs = nd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs.length).toBeGreaterThan(0);
    expect(JSON.parse(synfin(['flows', demo, '--format', 'json']).stdout)).toHaveLength(recs.length);
    // json streams like ndjson: the same records in the same order, and still one valid array when
    // --limit stops reading early or a filter leaves nothing.
    expect(JSON.parse(synfin(['flows', demo, '--format', 'json']).stdout)).toEqual(recs);
    expect(JSON.parse(synfin(['flows', demo, '--format', 'json', '--limit', '2']).stdout)).toEqual(recs.slice(0, 2));
    expect(synfin(['flows', demo, '--format', 'json', '--port', '1']).stdout).toBe('[]\n');
    expect(parse(synfin(['flows', demo, '--format', 'csv']).stdout, { columns: true })).toHaveLength(recs.length);
    const z = synfin(['flows', demo, '--format', 'zeek']).stdout.trimEnd().split('\n');
    expect(z.filter((l) => !l.startsWith('#'))).toHaveLength(recs.length);
    expect(z.filter((l) => !l.startsWith('#')).every((l) => l.split('\t').length === 21)).toBe(true);
    expect(JSON.parse(synfin(['stuck', demo, '--format', 'json', '--stuck-after', '0']).stdout).length).toBeGreaterThan(0);
    // capinfos fixtures/demo.pcapng reports 100 packets
    expect(JSON.parse(synfin(['summary', demo, '--format', 'json']).stdout).packets).toBe(100);
    const v6 = recs.find((x) => x.client.ip.includes(':'));
    const t = synfin(['trace', demo, '--flow', `[${v6.client.ip}]:${v6.client.port}-[${v6.server.ip}]:${v6.server.port}`]);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toContain(`client [${v6.client.ip}]:${v6.client.port}`);
  });
});

describe('trace', () => {
  // Hand-derived from the packet list and issue 3's rules: after each packet, (from, seq, ack,
  // client state, server state).
  const expected: [string, number, number, string, string][] = [
    ['client', 0, 0, 'SYN_SENT', '-'],
    ['server', 0, 1, 'SYN_SENT', 'SYN_RECEIVED'],
    ['client', 1, 1, 'ESTABLISHED', 'ESTABLISHED'],
    ['client', 1, 1, 'ESTABLISHED', 'ESTABLISHED'],
    ['server', 1, 101, 'ESTABLISHED', 'ESTABLISHED'],
    ['server', 1, 101, 'ESTABLISHED', 'ESTABLISHED'],
    ['client', 101, 201, 'ESTABLISHED', 'ESTABLISHED'],
    ['client', 101, 201, 'FIN_WAIT_1', 'ESTABLISHED'],
    ['server', 201, 102, 'FIN_WAIT_2', 'LAST_ACK'],
    ['client', 102, 202, 'TIME_WAIT', 'CLOSED'],
  ];

  it('the ladder of flow 1: one arrow per packet, the right way, both states after each', () => {
    const r = synfin(['trace', cap, '--flow', '1']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(3);
    expect(rows).toHaveLength(10);
    rows.forEach((row, i) => {
      const [from, seq, ack, cs, ss] = expected[i];
      const arrow = from === 'client' ? /\|--.*-+>\|/ : /\|<-+.*--\|/;
      expect(row).toMatch(arrow);
      expect(row).toContain(` seq=${seq}`);
      const cols = row.trim().split(/\s+/);
      expect(cols[1]).toBe(String(i + 1)); // frame
      expect(cols[2]).toBe(cs);
      expect(cols.at(-1)).toBe(ss);
      if (i > 0) expect(row).toContain(`ack=${ack}`);
    });
    expect(rows[0]).toContain('SYN seq=0 len=0 win=64240');
    expect(rows[3]).toContain('PSH,ACK seq=1 ack=1 len=100');
  });

  it('by endpoints in either order, and --format json gives the packet events', () => {
    const a = synfin(['trace', cap, '--flow', '10.0.0.5:80-10.0.0.1:40000']);
    expect(a.stdout).toBe(synfin(['trace', cap, '--flow', '1']).stdout);
    const j = JSON.parse(synfin(['trace', cap, '--flow', '10.0.0.1:40000-10.0.0.5:80', '--format', 'json']).stdout) as Rec[];
    expect(j.map((e) => [e.from, e.seq, e.ack, e.state.client ?? '-', e.state.server ?? '-'])).toEqual(expected);
    expect(j.map((e) => e.len)).toEqual([0, 0, 0, 100, 0, 200, 0, 0, 0, 0]);
  });

  it('a flow that does not exist: exit 2, one line', () => {
    const r = synfin(['trace', cap, '--flow', '99']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('synfin: no connection matches --flow 99\n');
    const bad = synfin(['trace', cap, '--flow', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('summary', () => {
  it('json: packets, layers, handshakes, teardowns, stuck', () => {
    const r = synfin(['summary', cap, '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.packets).toBe(37); // 10 + 5 + 5 + 2 + 2 + 2 + 10 + 1 frames in scenario.ts
    expect(s.files[0]).toMatchObject({ format: 'pcap', packets: 37, dropped: null });
    expect(s.layers.transport).toEqual({ tcp: 34, udp: 3, other: 0 });
    expect(s.layers.internet.ipv4).toBe(37);
    expect(s.handshakes).toEqual({ complete: 4, incomplete: 2 });
    expect(s.teardown).toMatchObject({ graceful: 2, incomplete: 2, unanswered: 1, rejected: 1, 'reset-client': 0 });
    expect(s.connections).toEqual({ total: 8, tcp: 6, udp: 2, icmp: 0, icmp6: 0 });
    expect(s.start).toBe('2023-11-14T22:13:20.000000Z');
    expect(s.durationSeconds).toBe(100);
    expect(s.stuck[0]).toMatchObject({ endpoint: { ip: '10.0.0.5', port: 8080 }, state: 'CLOSE_WAIT', count: 2 });
  });
  it('text names the file, the counts and the stuck groups', () => {
    const r = synfin(['summary', cap]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('scenario.pcap');
    expect(r.stdout).toMatch(/handshakes +4 complete, 2 incomplete/);
    expect(r.stdout).toMatch(/time span +1m40s/);
    expect(r.stdout).toContain('10.0.0.5:8080 holds 2 connections in CLOSE_WAIT');
  });
});

describe('errors and exit codes', () => {
  const oneLine = (s: string) => {
    expect(s.endsWith('\n')).toBe(true);
    expect(s.trimEnd().split('\n')).toHaveLength(1);
    expect(s).not.toMatch(/\n\s+at /); // no stack trace
  };

  it('a file that is not a capture: exit 2, "synfin: FILE: byte 0: reason"', () => {
    const f = writeTemp(dir, 'notes.txt', 'hello, this is not a capture\n');
    const r = synfin(['flows', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr);
    expect(r.stderr).toMatch(new RegExp(`^synfin: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: byte 0: `));
  });

  it('a missing file and bad usage: exit 2, one line', () => {
    for (const args of [['flows', `${dir}/missing.pcap`], ['flows', cap, '--format', 'xml'], ['flows', cap, '--bogus'], ['nonsense', cap], [], ['flows', cap, '--where', 'nosuch>1'], ['flows', cap, '--host', 'not-an-ip']]) {
      const r = synfin(args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr.startsWith('synfin: ')).toBe(true);
    }
  });

  it('damage in the middle: what was read is printed, one line with the byte offset, exit 2', () => {
    const bytes = Buffer.from(scenarioPcap());
    // Record 1 is at byte 24 (after the 24-byte file header): 16-byte record header + a 66-byte SYN
    // (14 Ethernet + 20 IP + 32 TCP with options). Record 2's header is at 24 + 16 + 66 = 106; make
    // its captured length absurd (caplen field at 106 + 8).
    bytes.writeUInt32LE(0x7ffffff0, 106 + 8);
    const f = writeTemp(dir, 'damaged.pcap', bytes);
    const r = synfin(['flows', f, '--format', 'ndjson']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^synfin: .*damaged\.pcap: byte 106: /);
    const rs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rs).toHaveLength(1); // the SYN before the damage
    expect(rs[0].packets).toEqual({ client: 1, server: 0 });
  });

  it('a truncated last record: the results, a one-line warning, exit 0', () => {
    const bytes = scenarioPcap();
    const f = writeTemp(dir, 'cut.pcap', bytes.subarray(0, bytes.length - 10));
    const r = synfin(['flows', f, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^synfin: warning: .*cut\.pcap: byte \d+: /);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(7); // flow 8 (the last packet) is lost
  });

  it('--help on every command, with examples; --version from package.json', () => {
    for (const cmd of ['flows', 'stuck', 'trace', 'summary']) {
      const r = synfin([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain('Exit codes:');
    }
    const top = synfin(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['flows', 'stuck', 'trace', 'summary', 'report']) expect(top.stdout).toContain(`synfin ${cmd}`);
    const v = synfin(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
  });

  it('colour only when asked on a non-terminal, and never with NO_COLOR', () => {
    expect(synfin(['flows', cap, '--format', 'table', '--color']).stdout).toContain('\x1b[');
    expect(synfin(['flows', cap, '--format', 'table', '--color'], { NO_COLOR: '1' }).stdout).not.toContain('\x1b[');
    expect(synfin(['flows', cap, '--format', 'table']).stderr).toBe(''); // no progress bar in a pipe
  });

  it('the progress bar goes to stderr only (forced with --progress), and leaves stdout alone', () => {
    const plain = synfin(['flows', cap, '--format', 'csv']);
    const withBar = synfin(['flows', cap, '--format', 'csv', '--progress'], { SYNFIN_PROGRESS_DELAY_MS: '0' });
    expect(withBar.stdout).toBe(plain.stdout);
    expect(withBar.stderr).toMatch(/\r\[[#.]{24}\] +\d+%.*packets\/s/);
    expect(withBar.stderr.endsWith('\r\x1b[K')).toBe(true); // cleared at the end
    expect(withBar.code).toBe(0);
  });
});

describe('streams', () => {
  it('`| head`: EPIPE on stdout ends quietly with exit 0', async () => {
    // 4000 one-packet UDP flows: about 4 MB of NDJSON, far more than a pipe holds.
    const pkts = Array.from({ length: 4000 }, (_, i) => ({
      tsSec: T0 + i, tsNsec: 0,
      data: udpFrame({ src: '10.1.0.1', dst: '10.2.0.1', sport: 10000 + (i % 50000), dport: 53, payload: 20 }),
    }));
    const f = writeTemp(dir, 'many.pcap', writePcap(pkts));
    const p = spawnSynfin(['flows', f, '--format', 'ndjson']);
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    const first = await new Promise<string>((res) => p.stdout.once('data', (d) => res(String(d))));
    expect(first.startsWith('{"id":')).toBe(true);
    p.stdout.destroy(); // what `head` does after its first lines
    const code = await new Promise<number | null>((res) => p.on('close', (c) => res(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('Ctrl-C during a read from standard input prints what was analysed so far (exit 130)', async () => {
    const all = Buffer.from(scenarioPcap());
    // The first 10 records are flow 1 (see scenario.ts); send them, wait, interrupt, then one more byte
    // run so the reader wakes up and sees the abort.
    const p = spawnSynfin(['flows', '-', '--format', 'ndjson']);
    // 'close' waits for our end of the stdin pipe too: release it as soon as the child has exited.
    p.on('exit', () => p.stdin.destroy());
    const closed = new Promise<number | null>((res) => p.on('close', (c) => res(c)));
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const firstTen = 24 + [66, 66, 54, 154, 54, 254, 54, 54, 54, 54].reduce((a, n) => a + 16 + n, 0);
    p.stdin.write(all.subarray(0, firstTen));
    await new Promise((r) => setTimeout(r, 1500));
    p.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    p.stdin.on('error', () => undefined); // the child may have closed its end already (EPIPE)
    p.stdin.write(all.subarray(firstTen, firstTen + 16 + 66));
    const code = await closed;
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted/);
    const rs = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rs.find((r) => r.id === 1)).toMatchObject({ packets: { client: 6, server: 4 }, teardown: 'graceful' });
    p.stdin.destroy();
  }, 20_000);
});
