/**
 * Hand-made analysis results for the report tests: FlowRecords and PacketEvents written out by
 * hand from textbook TCP exchanges (RFC 9293 §3.5 figures), so the expected counts (packets per
 * ladder, rows, stuck groups) come from these sequences, not from the report code.
 */
import type { CaptureInfo } from '../../../src/capture/types.js';
import type { DirectionAnalysis, FlowRecord, LayerCounts, PacketEvent, Side, TcpState, Transition } from '../../../src/flow/types.js';
import { Note } from '../../../src/flow/types.js';
import type { ReportInput } from '../../../src/report/html/data.js';

export const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

export const T0 = 1_700_000_000; // capture start, epoch seconds

function dir(): DirectionAnalysis {
  return {
    retransmissions: 0, fastRetransmissions: 0, spuriousRetransmissions: 0, retransmittedBytes: 0, outOfOrder: 0,
    lostSegments: 0, missedBytes: 0, dupAcks: 0, keepAlives: 0, zeroWindowProbes: 0, ackedUnseen: 0,
    windowMin: 64240, windowMax: 64240, windowLast: 64240, windowScaleKnown: true, zeroWindows: 0,
    zeroWindowSeconds: 0, windowFull: 0, windowUpdates: 0, maxInFlight: 0, seqBytes: 0,
  };
}

export interface RecordSpec {
  id: number;
  proto?: FlowRecord['proto'];
  client: [string, number];
  server: [string, number];
  start: number; // seconds after T0
  duration: number;
  packets?: [number, number];
  bytes?: [number, number];
  state?: [TcpState | null, TcpState | null];
  stateSeconds?: [number | null, number | null];
  teardown?: FlowRecord['teardown'];
  rttMs?: number | null;
  retransmissions?: [number, number];
  zeek?: [FlowRecord['zeek']['conn_state'], string];
  service?: string | null;
}

export function record(s: RecordSpec): FlowRecord {
  const sec = T0 + Math.floor(s.start);
  const nsec = Math.round((s.start - Math.floor(s.start)) * 1e9);
  const endT = s.start + s.duration;
  const esec = T0 + Math.floor(endT);
  const ensec = Math.round((endT - Math.floor(endT)) * 1e9);
  const tcp = (s.proto ?? 'tcp') === 'tcp';
  const pk = s.packets ?? [1, 1];
  const by = s.bytes ?? [0, 0];
  const rtt = s.rttMs === undefined ? (tcp ? 1.5 : null) : s.rttMs;
  return {
    id: s.id,
    proto: s.proto ?? 'tcp',
    client: { ip: s.client[0], port: s.client[1] },
    server: { ip: s.server[0], port: s.server[1] },
    directionInferred: false,
    start: new Date(sec * 1000).toISOString(),
    end: new Date(esec * 1000).toISOString(),
    startSec: sec,
    startNsec: nsec,
    endSec: esec,
    endNsec: ensec,
    duration: s.duration,
    packets: { client: pk[0], server: pk[1] },
    bytes: { client: by[0], server: by[1] },
    ipBytes: { client: by[0] + 40 * pk[0], server: by[1] + 40 * pk[1] },
    payloadBytes: { client: by[0], server: by[1] },
    handshake: tcp
      ? {
          complete: rtt !== null, syn: null, synAck: null, ack: null, rttMs: rtt, synToSynAckMs: null, synAckToAckMs: null,
          synRetransmissions: 0, synAckRetransmissions: 0, synDataBytes: 0, options: { client: null, server: null },
        }
      : null,
    state: { client: s.state?.[0] ?? null, server: s.state?.[1] ?? null },
    stateSeconds: { client: s.stateSeconds?.[0] ?? null, server: s.stateSeconds?.[1] ?? null },
    stateSince: { client: null, server: null },
    stateInferred: false,
    teardown: s.teardown ?? (tcp ? 'graceful' : 'none'),
    reset: null,
    halfClose: null,
    retransmissions: { client: s.retransmissions?.[0] ?? 0, server: s.retransmissions?.[1] ?? 0 },
    analysis: tcp ? { client: dir(), server: dir() } : null,
    zeek: { conn_state: s.zeek?.[0] ?? 'SF', history: s.zeek?.[1] ?? 'ShADadFf', missed_bytes: 0, origIsClient: true, orig_bytes: by[0], resp_bytes: by[1] },
    portReuse: false,
    rstOutOfWindow: 0,
    icmpRejected: false,
    service: s.service === undefined ? null : s.service,
  };
}

