/**
 * Per-connection state kept by the tracker while a flow is open (one object per connection and
 * two per-side objects; nothing here is allocated per packet). record.ts turns it into a FlowRecord.
 */
import type { TcpSeqAnalysis } from './tcp-analysis.js';
import type { ZeekConn } from './zeek.js';
import type { DirectionAnalysis, PerSide, Proto, Side, Transition } from './types.js';
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
  /** When the side entered `state`. */
  enteredSec = 0;
  enteredNsec = 0;

  packets = 0;
  ipBytes = 0;
  payloadBytes = 0;

  // --- what the capture showed this side send / receive (flags packed in `bits`, see accessors) ---
  private bits = 0;
  /** ISN of the side's SYN, as int32 (`| 0`: the value mod 2^32 without a heap number; compare with seq.ts). */
  isn = 0;
  /** Sequence number the FIN occupies (int32, as isn); the ACK of the FIN is finSeq + 1. */
  finSeq = 0;
  /** Absolute index of its latest entry in the TIME_WAIT timer queue (−1 none). */
  twAt = -1;
  /** TIME_WAIT expiry (capture time), valid while state === TIME_WAIT; as float seconds: twExpT. */
  twExpSec = 0;
  twExpNsec = 0;

  // --- handshake ---
  /** Time of this side's most recent SYN / SYN-ACK (Wireshark's ts_mru_syn). */
  mruSynSec = -1;
  mruSynNsec = 0;
  synRetransmissions = 0;
  synDataBytes = 0;
  optMss = -1;
  optWscale = -1;

  /**
   * Back to the state of a fresh SideState (every field above, as its initialiser sets it): the
   * tracker reuses the objects of released connections. test/flow/reuse.test.ts compares a reset
   * object with a new one field by field.
   */
  reset(): void {
    this.state = St.NONE;
    this.enteredSec = 0;
    this.enteredNsec = 0;
    this.packets = 0;
    this.ipBytes = 0;
    this.payloadBytes = 0;
    this.bits = 0;
    this.isn = 0;
    this.finSeq = 0;
    this.twAt = -1;
    this.twExpSec = 0;
    this.twExpNsec = 0;
    this.mruSynSec = -1;
    this.mruSynNsec = 0;
    this.synRetransmissions = 0;
    this.synDataBytes = 0;
    this.optMss = -1;
    this.optWscale = -1;
  }

  /**
   * Float seconds of twExpSec/twExpNsec (as the tracker computes every time: sec + nsec·1e-9). A
   * getter, not a field: a number field holding a non-integer is a separate heap box in V8, one
   * more cache line to fetch.
   */
  get twExpT(): number {
    return this.twExpSec + this.twExpNsec * 1e-9;
  }

  get synSeen(): boolean {
    return (this.bits & 1) !== 0;
  }
  set synSeen(v: boolean) {
    this.bits = v ? this.bits | 1 : this.bits & ~1;
  }
  /** The SYN it sent carried ACK (a SYN-ACK). */
  get synWasAck(): boolean {
    return (this.bits & 2) !== 0;
  }
  set synWasAck(v: boolean) {
    this.bits = v ? this.bits | 2 : this.bits & ~2;
  }
  /** Its ACK field showed it received the peer's SYN. */
  get peerSynRcvd(): boolean {
    return (this.bits & 4) !== 0;
  }
  set peerSynRcvd(v: boolean) {
    this.bits = v ? this.bits | 4 : this.bits & ~4;
  }
  /** The peer acknowledged its SYN. */
  get ownSynAcked(): boolean {
    return (this.bits & 8) !== 0;
  }
  set ownSynAcked(v: boolean) {
    this.bits = v ? this.bits | 8 : this.bits & ~8;
  }
  get finSeen(): boolean {
    return (this.bits & 16) !== 0;
  }
  set finSeen(v: boolean) {
    this.bits = v ? this.bits | 16 : this.bits & ~16;
  }
  get peerFinRcvd(): boolean {
    return (this.bits & 32) !== 0;
  }
  set peerFinRcvd(v: boolean) {
    this.bits = v ? this.bits | 32 : this.bits & ~32;
  }
  get ownFinAcked(): boolean {
    return (this.bits & 64) !== 0;
  }
  set ownFinAcked(v: boolean) {
    this.bits = v ? this.bits | 64 : this.bits & ~64;
  }
  /** SYN options offered: SACK permitted, timestamps, TFO, MPTCP. */
  get optSack(): boolean {
    return (this.bits & 128) !== 0;
  }
  set optSack(v: boolean) {
    this.bits = v ? this.bits | 128 : this.bits & ~128;
  }
  get optTs(): boolean {
    return (this.bits & 256) !== 0;
  }
  set optTs(v: boolean) {
    this.bits = v ? this.bits | 256 : this.bits & ~256;
  }
  get optTfo(): boolean {
    return (this.bits & 512) !== 0;
  }
  set optTfo(v: boolean) {
    this.bits = v ? this.bits | 512 : this.bits & ~512;
  }
  get optMptcp(): boolean {
    return (this.bits & 1024) !== 0;
  }
  set optMptcp(v: boolean) {
    this.bits = v ? this.bits | 1024 : this.bits & ~1024;
  }
}

