/**
 * A capture worked out by hand, packet by packet, for the end-to-end tests. Time origin T0 =
 * 1700000000 s (2023-11-14T22:13:20Z); every expected value in the tests follows from this list and
 * RFC 9293's state diagram (seen from a capture point next to the hosts).
 *
 *  flow 1  10.0.0.1:40000 → 10.0.0.5:80     graceful: handshake, 100 B up, 200 B down, client closes first
 *                                            (T0+0 … T0+0.008; client TIME_WAIT expires at T0+60.008 → CLOSED)
 *  flow 2  10.0.0.2:40001 → 10.0.0.5:8080   handshake at T0+1, client FIN at T0+2 ACKed, server never closes:
 *                                            client FIN_WAIT_2, server CLOSE_WAIT since T0+2.001
 *  flow 3  10.0.0.3:40002 → 10.0.0.5:8080   the same at T0+3 / T0+4 (CLOSE_WAIT since T0+4.001)
 *  flow 4  10.0.0.4:40003 → 10.0.0.6:443    SYN at T0+5, retransmitted at T0+6, never answered: SYN_SENT, S0
 *  flow 5  10.0.0.4:40004 → 10.0.0.5:23     SYN at T0+7 answered by RST,ACK: rejected, REJ
 *  flow 6  10.0.0.1:5353 → 10.0.0.53:53     UDP query (40 B payload) and answer (80 B) at T0+8
 *  flow 7  10.0.0.7:41000 → 10.0.0.5:80     graceful close, client first, FIN at T0+80.003: client TIME_WAIT since its last ACK at T0+80.005
 *  flow 8  10.0.0.1:5354 → 10.0.0.53:53     UDP query at T0+100 (no answer): the last packet, capture end T0+100
 */
import { writePcap, type WritePacket } from '../../src/capture/writer.js';
import { tcpFrame, udpFrame } from '../../src/synth/frames.js';

export const T0 = 1700000000;

interface P {
  t: number;
  from: [string, number];
  to: [string, number];
  flags: string;
  seq: number;
  ack?: number;
  len?: number;
  win?: number;
  opts?: boolean;
}

function tcp(p: P): WritePacket {
  const sec = Math.floor(p.t);
  const usec = Math.round((p.t - sec) * 1e6);
  return {
    tsSec: T0 + sec,
    tsNsec: usec * 1000,
    data: tcpFrame({
      src: p.from[0], sport: p.from[1], dst: p.to[0], dport: p.to[1],
      flags: p.flags, seq: p.seq, ack: p.ack ?? 0, window: p.win ?? 64240, payload: p.len ?? 0,
      options: p.opts ? { mss: 1460, sackPerm: true, wscale: 7 } : undefined,
    }),
  };
}

function udp(t: number, from: [string, number], to: [string, number], len: number): WritePacket {
  const sec = Math.floor(t);
  const usec = Math.round((t - sec) * 1e6);
  return { tsSec: T0 + sec, tsNsec: usec * 1000, data: udpFrame({ src: from[0], sport: from[1], dst: to[0], dport: to[1], payload: len }) };
}

/** Handshake + optional data, relative sequence numbers from ISNs c / s. */
export function graceful(t: number, c: [string, number], s: [string, number], isnC: number, isnS: number): WritePacket[] {
  return [
    tcp({ t, from: c, to: s, flags: 'S', seq: isnC, opts: true }),
    tcp({ t: t + 0.001, from: s, to: c, flags: 'SA', seq: isnS, ack: isnC + 1, opts: true }),
    tcp({ t: t + 0.0015, from: c, to: s, flags: 'A', seq: isnC + 1, ack: isnS + 1 }),
    tcp({ t: t + 0.002, from: c, to: s, flags: 'PA', seq: isnC + 1, ack: isnS + 1, len: 100 }),
    tcp({ t: t + 0.003, from: s, to: c, flags: 'A', seq: isnS + 1, ack: isnC + 101 }),
    tcp({ t: t + 0.004, from: s, to: c, flags: 'PA', seq: isnS + 1, ack: isnC + 101, len: 200 }),
    tcp({ t: t + 0.005, from: c, to: s, flags: 'A', seq: isnC + 101, ack: isnS + 201 }),
    tcp({ t: t + 0.006, from: c, to: s, flags: 'FA', seq: isnC + 101, ack: isnS + 201 }),
    tcp({ t: t + 0.007, from: s, to: c, flags: 'FA', seq: isnS + 201, ack: isnC + 102 }),
    tcp({ t: t + 0.008, from: c, to: s, flags: 'A', seq: isnC + 102, ack: isnS + 202 }),
  ];
}

export function halfClosed(t: number, c: [string, number], s: [string, number], isnC: number, isnS: number): WritePacket[] {
  return [
    tcp({ t, from: c, to: s, flags: 'S', seq: isnC, opts: true }),
    tcp({ t: t + 0.001, from: s, to: c, flags: 'SA', seq: isnS, ack: isnC + 1, opts: true }),
    tcp({ t: t + 0.002, from: c, to: s, flags: 'A', seq: isnC + 1, ack: isnS + 1 }),
    tcp({ t: t + 1, from: c, to: s, flags: 'FA', seq: isnC + 1, ack: isnS + 1 }),
    tcp({ t: t + 1.001, from: s, to: c, flags: 'A', seq: isnS + 1, ack: isnC + 2 }),
  ];
}

export function scenarioPackets(): WritePacket[] {
  const pkts: WritePacket[] = [
    ...graceful(0, ['10.0.0.1', 40000], ['10.0.0.5', 80], 1000, 5000),
    ...halfClosed(1, ['10.0.0.2', 40001], ['10.0.0.5', 8080], 2000, 6000),
    ...halfClosed(3, ['10.0.0.3', 40002], ['10.0.0.5', 8080], 3000, 7000),
    tcp({ t: 5, from: ['10.0.0.4', 40003], to: ['10.0.0.6', 443], flags: 'S', seq: 4000, opts: true }),
    tcp({ t: 6, from: ['10.0.0.4', 40003], to: ['10.0.0.6', 443], flags: 'S', seq: 4000, opts: true }),
    tcp({ t: 7, from: ['10.0.0.4', 40004], to: ['10.0.0.5', 23], flags: 'S', seq: 9000, opts: true }),
    tcp({ t: 7.001, from: ['10.0.0.5', 23], to: ['10.0.0.4', 40004], flags: 'RA', seq: 0, ack: 9001, win: 0 }),
    udp(8, ['10.0.0.1', 5353], ['10.0.0.53', 53], 40),
    udp(8.002, ['10.0.0.53', 53], ['10.0.0.1', 5353], 80),
    ...graceful(79.997, ['10.0.0.7', 41000], ['10.0.0.5', 80], 11000, 15000),
    udp(100, ['10.0.0.1', 5354], ['10.0.0.53', 53], 40),
  ];
  pkts.sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
  return pkts;
}

export function scenarioPcap(): Uint8Array {
  return writePcap(scenarioPackets());
}

/** The same traffic split in two files at T0+50 (rotated capture files). */
export function scenarioSplit(): [Uint8Array, Uint8Array] {
  const p = scenarioPackets();
  const cut = p.findIndex((x) => x.tsSec >= T0 + 50);
  return [writePcap(p.slice(0, cut)), writePcap(p.slice(cut))];
}