/** [from, flags, seq, ack, len, window, clientStateAfter, serverStateAfter, notes?, rel?] */
export type Step = [Side, number, number, number, number, number, TcpState | null, TcpState | null, number?, number?];

export function events(flow: number, steps: Step[], firstFrame = 1, dt = 0.001): PacketEvent[] {
  let cIn = 0;
  let sIn = 0;
  return steps.map((st, k) => {
    const [from, flags, seq, ack, len, window, cs, ss, notes, rel] = st;
    // bytes in flight, hand rule: payload sent minus what the peer's last ACK covers is not needed here;
    // the test graphs only need a number that changes, so count this side's unacknowledged payload.
    if (from === 'client') cIn = len > 0 ? cIn + len : cIn;
    else sIn = len > 0 ? sIn + len : sIn;
    if (from === 'client' && flags & ACK) sIn = 0;
    if (from === 'server' && flags & ACK) cIn = 0;
    const r = rel ?? k * dt;
    return {
      flow, frame: firstFrame + k, tsSec: T0, tsNsec: 0, rel: r, from, flags, seq, ack, len, window,
      notes: notes ?? 0, inFlight: from === 'client' ? cIn : sIn, state: { client: cs, server: ss },
    };
  });
}

/**
 * Connection 1: the full textbook life (RFC 9293 §3.5 Figure 12 close after a 100-byte request and
 * a 500-byte response): 10 segments, so its ladder has 10 arrows.
 */
export const GRACEFUL_STEPS: Step[] = [
  ['client', SYN, 0, 0, 0, 64240, 'SYN_SENT', null],
  ['server', SYN | ACK, 0, 1, 0, 65160, 'SYN_SENT', 'SYN_RECEIVED'],
  ['client', ACK, 1, 1, 0, 64240, 'ESTABLISHED', 'ESTABLISHED'],
  ['client', PSH | ACK, 1, 1, 100, 64240, 'ESTABLISHED', 'ESTABLISHED'],
  ['server', ACK, 1, 101, 0, 65060, 'ESTABLISHED', 'ESTABLISHED'],
  ['server', PSH | ACK, 1, 101, 500, 65060, 'ESTABLISHED', 'ESTABLISHED'],
  ['client', ACK, 101, 501, 0, 63740, 'ESTABLISHED', 'ESTABLISHED'],
  ['client', FIN | ACK, 101, 501, 0, 63740, 'FIN_WAIT_1', 'CLOSE_WAIT'],
  ['server', FIN | ACK, 501, 102, 0, 65060, 'TIME_WAIT', 'LAST_ACK'],
  ['client', ACK, 102, 502, 0, 63740, 'TIME_WAIT', 'CLOSED'],
];

/** Connection 2: a request retransmitted once (the second copy marked), then a reset by the server: 7 segments. */
export const RETRANS_STEPS: Step[] = [
  ['client', SYN, 0, 0, 0, 64240, 'SYN_SENT', null],
  ['server', SYN | ACK, 0, 1, 0, 65160, 'SYN_SENT', 'SYN_RECEIVED'],
  ['client', ACK, 1, 1, 0, 64240, 'ESTABLISHED', 'ESTABLISHED'],
  ['client', PSH | ACK, 1, 1, 1000, 64240, 'ESTABLISHED', 'ESTABLISHED'],
  ['client', PSH | ACK, 1, 1, 1000, 64240, 'ESTABLISHED', 'ESTABLISHED', Note.RETRANSMISSION, 0.25],
  ['server', ACK, 1, 1001, 0, 64160, 'ESTABLISHED', 'ESTABLISHED', 0, 0.26],
  ['server', RST | ACK, 1, 1001, 0, 0, 'CLOSED', 'CLOSED', 0, 0.3],
];