export class Conn {
  id: number;
  kind: Kind;
  /** Hash of the table key, for deletion. */
  keyHash: number;
  /** Boolean facts packed in one number (see the accessors below); clientIsLo starts true. */
  private bits = 1;

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
  lastSec = 0;
  lastNsec = 0;

  /** The client's and the server's side (no array: one object fewer to reach per packet). */
  readonly s0 = new SideState();
  readonly s1 = new SideState();

  /** Side `d`: 0 = client, 1 = server. */
  side(d: number): SideState {
    return d === 0 ? this.s0 : this.s1;
  }

  analysis: TcpSeqAnalysis | null = null;
  /**
   * Zeek's view. null for a TCP connection whose analysers are not attached yet: a connection
   * opened by a SYN gets its sequence analysis and Zeek's view (≈1.9 KB) only when a second
   * segment arrives or its record is made, and the SYN waits meanwhile as a few numbers in the
   * tracker's pending table (`pendSlot`), replayed into both then. Half-open connections of a SYN
   * flood never get them until they are released. Also null once released.
   */
  zeek: ZeekConn | null;
  /** Slot of the first segment waiting in the tracker's pending table (−1 none); see `zeek`. */
  pendSlot = -1;
  /**
   * Sequence-analysis results for buildRecord when the analysis was frozen (set by the tracker
   * just before the record is built, from `frozenSlot`).
   */
  frozenAnalysis: PerSide<DirectionAnalysis> | null = null;
  /**
   * When the connection closed (both sides CLOSED / TIME_WAIT / unseen) its sequence analysis was
   * frozen: its results as of then are numbers in the tracker's frozen-results table, at this slot
   * (−1 none), and the analysis object went back for reuse (`analysis` is null: later packets no
   * longer reach it). A connection waiting out TIME_WAIT then holds ~350 bytes of results instead
   * of a ~1.2 KB analysis, and allocates nothing that would die in the old generation. Zeek's view
   * stays live to the end.
   */
  frozenSlot = -1;

  /** First FIN of the connection: which side sent it (−1 none). */
  firstFinBy = -1;
  resetBy = -1;
  resetFrame = 0;
  halfCloseSide = -1;
  halfCloseBytes = 0;
  rstOutOfWindow = 0;

  /** Handshake: first SYN-ACK answering the client's SYN, and the ACK that completed it. */
  synAckSec = -1;
  synAckNsec = 0;
  /** Most recent client SYN before the first SYN-ACK (RTT base, Wireshark's ts_mru_syn). */
  hsSynSec = -1;
  hsSynNsec = 0;
  hsAckSec = -1;
  hsAckNsec = 0;

  transitions: Transition[] | null = null;

  /** When the fate became final (closed); valid while `isFinal` (see finalT). */
  finalSec = 0;
  finalNsec = 0;
  /** Absolute index of its latest entry in the linger queue (−1 none). */
  lingerAt = -1;

  // Intrusive LRU list links (per kind class: TCP list or UDP/ICMP list).
  prev: Conn | null = null;
  next: Conn | null = null;

  /**
   * Incarnation of this object: the tracker reuses released Conn objects (reset()), and a timer
   * entry left in a queue by an earlier incarnation must not fire for the next one. Not reset.
   */
  gen = 0;

  constructor(id: number, kind: Kind, keyHash: number, zeek: ZeekConn | null) {
    this.id = id;
    this.kind = kind;
    this.keyHash = keyHash;
    this.zeek = zeek;
  }

