/**
 * Conn → FlowRecord (the NDJSON contract of issue 3). Called once per connection, when its fate
 * is final or at capture end; allocation here is per connection, not per packet.
 */
import { durationNs, isoTime } from '../capture/time.js';
import { formatIPv4, formatIPv6 } from '../decode/addr.js';
import { serviceForPort } from '../decode/services.js';
import { type Conn, Kind, PROTO_NAMES, type SideState } from './conn.js';
import { St, STATE_NAMES } from './tcp-state.js';
import type { DirectionAnalysis, Endpoint, FlowRecord, Handshake, PerSide, SynOptions, Teardown } from './types.js';

// IPv4 address texts of recent records in a direct-mapped cache: records repeat their servers' and
// clients' addresses (bench.pcap: 60 000 records, 200 servers, 5 000 clients), and a cached text is
// neither built again nor garbage.
const V4_SLOTS = 8192;
const v4Key = new Float64Array(V4_SLOTS).fill(-1);
const v4Text: string[] = new Array<string>(V4_SLOTS).fill('');

/** formatIPv4 of a uint32 address, cached. */
function ipv4Text(a: number): string {
  const k = (a ^ (a >>> 13)) & (V4_SLOTS - 1);
  if (v4Key[k] === a) return v4Text[k];
  const t = formatIPv4(a);
  v4Key[k] = a;
  v4Text[k] = t;
  return t;
}

export function clientEndpoint(c: Conn): Endpoint {
  return {
    ip: c.ipVersion === 6 ? formatIPv6(c.cliAddr6!) : ipv4Text(c.cliAddr4),
    port: c.cliPort,
  };
}

export function serverEndpoint(c: Conn): Endpoint {
  return {
    ip: c.ipVersion === 6 ? formatIPv6(c.srvAddr6!) : ipv4Text(c.srvAddr4),
    port: c.srvPort,
  };
}

/** Teardown kind (docs/states.md "Teardown kinds"). */
export function teardownOf(c: Conn): Teardown {
  if (c.kind !== Kind.TCP) return 'none';
  if (c.rejected) return 'rejected';
  if (c.resetBy >= 0) return c.resetBy === 0 ? 'reset-client' : 'reset-server';
  const cl = c.s0;
  const sv = c.s1;
  if (sv.packets === 0 && cl.synSeen && !cl.synWasAck) return 'unanswered';
  if (cl.finSeen && sv.finSeen) return c.finsCrossed ? 'simultaneous' : 'graceful';
  if (cl.finSeen || sv.finSeen) return 'incomplete';
  return 'none';
}

function synOptions(s: SideState): SynOptions | null {
  if (!s.synSeen) return null;
  return {
    mss: s.optMss >= 0 ? s.optMss : null,
    wscale: s.optWscale >= 0 ? s.optWscale : null,
    sackPermitted: s.optSack,
    timestamps: s.optTs,
    tfo: s.optTfo,
    mptcp: s.optMptcp,
  };
}

function msBetween(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return durationNs(aSec, aNsec, bSec, bNsec) / 1e6;
}

function handshakeOf(c: Conn): Handshake {
  const cl = c.s0;
  const sv = c.s1;
  const hasSyn = cl.synSeen && !cl.synWasAck;
  const complete = hasSyn && c.synAckSec >= 0 && c.hsAckSec >= 0 && c.hsSynSec >= 0;
  const synSec = c.hsSynSec >= 0 ? c.hsSynSec : hasSyn ? cl.mruSynSec : -1;
  const synNsec = c.hsSynSec >= 0 ? c.hsSynNsec : cl.mruSynNsec;
  return {
    complete,
    syn: synSec >= 0 ? isoTime(synSec, synNsec) : null,
    synAck: c.synAckSec >= 0 ? isoTime(c.synAckSec, c.synAckNsec) : null,
    ack: c.hsAckSec >= 0 ? isoTime(c.hsAckSec, c.hsAckNsec) : null,
    rttMs: complete ? msBetween(c.hsSynSec, c.hsSynNsec, c.hsAckSec, c.hsAckNsec) : null,
    synToSynAckMs: complete ? msBetween(c.hsSynSec, c.hsSynNsec, c.synAckSec, c.synAckNsec) : null,
    synAckToAckMs: complete ? msBetween(c.synAckSec, c.synAckNsec, c.hsAckSec, c.hsAckNsec) : null,
    synRetransmissions: hasSyn ? cl.synRetransmissions : 0,
    synAckRetransmissions: sv.synSeen && sv.synWasAck ? sv.synRetransmissions : 0,
    synDataBytes: hasSyn ? cl.synDataBytes : 0,
    options: { client: synOptions(cl), server: synOptions(sv) },
  };
}

function stateSeconds(tcp: boolean, s: SideState, refSec: number, refNsec: number): number | null {
  return !tcp || s.state === St.NONE ? null : Math.max(0, durationNs(s.enteredSec, s.enteredNsec, refSec, refNsec) / 1e9);
}