/**
 * The transitions a step list implies: one per change of a side's state, caused by that packet.
 * (Derived from the hand-written states after each packet, not from synfin.)
 */
export function transitionsOf(flow: number, steps: Step[], firstFrame = 1, dt = 0.001): Transition[] {
  const out: Transition[] = [];
  let prev: [TcpState | null, TcpState | null] = [null, null];
  steps.forEach((st, k) => {
    const rel = st[9] ?? k * dt;
    const now: [TcpState | null, TcpState | null] = [st[6], st[7]];
    (['client', 'server'] as Side[]).forEach((side, j) => {
      if (now[j] !== prev[j] && now[j] !== null) {
        out.push({
          flow, time: '', tsSec: T0 + Math.floor(rel), tsNsec: Math.round((rel - Math.floor(rel)) * 1e9), frame: firstFrame + k, side,
          from: prev[j], to: now[j]!, cause: `${st[0]}→${st[0] === 'client' ? 'server' : 'client'} seq=${st[2]} ack=${st[3]}`, inferred: false,
        });
      }
    });
    prev = now;
  });
  return out;
}

/**
 * The small report: 5 connections.
 *  1 graceful (10 packets), 2 reset-server with a retransmission (7 packets),
 *  3 server stuck in CLOSE_WAIT for 120 s (no detail embedded: not given events),
 *  4 a UDP DNS exchange (2 packets), 5 SYN unanswered, client SYN_SENT for 30 s.
 */
export function smallInput(file = 'handmade.pcap'): { input: ReportInput; events: PacketEvent[] } {
  const records = [
    record({ id: 1, client: ['10.0.0.1', 40000], server: ['10.0.0.2', 80], start: 0, duration: 0.009, packets: [6, 4], bytes: [100, 500], state: ['TIME_WAIT', 'CLOSED'], stateSeconds: [5, 5], service: 'http' }),
    record({ id: 2, client: ['10.0.0.1', 40001], server: ['10.0.0.3', 443], start: 1, duration: 0.3, packets: [4, 3], bytes: [1000, 0], state: ['CLOSED', 'CLOSED'], teardown: 'reset-server', retransmissions: [1, 0], zeek: ['RSTR', 'ShADadr'], service: 'https' }),
    record({ id: 3, client: ['192.168.1.7', 51000], server: ['10.0.0.5', 8080], start: 2, duration: 3, packets: [6, 4], bytes: [300, 2000], state: ['FIN_WAIT_2', 'CLOSE_WAIT'], stateSeconds: [120, 120], teardown: 'incomplete', zeek: ['S1', 'ShADadf'] }),
    record({ id: 4, proto: 'udp', client: ['10.0.0.1', 53000], server: ['10.0.0.53', 53], start: 3, duration: 0.02, packets: [1, 1], bytes: [40, 120], rttMs: null, zeek: ['SF', 'Dd'], service: 'dns' }),
    record({ id: 5, client: ['10.0.0.1', 40002], server: ['10.0.0.9', 22], start: 4, duration: 3, packets: [3, 0], state: ['SYN_SENT', null], stateSeconds: [30, null], teardown: 'unanswered', rttMs: null, zeek: ['S0', 'S'] }),
  ];
  // Connection 1 starts at T0 exactly, so its transitions' times are those of its steps.
  records[0].transitions = transitionsOf(1, GRACEFUL_STEPS, 1);
  // Options of #1's SYN and SYN-ACK (as a Linux client and a server without window scaling would offer them).
  records[0].handshake!.options = {
    client: { mss: 1460, wscale: 7, sackPermitted: true, timestamps: true, tfo: false, mptcp: false },
    server: { mss: 1400, wscale: null, sackPermitted: false, timestamps: false, tfo: false, mptcp: false },
  };
  const ev = [
    ...events(1, GRACEFUL_STEPS, 1),
    ...events(2, RETRANS_STEPS, 11),
    ...events(4, [['client', 0, 0, 0, 40, 0, null, null], ['server', 0, 0, 0, 120, 0, null, null]], 28),
    ...events(5, [['client', SYN, 0, 0, 0, 64240, 'SYN_SENT', null], ['client', SYN, 0, 0, 0, 64240, 'SYN_SENT', null, Note.SYN_RETRANSMISSION, 1], ['client', SYN, 0, 0, 0, 64240, 'SYN_SENT', null, Note.SYN_RETRANSMISSION, 3]], 30),
  ];
  // Interleave as a capture would deliver them (the collector must regroup them per flow).
  ev.sort((a, b) => a.frame - b.frame);
  const capture: CaptureInfo = {
    file, format: 'pcap', gzip: false, nanosecond: false, byteOrder: 'little', version: '2.4', snaplen: 262144,
    interfaces: [{ index: 0, linkType: 1, snaplen: 262144, tsUnitsPerSecond: 1e6, tsOffset: 0 }],
    packets: 33, bytesRead: 4000, fileSize: 4000, sections: 1, warnings: [], error: null,
  };
  const input: ReportInput = {
    records, captures: [capture], layers: layers(), firstSec: T0, firstNsec: 0, lastSec: T0 + 7, lastNsec: 0,
    evicted: 0, interrupted: false, error: null,
  };
  return { input, events: ev };
}