  /**
   * Make this (released) object a fresh connection, exactly as the constructor and the field
   * initialisers above would (test/flow/reuse.test.ts compares field by field); `gen` advances.
   */
  reset(id: number, kind: Kind, keyHash: number, zeek: ZeekConn | null): void {
    this.id = id;
    this.kind = kind;
    this.keyHash = keyHash;
    this.bits = 1;
    this.ipVersion = 4;
    this.cliAddr4 = 0;
    this.srvAddr4 = 0;
    this.cliAddr6 = null;
    this.srvAddr6 = null;
    this.cliPort = 0;
    this.srvPort = 0;
    this.vlanCount = 0;
    this.vlan0 = 0;
    this.vlan1 = 0;
    this.startSec = 0;
    this.startNsec = 0;
    this.lastSec = 0;
    this.lastNsec = 0;
    this.s0.reset();
    this.s1.reset();
    this.analysis = null;
    this.zeek = zeek;
    this.pendSlot = -1;
    this.frozenAnalysis = null;
    this.frozenSlot = -1;
    this.firstFinBy = -1;
    this.resetBy = -1;
    this.resetFrame = 0;
    this.halfCloseSide = -1;
    this.halfCloseBytes = 0;
    this.rstOutOfWindow = 0;
    this.synAckSec = -1;
    this.synAckNsec = 0;
    this.hsSynSec = -1;
    this.hsSynNsec = 0;
    this.hsAckSec = -1;
    this.hsAckNsec = 0;
    this.transitions = null;
    this.finalSec = 0;
    this.finalNsec = 0;
    this.lingerAt = -1;
    this.prev = null;
    this.next = null;
    this.gen = (this.gen + 1) | 0;
  }

  // Float seconds (sec + nsec·1e-9, computed as the tracker computes a packet's time) as getters
  // over the exact pairs: a number field holding a non-integer is a separate heap box in V8, and
  // these are read for every packet.
  /** Time of the latest packet (float seconds). */
  get lastT(): number {
    return this.lastSec + this.lastNsec * 1e-9;
  }
  /** When the fate became final (float seconds); −1 = not final. */
  get finalT(): number {
    return this.isFinal ? this.finalSec + this.finalNsec * 1e-9 : -1;
  }
  /** The fate is final at finalSec/finalNsec. */
  setFinal(sec: number, nsec: number): void {
    this.isFinal = true;
    this.finalSec = sec;
    this.finalNsec = nsec;
  }

  /** The key's lo endpoint is the client. */
  get clientIsLo(): boolean {
    return (this.bits & 1) !== 0;
  }
  set clientIsLo(v: boolean) {
    this.bits = v ? this.bits | 1 : this.bits & ~1;
  }
  get directionInferred(): boolean {
    return (this.bits & 2) !== 0;
  }
  set directionInferred(v: boolean) {
    this.bits = v ? this.bits | 2 : this.bits & ~2;
  }
  /** A TCP segment (not a later fragment) has been processed. */
  get segmentSeen(): boolean {
    return (this.bits & 4) !== 0;
  }
  set segmentSeen(v: boolean) {
    this.bits = v ? this.bits | 4 : this.bits & ~4;
  }
  get stateInferred(): boolean {
    return (this.bits & 8) !== 0;
  }
  set stateInferred(v: boolean) {
    this.bits = v ? this.bits | 8 : this.bits & ~8;
  }
  /** FINs crossed (the second FIN was sent before its sender acknowledged the first). */
  get finsCrossed(): boolean {
    return (this.bits & 16) !== 0;
  }
  set finsCrossed(v: boolean) {
    this.bits = v ? this.bits | 16 : this.bits & ~16;
  }
  get resetAfterFin(): boolean {
    return (this.bits & 32) !== 0;
  }
  set resetAfterFin(v: boolean) {
    this.bits = v ? this.bits | 32 : this.bits & ~32;
  }
  /** The server answered the SYN with RST and never sent a SYN-ACK. */
  get rejected(): boolean {
    return (this.bits & 64) !== 0;
  }
  set rejected(v: boolean) {
    this.bits = v ? this.bits | 64 : this.bits & ~64;
  }
  get portReuse(): boolean {
    return (this.bits & 128) !== 0;
  }
  set portReuse(v: boolean) {
    this.bits = v ? this.bits | 128 : this.bits & ~128;
  }
  get icmpRejected(): boolean {
    return (this.bits & 256) !== 0;
  }
  set icmpRejected(v: boolean) {
    this.bits = v ? this.bits | 256 : this.bits & ~256;
  }
  get traced(): boolean {
    return (this.bits & 512) !== 0;
  }
  set traced(v: boolean) {
    this.bits = v ? this.bits | 512 : this.bits & ~512;
  }
  /** Evicted by the maxConnections bound. */
  get evicted(): boolean {
    return (this.bits & 1024) !== 0;
  }
  set evicted(v: boolean) {
    this.bits = v ? this.bits | 1024 : this.bits & ~1024;
  }
  /** Released (record emitted). */
  get done(): boolean {
    return (this.bits & 2048) !== 0;
  }
  set done(v: boolean) {
    this.bits = v ? this.bits | 2048 : this.bits & ~2048;
  }
  /** All sides CLOSED (or unseen): the fate is final (finalSec/finalNsec). */
  get isFinal(): boolean {
    return (this.bits & 4096) !== 0;
  }
  set isFinal(v: boolean) {
    this.bits = v ? this.bits | 4096 : this.bits & ~4096;
  }
}

export function sideName(i: number): Side {
  return i === 0 ? 'client' : 'server';
}
