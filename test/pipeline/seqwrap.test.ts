/**
 * Issue 5: sequence-number arithmetic modulo 2^32 (RFC 1982 / RFC 9293 §3.4), end to end across
 * the wrap. Every expected value below is worked by hand from the packets this file builds.
 *
 * Client ISN = 2^32 − 1000 = 4294966296. The SYN consumes one number, so the first data byte
 * is 4294966297; ten 1024-byte segments (10 240 bytes) follow:
 *   segment k starts at (4294966297 + 1024·k) mod 2^32
 *     k = 0 → 4294966297 (covers the wrap: 999 bytes before 2^32, 25 after)
 *     k = 1 → 25,  k = 2 → 1049, …, k = 9 → 8217
 *   client FIN at 8217 + 1024 = 9241 (= 4294966297 + 10240 − 2^32).
 * Server ISN = 2^32 − 1 = 4294967295, so its first data byte is 0: a 3000-byte response as
 * 1448 + 1448 + 104 at raw seq 0, 1448, 2896; server FIN at 3000.
 * Relative sequence numbers (Wireshark: 0 = ISN) of the client segments are 1 + 1024·k, of the
 * server segments 1, 1449, 2897.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { writePcap } from '../../src/capture/writer.js';
import { tcpFrame } from '../../src/synth/frames.js';
import { Note, type PacketEvent } from '../../src/flow/types.js';
import { C, S, writeTmp } from './helpers.js';

const CISN = 4294966296; // 2^32 − 1000
const SISN = 4294967295; // 2^32 − 1

function build(): Uint8Array {
  const f: Uint8Array[] = [];
  const t = (fromC: boolean, flags: string, seq: number, ack: number, payload = 0) =>
    tcpFrame({ src: fromC ? C : S, dst: fromC ? S : C, sport: fromC ? 51000 : 8080, dport: fromC ? 8080 : 51000, seq, ack, flags, payload, window: 65535 });
  f.push(t(true, 'S', CISN, 0));
  f.push(t(false, 'SA', SISN, 4294966297));
  f.push(t(true, 'A', 4294966297, 0));
  const cseg = [4294966297, 25, 1049, 2073, 3097, 4121, 5145, 6169, 7193, 8217];
  for (let k = 0; k < 10; k++) {
    f.push(t(true, 'PA', cseg[k], 0, 1024));
    // server acknowledges the next expected byte: cseg[k] + 1024 mod 2^32
    f.push(t(false, 'A', 0, k === 0 ? 1049 - 1024 : cseg[k] + 1024));
  }
  const sseg: [number, number][] = [
    [0, 1448],
    [1448, 1448],
    [2896, 104],
  ];
  for (const [seq, n] of sseg) f.push(t(false, 'PA', seq, 9241, n));
  f.push(t(true, 'A', 9241, 3000));
  f.push(t(true, 'FA', 9241, 3000));
  f.push(t(false, 'FA', 3000, 9242));
  f.push(t(true, 'A', 9242, 3001));
  return writePcap(f.map((data, i) => ({ tsSec: 1_750_000_000, tsNsec: i * 1_000_000, data })));
}

describe('sequence numbers across 2^32, end to end', () => {
  it('a 10 240-byte transfer from ISN 2^32 − 1000 and a response from ISN 2^32 − 1: exact bytes, no retransmission notes', async () => {
    const file = writeTmp('wrap.pcap', build());
    const events: PacketEvent[] = [];
    const res = await analyze(file, { trace: () => true, onPacket: (e) => events.push({ ...e, state: { ...e.state } }) });
    expect(res.error).toBeNull();
    expect(res.records.length).toBe(1);
    const r = res.records[0];
    expect(r.client).toEqual({ ip: C, port: 51000 });
    expect(r.server).toEqual({ ip: S, port: 8080 });
    // 10 × 1024 from the client, 1448 + 1448 + 104 from the server
    expect(r.bytes).toEqual({ client: 10240, server: 3000 });
    expect(r.payloadBytes).toEqual({ client: 10240, server: 3000 });
    // packets: SYN, ACK, 10 data, ACK, FIN, ACK = 15 client; SYN-ACK, 10 ACKs, 3 data, FIN = 15 server
    expect(r.packets).toEqual({ client: 15, server: 15 });
    expect(r.retransmissions).toEqual({ client: 0, server: 0 });
    expect(r.handshake?.complete).toBe(true);
    expect(r.teardown).toBe('graceful');
    for (const side of ['client', 'server'] as const) {
      const a = r.analysis![side];
      expect(a.retransmissions).toBe(0);
      expect(a.outOfOrder).toBe(0);
      expect(a.lostSegments).toBe(0);
      expect(a.ackedUnseen).toBe(0);
      expect(a.missedBytes).toBe(0);
    }
    // One dup ACK, on the client: the handshake ACK (frame 3) carries raw ack 0 (= SISN + 1 mod 2^32),
    // equal to the raw ack field of the client's SYN, same window, no data: tshark 4.x on this very
    // capture prints "[TCP Dup ACK 0#1]" for frame 3 and nothing else (tcp.analysis.flags).
    expect(r.analysis!.client.dupAcks).toBe(1);
    expect(r.analysis!.server.dupAcks).toBe(0);
    expect(r.analysis!.client.seqBytes).toBe(10240);
    expect(r.analysis!.server.seqBytes).toBe(3000);
    // client closed first: TIME_WAIT (capture ends 2 ms later, well inside 60 s); server CLOSED (RFC 9293 §3.6)
    expect(r.state).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
    // Zeek: SF, letters in first-seen order S h A D a d F f (zeek-conn.md §b), orig/resp bytes = sequence spans
    expect(r.zeek.conn_state).toBe('SF');
    expect(r.zeek.history).toBe('ShADadFf');
    expect(r.zeek.orig_bytes).toBe(10240);
    expect(r.zeek.resp_bytes).toBe(3000);

    // per packet: relative sequence numbers continue straight through the wrap, and no analysis notes
    expect(events.length).toBe(30);
    const bad = Note.RETRANSMISSION | Note.FAST_RETRANSMISSION | Note.SPURIOUS_RETRANSMISSION | Note.OUT_OF_ORDER | Note.LOST_SEGMENT | Note.ACKED_UNSEEN;
    for (const e of events) expect(e.notes & bad).toBe(0);
    expect(events.filter((e) => e.notes & Note.DUP_ACK).map((e) => e.frame)).toEqual([3]);
    const cdata = events.filter((e) => e.from === 'client' && e.len > 0).map((e) => e.seq);
    expect(cdata).toEqual([1, 1025, 2049, 3073, 4097, 5121, 6145, 7169, 8193, 9217]);
    const sdata = events.filter((e) => e.from === 'server' && e.len > 0).map((e) => e.seq);
    expect(sdata).toEqual([1, 1449, 2897]);
    // the server's ACK of client segment 0 is relative ack 1025 although its raw value (25) is below the ISN
    const sacks = events.filter((e) => e.from === 'server' && e.len === 0 && (e.flags & 0x17) === 0x10).map((e) => e.ack);
    expect(sacks.slice(0, 2)).toEqual([1025, 2049]);
  });

  it('a retransmitted segment straddling 2^32 is one retransmission, not a huge gap or a negative length', async () => {
    // ISN 2^32 − 100: the first data segment (200 bytes) covers raw 4294967197 … 2^32 + 100; it is sent
    // twice (hand-worked: one retransmission of 200 bytes), then acked at raw 101.
    const isn = 4294967196;
    const t = (fromC: boolean, flags: string, seq: number, ack: number, payload = 0) =>
      tcpFrame({ src: fromC ? C : S, dst: fromC ? S : C, sport: fromC ? 51001 : 8080, dport: fromC ? 8080 : 51001, seq, ack, flags, payload });
    const f = [
      t(true, 'S', isn, 0),
      t(false, 'SA', 1000, 4294967197),
      t(true, 'A', 4294967197, 1001),
      t(true, 'PA', 4294967197, 1001, 200),
      t(true, 'PA', 4294967197, 1001, 200),
      t(false, 'A', 1001, 101),
      t(true, 'RA', 101, 1001),
    ];
    // 100 ms between the two copies: Wireshark calls it a retransmission (not fast: no dup ACKs)
    const file = writeTmp('wrap-rexmit.pcap', writePcap(f.map((data, i) => ({ tsSec: 1_750_000_000, tsNsec: i * 100_000_000, data }))));
    const res = await analyze(file);
    const r = res.records[0];
    expect(r.bytes.client).toBe(200);
    expect(r.payloadBytes.client).toBe(400);
    expect(r.retransmissions.client).toBe(1);
    expect(r.analysis!.client.retransmittedBytes).toBe(200);
    expect(r.analysis!.client.lostSegments).toBe(0);
    expect(r.teardown).toBe('reset-client');
  });
});