function stateSince(tcp: boolean, s: SideState): string | null {
  return !tcp || s.state === St.NONE ? null : isoTime(s.enteredSec, s.enteredNsec);
}

/**
 * Build the record. `refSec/refNsec` is the moment the record describes: the capture's last
 * timestamp for records emitted by finish(), else the moment the connection's fate became final
 * (TIME_WAIT expiry, idle timeout, eviction, or its last packet when it closed).
 */
export function buildRecord(c: Conn, refSec: number, refNsec: number, withTransitions: boolean): FlowRecord {
  const tcp = c.kind === Kind.TCP;
  const proto = PROTO_NAMES[c.kind];
  const cl = c.s0;
  const sv = c.s1;

  let analysis: PerSide<DirectionAnalysis> | null = c.frozenAnalysis;
  if (tcp && analysis === null && c.analysis !== null) {
    try {
      analysis = c.analysis.result(refSec, refNsec);
    } catch {
      // The analysis must never take the whole pipeline down; the record stays usable without it.
      analysis = null;
    }
  }

  const zc = c.zeek!;
  const zeek = zc.result();
  // TCP bytes: Zeek's sequence-span rule (TCP_Endpoint::Size, zeek-conn.md (c)), computed once, by
  // ZeekConn, per synfin side (so it does not depend on Zeek's originator and is set even where
  // Zeek leaves orig_bytes unset for a zero duration). Other protocols: payload bytes.
  let bytes: PerSide<number>;
  if (tcp) {
    bytes = { client: zc.seqBytes(0), server: zc.seqBytes(1) };
    if (analysis !== null) {
      analysis.client.seqBytes = bytes.client;
      analysis.server.seqBytes = bytes.server;
    }
  } else bytes = { client: cl.payloadBytes, server: sv.payloadBytes };
  let service: string | null = null;
  if (c.kind === Kind.TCP || c.kind === Kind.UDP) {
    const p = c.kind === Kind.TCP ? 'tcp' : 'udp';
    service = serviceForPort(p, c.srvPort) ?? serviceForPort(p, c.cliPort);
  }

  const rec: FlowRecord = {
    id: c.id,
    proto,
    client: clientEndpoint(c),
    server: serverEndpoint(c),
    directionInferred: c.directionInferred,
    start: isoTime(c.startSec, c.startNsec),
    end: isoTime(c.lastSec, c.lastNsec),
    startSec: c.startSec,
    startNsec: c.startNsec,
    endSec: c.lastSec,
    endNsec: c.lastNsec,
    duration: durationNs(c.startSec, c.startNsec, c.lastSec, c.lastNsec) / 1e9,
    packets: { client: cl.packets, server: sv.packets },
    bytes,
    ipBytes: { client: cl.ipBytes, server: sv.ipBytes },
    payloadBytes: { client: cl.payloadBytes, server: sv.payloadBytes },
    handshake: tcp ? handshakeOf(c) : null,
    state: tcp ? { client: STATE_NAMES[cl.state], server: STATE_NAMES[sv.state] } : { client: null, server: null },
    stateSeconds: { client: stateSeconds(tcp, cl, refSec, refNsec), server: stateSeconds(tcp, sv, refSec, refNsec) },
    stateSince: { client: stateSince(tcp, cl), server: stateSince(tcp, sv) },
    stateInferred: c.stateInferred,
    teardown: teardownOf(c),
    reset:
      c.resetBy >= 0 ? { by: c.resetBy === 0 ? 'client' : 'server', afterFin: c.resetAfterFin, frame: c.resetFrame } : null,
    halfClose: c.halfCloseSide >= 0 ? { side: c.halfCloseSide === 0 ? 'client' : 'server', bytes: c.halfCloseBytes } : null,
    // Segments that re-send sequence space the side had already sent: Wireshark's retransmission
    // family plus those of its out-of-order segments that carry bytes already seen (at a sender-side
    // capture, retransmissions sent within the iRTT / 3 ms: the kernel fixture's bulk-lossy
    // connection); late originals behind a reordering hop are not counted. analysis.* keeps
    // Wireshark's split.
    retransmissions: analysis
      ? {
          client: analysis.client.retransmissions + analysis.client.outOfOrderResent,
          server: analysis.server.retransmissions + analysis.server.outOfOrderResent,
        }
      : { client: 0, server: 0 },
    analysis,
    zeek,
    portReuse: c.portReuse,
    rstOutOfWindow: c.rstOutOfWindow,
    icmpRejected: c.icmpRejected,
    service,
  };
  if (c.vlanCount > 0) rec.vlan = c.vlanCount > 1 ? [c.vlan0, c.vlan1] : [c.vlan0];
  if (c.evicted) rec.evicted = true;
  if (withTransitions) rec.transitions = c.transitions ?? [];
  return rec;
}
