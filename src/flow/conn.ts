/**
 * Per-connection state kept by the tracker while a flow is open (one object per connection and
 * two per-side objects; nothing here is allocated per packet). record.ts turns it into a FlowRecord.
 */
import type { TcpSeqAnalysis } from './tcp-analysis.js';
import type { ZeekConn } from './zeek.js';
import type { DirectionAnalysis, PerSide, Proto, Side, Transition, ZeekFields } from './types.js';
import { St } from './tcp-state.js';

/** Kinds of flow, numbered for the hot path. */
export enum Kind {
  TCP = 0,
  UDP = 1,
  ICMP = 2,
  ICMP6 = 3,
}

export const PROTO_NAMES: ReadonlyArray<Proto> = ['tcp', 'udp', 'icmp', 'icmp6'];

export class SideState {
  state: St = St.NONE;
  /** When the side entered `state` (exact, and as float seconds for comparisons). */
  enteredSec = 0;
  enteredNsec = 0;
  enteredT = 0;

  packets = 0;
  ipBytes = 0;
  payloadBytes = 0;

  // --- what the capture showed this side send / receive ---
  synSeen = false;
  /** ISN (uint32) of the side's SYN. */
  isn = 0;
  /** The SYN it sent carried ACK (a SYN-ACK). */
  synWasAck = false;
  /** Its ACK field showed it received the peer's SYN. */
  peerSynRcvd = false;
  /** The peer acknowledged its SYN. */
  ownSynAcked = false;
  finSeen = false;
  /** Sequence number the FIN occupies (uint32); the ACK of the FIN is finSeq + 1. */
  finSeq = 0;
  peerFinRcvd = false;
  ownFinAcked = false;
  /** TIME_WAIT expiry (float seconds of capture time), valid while state === TIME_WAIT, and its exact time. */
  twExpT = 0;
  /** Absolute index of its latest entry in the TIME_WAIT timer queue (−1 none). */
  twAt = -1;
  twExpSec = 0;
  twExpNsec = 0;

  // --- handshake ---
  /** Time of this side's first SYN / SYN-ACK, and of the most recent one (Wireshark's ts_mru_syn). */
  synSec = -1;
  synNsec = 0;
  mruSynSec = -1;
  mruSynNsec = 0;
  synRetransmissions = 0;
  synDataBytes = 0;
  optMss = -1;
  optWscale = -1;
  optSack = false;
  optTs = false;
  optTfo = false;
  optMptcp = false;
}

export class Conn {
  id: number;
  kind: Kind;
  /** Hash of the table key, for deletion. */
  keyHash: number;
  /** The key's lo endpoint is the client. */
  clientIsLo = true;
  directionInferred = false;

  ipVersion = 4;
  cliAddr4 = 0;
  srvAddr4 = 0;
  cliAddr6: Uint8Array | null = null;
  srvAddr6: Uint8Array | null = null;
  cliPort = 0;
  srvPort = 0;
  vlanCount = 0;
  vlan0 = 0;
  vlan1 = 0;

  startSec = 0;
  startNsec = 0;
  startT = 0;
  lastSec = 0;
  lastNsec = 0;
  lastT = 0;

  /** sides[0] = client, sides[1] = server. */
  readonly sides: [SideState, SideState] = [new SideState(), new SideState()];

  analysis: TcpSeqAnalysis | null = null;
  /** null once frozen. */
  zeek: ZeekConn | null;
  /**
   * Results taken when the connection closed (both sides CLOSED / TIME_WAIT / unseen), after which
   * the analysis objects are dropped so a connection waiting out TIME_WAIT holds little memory.
   */
  frozenAnalysis: PerSide<DirectionAnalysis> | null = null;
  frozenZeek: ZeekFields | null = null;

  /** A TCP segment (not a later fragment) has been processed. */
  segmentSeen = false;
  stateInferred = false;
  /** First FIN of the connection: which side sent it (−1 none). */
  firstFinBy = -1;
  /** FINs crossed (the second FIN was sent before its sender acknowledged the first). */
  finsCrossed = false;
  resetBy = -1;
  resetAfterFin = false;
  resetFrame = 0;
  /** The server answered the SYN with RST and never sent a SYN-ACK. */
  rejected = false;
  halfCloseSide = -1;
  halfCloseBytes = 0;
  rstOutOfWindow = 0;
  portReuse = false;
  icmpRejected = false;

  /** Handshake: first SYN-ACK answering the client's SYN, and the ACK that completed it. */
  synAckSec = -1;
  synAckNsec = 0;
  /** Most recent client SYN before the first SYN-ACK (RTT base, Wireshark's ts_mru_syn). */
  hsSynSec = -1;
  hsSynNsec = 0;
  hsAckSec = -1;
  hsAckNsec = 0;

  transitions: Transition[] | null = null;
  traced = false;

  /** The fate is final (closed): time it became so (float seconds; −1 = not final). */
  finalT = -1;
  finalSec = 0;
  finalNsec = 0;
  /** Absolute index of its latest entry in the linger queue (−1 none). */
  lingerAt = -1;
  /** Evicted by the maxConnections bound. */
  evicted = false;
  /** Released (record emitted). */
  done = false;

  // Intrusive LRU list links (per kind class: TCP list or UDP/ICMP list).
  prev: Conn | null = null;
  next: Conn | null = null;

  constructor(id: number, kind: Kind, keyHash: number, zeek: ZeekConn) {
    this.id = id;
    this.kind = kind;
    this.keyHash = keyHash;
    this.zeek = zeek;
  }
}

export function sideName(i: number): Side {
  return i === 0 ? 'client' : 'server';
}