export function layers(): LayerCounts {
  return {
    frames: 33, linkTypes: { 1: 33 }, unsupportedLinkTypes: {}, ethernet: 33, vlanTagged: 0, arp: 0, otherLink: 0,
    ipv4: 33, ipv6: 0, fragments: 0, tunnelled: 0, tcp: 31, udp: 2, icmp: 0, icmp6: 0, otherIp: 0,
    malformed: { link: 0, network: 0, transport: 0 }, truncated: 0, applications: { http: 10, https: 7, dns: 2, ssh: 3 },
  };
}

/** n generated connections (for the 100k test): ids 1..n, all graceful, with 4 packets of detail for the first few. */
export function manyInput(n: number): { input: ReportInput; events: PacketEvent[] } {
  const records: FlowRecord[] = [];
  const states: [TcpState, TcpState][] = [['TIME_WAIT', 'CLOSED'], ['ESTABLISHED', 'ESTABLISHED'], ['FIN_WAIT_2', 'CLOSE_WAIT']];
  for (let i = 1; i <= n; i++) {
    const st = states[i % 3];
    records.push(record({
      id: i,
      client: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1024 + (i % 60000)],
      server: ['192.168.0.1', 443],
      start: i * 0.001,
      duration: 0.5 + (i % 100) / 10,
      packets: [5 + (i % 7), 5 + (i % 5)],
      bytes: [i % 5000, (i * 7) % 90000],
      state: st,
      stateSeconds: [1, 1],
      teardown: st[1] === 'CLOSED' ? 'graceful' : st[1] === 'CLOSE_WAIT' ? 'incomplete' : 'none',
      rttMs: 0.2 + (i % 50),
    }));
  }
  const ev = events(1, GRACEFUL_STEPS, 1);
  const input: ReportInput = {
    records, captures: [], layers: null, firstSec: T0, firstNsec: 0, lastSec: T0 + Math.ceil(n * 0.001 + 11), lastNsec: 0,
    evicted: 0, interrupted: false, error: null,
  };
  return { input, events: ev };
}
