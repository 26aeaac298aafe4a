/**
 * The flow tracker: Packet stream → FlowRecords, with both endpoints' TCP state machines.
 *
 * Per packet: one numeric-key lookup in the flow table (table.ts), counters, the sequence analysis
 * (tcp-analysis.ts), the state events (tcp-state.ts) and Zeek's view (zeek.ts). Nothing is
 * allocated per packet unless the flow is traced or a state changes while transitions are wanted.
 *
 * Timers run on capture time, lazily: before each packet, TIME_WAIT expiries, the linger of
 * closed connections and idle timeouts whose time the packet's timestamp has passed are applied
 * (at their own time, not the packet's); finish() applies them against the capture's last
 * timestamp. See docs/states.md.
 */
import { durationNs, isoTime } from '../capture/time.js';
import type { RawRecord } from '../capture/types.js';
import { isWellKnownServerPort } from '../decode/services.js';
import { Packet, PacketKind, TcpFlag, tcpFlagNames } from '../decode/packet.js';
import { Conn, Kind, PROTO_NAMES, type SideState, sideName } from './conn.js';
import { buildRecord, clientEndpoint, serverEndpoint } from './record.js';
import { seqGe } from './seq.js';
import { FlowTable } from './table.js';
import { FROZEN_WORDS, frozenResult, int, TcpSeqAnalysis } from './tcp-analysis.js';
import { Ev, isOpen, nextState, St, STATE_NAMES } from './tcp-state.js';
import { Note } from './types.js';
import type { Endpoint, FlowRecord, PacketEvent, Proto, Transition } from './types.js';
import { ZeekConn } from './zeek.js';

export interface TrackerOptions {
  /** TIME_WAIT duration, seconds of capture time (60 Linux, 240 = RFC 793 2×MSL). */
  timeWait: number;
  /** Seconds of silence after which an open TCP connection is final (0 = never). */
  idleTimeout: number;
  /** VLAN ids are part of the flow key. */
  vlanKey: boolean;
  /** Keep each record's transitions in record.transitions. */
  transitions: boolean;
  onRecord: (r: FlowRecord) => void;
  onTransition?: (t: Transition) => void;
  trace?: (flowId: number, client: Endpoint, server: Endpoint, proto: Proto) => boolean;
  onPacket?: (e: PacketEvent) => void;
  /** At most this many flows open at once (0 = unbounded). */
  maxConnections: number;
  /** UDP/ICMP flows end after this many seconds of silence (default 60, Zeek's udp/icmp_inactivity_timeout). */
  datagramIdle?: number;
  /** A closed TCP connection stays in the table this long to absorb stray packets (default 5, Zeek's tcp_close_delay). */
  closeLinger?: number;
  /**
   * Shard of a multi-threaded run (src/parallel/): every packet is given to add() (so the clock and
   * the timers advance exactly as in one thread), but only flows whose key falls in shard `index`
   * of `count` are tracked. An ICMP destination unreachable marks the flow it quotes in the shard
   * that owns the quoted flow. See shardOf().
   */
  shard?: {
    count: number;
    index: number;
    /**
     * The share of the key hashes each shard owns, in shard order (summing to 1): shard i owns the
     * hashes h with 2^32·(w0+…+w(i−1)) ≤ h < 2^32·(w0+…+wi). Default: equal parts, i.e. shardOf().
     */
    weights?: number[];
  };
  /**
   * A flow's id is the 1-based index of its first packet among all packets given to add(), not its
   * rank among flows (shards number their flows this way so that the ranks can be merged).
   */
  idFromPacketIndex?: boolean;
  /** Called with each new flow's id when it is created (shards report them to the merging thread). */
  onCreate?: (id: number) => void;
  /**
   * Attach the sequence analysis and Zeek's view to a TCP connection at its first segment, as
   * before they were made lazy (tests compare the two paths; the records are the same).
   */
  eagerAnalysers?: boolean;
}

/**
 * Shard of a flow key hash (FlowTable.hash(), symmetric in the two endpoints): its high bits, because
 * the table indexes by the low ones (sharding on those would leave half of each shard's table unused).
 */
export function shardOf(hash: number, count: number): number {
  return Math.floor(((hash >>> 0) / 4294967296) * count);
}

/** At most this many released objects of each kind wait for reuse (≈3 KB per connection). */
const POOL_MAX = 4096;

/**
 * A first segment waiting in the pending table (see Conn.zeek), as int32 words: the Packet fields
 * that TcpSeqAnalysis.onSegment and ZeekConn.onPacket read for a TCP segment, its direction, the
 * tracker's notes and its time (the seconds in a Float64Array of their own: they may pass 2^31).
 */
const P_SEQ = 0;
const P_ACK = 1;
const P_DST4 = 2;
/** flags (9 bits) | ipChecksumBad << 9 | tcpChecksumBad << 10 | dir << 11 | ipVersion << 12 */
const P_BITS = 3;
/** window | (optWscale + 1) << 16 */
const P_WINDOW = 4;
const P_PAYLOAD = 5;
const P_CAPTURED = 6;
const P_IPLEN = 7;
/** srcPort << 16 | dstPort */
const P_PORTS = 8;
const P_NOTES = 9;
const P_NSEC = 10;
const PEND_WORDS = 11;

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;

/**
 * FIFO of (conn, side, time) timer entries; times are non-decreasing when pushed in capture order.
 * A ring buffer (typed arrays for sides and times) that only grows by doubling, so a long stream of
 * short connections makes no garbage here. push() returns the entry's absolute index, so a released
 * connection can clear its entries and the queue never keeps a finished connection alive.
 */
class TimerQueue {
  private conns: (Conn | null)[] = new Array<Conn | null>(1024).fill(null);
  /** The conn's `gen` when pushed: an entry of an earlier incarnation of a reused Conn object is dead. */
  private gens = new Int32Array(1024);
  private sides = new Uint8Array(1024);
  private times = new Float64Array(1024);
  private mask = 1023;
  /** Absolute indices: entries are [head, tail). */
  head = 0;
  tail = 0;

  push(c: Conn, side: number, t: number): number {
    if (this.tail - this.head > this.mask) this.grow();
    const i = this.tail & this.mask;
    this.conns[i] = c;
    this.gens[i] = c.gen;
    this.sides[i] = side;
    this.times[i] = t;
    return this.tail++;
  }
  get empty(): boolean {
    return this.head === this.tail;
  }
  /** Head entry's time / conn / side (valid when !empty). */
  headTime(): number {
    return this.times[this.head & this.mask];
  }
  /** The head entry's conn, null when cleared or pushed by an earlier incarnation of the object. */
  headConn(): Conn | null {
    const c = this.conns[this.head & this.mask];
    return c !== null && c.gen === this.gens[this.head & this.mask] ? c : null;
  }
  headSide(): number {
    return this.sides[this.head & this.mask];
  }
  pop(): void {
    this.conns[this.head & this.mask] = null;
    this.head++;
  }
  /** Forget entry `at` if it still holds `c`. */
  clear(at: number, c: Conn): void {
    if (at >= this.head && at < this.tail && this.conns[at & this.mask] === c) this.conns[at & this.mask] = null;
  }
  private grow(): void {
    const n = (this.mask + 1) * 2;
    const conns = new Array<Conn | null>(n).fill(null);
    const gens = new Int32Array(n);
    const sides = new Uint8Array(n);
    const times = new Float64Array(n);
    for (let a = this.head; a < this.tail; a++) {
      conns[a & (n - 1)] = this.conns[a & this.mask];
      gens[a & (n - 1)] = this.gens[a & this.mask];
      sides[a & (n - 1)] = this.sides[a & this.mask];
      times[a & (n - 1)] = this.times[a & this.mask];
    }
    this.conns = conns;
    this.gens = gens;
    this.sides = sides;
    this.times = times;
    this.mask = n - 1;
  }
}

/** Every side CLOSED or unseen, at least one CLOSED: the connection's fate is final. */
function sidesClosed(c: Conn): boolean {
  const a = c.s0.state;
  const b = c.s1.state;
  return (a === St.CLOSED || a === St.NONE) && (b === St.CLOSED || b === St.NONE) && (a === St.CLOSED || b === St.CLOSED);
}

export class FlowTracker {
  private readonly o: TrackerOptions;
  private readonly table = new FlowTable<Conn>(4096);
  private nextId = 0;
  /** Packets given to add() so far (the current packet's 1-based index while it is processed). */
  private packetIndex = 0;
  private readonly shardCount: number;
  private readonly shardIndex: number;
  /** With shard weights: this shard's range of unsigned key hashes, [shardLo, shardHi). */
  private readonly shardWeighted: boolean;
  private readonly shardLo: number = 0;
  private readonly shardHi: number = 0;
  /** Connections evicted by the maxConnections bound. */
  evicted = 0;

  /** Latest timestamp seen (the capture's end, as far as read). */
  private nowT = -Infinity;
  private nowSec = 0;
  private nowNsec = 0;

  private readonly tw = new TimerQueue();
  private readonly linger = new TimerQueue();
  // LRU lists (least recently active at the head): TCP, and UDP/ICMP.
  private tcpHead: Conn | null = null;
  private tcpTail: Conn | null = null;
  private dgHead: Conn | null = null;
  private dgTail: Conn | null = null;

  /**
   * Objects of released connections, reused by create() (reset to their fresh state): a
   * connection outlives a scavenge, so without reuse its ~3 KB of state would be promoted and die
   * in the old generation, the bulk of the GC work on connection-heavy captures. Bounded. Three
   * pools: a TCP connection takes its ZeekConn and TcpSeqAnalysis at its second segment (attach()).
   */
  private readonly freeConns: Conn[] = [];
  private readonly freeZeeks: ZeekConn[] = [];
  /** Analyses of released connections, and those given back when their connection was frozen. */
  private readonly freeAnalyses: TcpSeqAnalysis[] = [];
  /** First segments waiting for their connection's analysers: PEND_WORDS numbers per slot (Conn.pendSlot). */
  private pend = new Int32Array(PEND_WORDS * 1024);
  private pendSec = new Float64Array(1024);
  private readonly pendFree: number[] = [];
  private pendUsed = 0;
  /** The packet a waiting first segment is replayed from (a Packet, so the analysers see one hidden class). */
  private readonly replayPkt = new Packet();
  /** TCP connections get their analysers at their second segment (see Conn.zeek). */
  private readonly lazy: boolean;
  /** Frozen connections' analysis results: FROZEN_WORDS numbers per slot (Conn.frozenSlot); free slots. */
  private frozen = new Float64Array(FROZEN_WORDS * 1024);
  private readonly frozenFree: number[] = [];
  private frozenUsed = 0;

  private readonly twWhole: number;
  private readonly twFracNs: number;
  private readonly dgIdle: number;
  private readonly lingerS: number;
  private readonly wantTransitions: boolean;
  /**
   * The TCP LRU list is read only by the idle timeout and the maxConnections eviction: without
   * them it is not kept (touch() writes to up to three other connections' objects per packet).
   */
  private readonly tcpLru: boolean;

  // The packet being processed (for transition causes, built only when a transition is recorded).
  private curPkt: Packet | null = null;
  private curDir = 0;
  private curConn: Conn | null = null;
  /**
   * The current packet's time as float seconds. Kept in a field, not passed as an argument: a
   * double argument to a call V8 does not inline is boxed (one heap number per packet).
   */
  private curT = 0;
  /** No timer can fire before this capture time (lower bound; see sweep()). */
  private nextDue = Infinity;
  // Scratch time (exact) for timer arithmetic.
  private tSec = 0;
  private tNsec = 0;

  constructor(o: TrackerOptions) {
    this.o = o;
    const tw = Math.max(0, o.timeWait);
    this.twWhole = Math.floor(tw);
    this.twFracNs = Math.round((tw - this.twWhole) * 1e9);
    this.dgIdle = o.datagramIdle ?? 60;
    this.lingerS = o.closeLinger ?? 5;
    this.wantTransitions = o.transitions || o.onTransition !== undefined;
    this.tcpLru = o.idleTimeout > 0 || o.maxConnections > 0;
    this.shardCount = o.shard?.count ?? 1;
    const si = (this.shardIndex = o.shard?.index ?? 0);
    const w = o.shard?.weights;
    this.shardWeighted = w !== undefined;
    if (w !== undefined) {
      let lo = 0;
      for (let i = 0; i < si; i++) lo += w[i];
      this.shardLo = si === 0 ? 0 : Math.round(lo * 4294967296);
      this.shardHi = si === this.shardCount - 1 ? 4294967296 : Math.round((lo + w[si]) * 4294967296);
    }
    // With transitions, a transition's cause shows the SYN's relative sequence number (the analysis').
    this.lazy = !this.wantTransitions && o.eagerAnalysers !== true;
  }

  /** The key just built belongs to another shard. */
  private notMine(): boolean {
    if (this.shardCount <= 1) return false;
    const h = this.table.hash() >>> 0;
    return this.shardWeighted ? h < this.shardLo || h >= this.shardHi : shardOf(h, this.shardCount) !== this.shardIndex;
  }

  /** Open flows right now. */
  get open(): number {
    return this.table.size;
  }

  // Nanoseconds are taken as `rec.tsNsec | 0` (the same value, < 1e9) wherever they are stored: the
  // pcap reader computes them as µs × 1000, a double, and every nsec field that received one became
  // a double field, a separate 16-byte heap box in every Conn, SideState, Dir and ZeekConn (13 per
  // connection, measured with a heap snapshot of a SYN flood).
  add(pkt: Packet, rec: RawRecord): void {
    const sec = rec.tsSec;
    const nsec = rec.tsNsec | 0;
    this.packetIndex++;
    this.curT = sec + nsec * 1e-9;
    if (this.curT >= this.nowT) {
      this.nowT = this.curT;
      this.nowSec = sec;
      this.nowNsec = nsec;
    }
    this.sweep();
    switch (pkt.kind) {
      case PacketKind.Tcp:
        this.tcp(pkt, rec);
        break;
      case PacketKind.Udp:
        this.datagram(pkt, rec, Kind.UDP);
        break;
      case PacketKind.Icmp:
        this.datagram(pkt, rec, Kind.ICMP);
        break;
      case PacketKind.Icmp6:
        this.datagram(pkt, rec, Kind.ICMP6);
        break;
      default:
        break;
    }
  }

  /** Capture end: apply due TIME_WAIT expiries, then emit every remaining flow in id order. */
  finish(): void {
    if (this.nowT === -Infinity) return;
    this.curT = this.nowT;
    this.sweep();
    const rest = this.table.values().sort((a, b) => a.id - b.id);
    for (const c of rest) {
      if (c.isFinal) this.release(c, c.finalSec, c.finalNsec, true);
      else this.release(c, this.nowSec, this.nowNsec, true);
    }
  }

  // ---------------------------------------------------------------- timers

  private sweep(): void {
    const t = this.curT;
    // Fast path: nothing can be due before nextDue (a lower bound of every timer's time).
    if (t < this.nextDue) return;
    this.sweepDue(t);
    this.nextDue = this.earliestDue();
  }

  /** The earliest time any timer could fire (the heads of the queues and LRU lists). */
  private earliestDue(): number {
    let d = Infinity;
    if (!this.tw.empty && this.tw.headTime() < d) d = this.tw.headTime();
    if (!this.linger.empty && this.linger.headTime() < d) d = this.linger.headTime();
    const idle = this.o.idleTimeout;
    if (idle > 0 && this.tcpHead !== null && this.tcpHead.lastT + idle < d) d = this.tcpHead.lastT + idle;
    if (this.dgHead !== null && this.dgHead.lastT + this.dgIdle < d) d = this.dgHead.lastT + this.dgIdle;
    return d;
  }

  private sweepDue(t: number): void {
    const tw = this.tw;
    while (!tw.empty && tw.headTime() <= t) {
      const c = tw.headConn();
      const side = tw.headSide();
      const expT = tw.headTime();
      tw.pop();
      if (c === null || c.done) continue;
      const s = c.side(side);
      if (s.state !== St.TIME_WAIT || s.twExpT !== expT) continue;
      this.curPkt = null;
      this.curConn = c;
      this.apply(c, side, Ev.TIME_WAIT_EXPIRY, false, s.twExpSec, s.twExpNsec, 0);
      this.checkFinal(c, s.twExpSec, s.twExpNsec);
    }
    const lg = this.linger;
    while (!lg.empty && lg.headTime() <= t) {
      const c = lg.headConn();
      const expT = lg.headTime();
      lg.pop();
      if (c === null || c.done || !c.isFinal || c.finalT + this.lingerS !== expT) continue;
      this.release(c, c.finalSec, c.finalNsec, true);
    }
    const idle = this.o.idleTimeout;
    if (idle > 0) {
      while (this.tcpHead !== null && this.tcpHead.lastT + idle < t) {
        const c = this.tcpHead;
        if (c.isFinal) this.release(c, c.finalSec, c.finalNsec, true);
        else {
          this.addSeconds(c.lastSec, c.lastNsec, idle);
          this.release(c, this.tSec, this.tNsec, true);
        }
      }
    }
    const dg = this.dgIdle;
    while (this.dgHead !== null && this.dgHead.lastT + dg < t) {
      const c = this.dgHead;
      this.addSeconds(c.lastSec, c.lastNsec, dg);
      this.release(c, this.tSec, this.tNsec, true);
    }
  }

  private addSeconds(sec: number, nsec: number, s: number): void {
    const whole = Math.floor(s);
    let ns = nsec + Math.round((s - whole) * 1e9);
    let sc = sec + whole;
    if (ns >= 1e9) {
      ns -= 1e9;
      sc++;
    }
    this.tSec = sc;
    this.tNsec = ns;
  }

  /** After a change: a TCP connection whose sides are all CLOSED (or unseen) is final; it lingers, then is released. */
  private checkFinal(c: Conn, sec: number, nsec: number): void {
    if (sidesClosed(c)) {
      const t = sec + nsec * 1e-9;
      if (!c.isFinal) {
        c.setFinal(sec, nsec);
        c.lingerAt = this.linger.push(c, 0, t + this.lingerS);
        if (t + this.lingerS < this.nextDue) this.nextDue = t + this.lingerS;
      }
    } else if (c.isFinal) c.isFinal = false;
  }

  /** Emit the record and forget the connection. */
  private release(c: Conn, refSec: number, refNsec: number, removeFromTable: boolean): void {
    if (c.done) return;
    c.done = true;
    this.unlink(c);
    if (removeFromTable) this.table.delete(c.keyHash, c);
    if (c.kind === Kind.TCP && c.zeek === null) this.attach(c);
    if (c.frozenSlot >= 0) {
      c.frozenAnalysis = frozenResult(this.frozen, c.frozenSlot * FROZEN_WORDS);
      this.frozenFree.push(c.frozenSlot);
      c.frozenSlot = -1;
    }
    const r = buildRecord(c, refSec, refNsec, this.o.transitions);
    // Nothing may keep a finished connection (or its analysers) alive: clear its timer entries.
    if (c.lingerAt >= 0) this.linger.clear(c.lingerAt, c);
    if (c.s0.twAt >= 0) this.tw.clear(c.s0.twAt, c);
    if (c.s1.twAt >= 0) this.tw.clear(c.s1.twAt, c);
    // The record holds none of these objects (buildRecord copies what it needs): reuse them.
    if (this.freeConns.length < POOL_MAX) this.freeConns.push(c);
    if (this.freeZeeks.length < POOL_MAX) this.freeZeeks.push(c.zeek!);
    if (c.analysis !== null && this.freeAnalyses.length < POOL_MAX) this.freeAnalyses.push(c.analysis);
    c.analysis = null;
    c.zeek = null;
    c.frozenAnalysis = null;
    c.transitions = null;
    this.o.onRecord(r);
  }

  // ---------------------------------------------------------------- LRU lists

  private unlink(c: Conn): void {
    const tcp = c.kind === Kind.TCP;
    if (c.prev === null && (tcp ? this.tcpHead : this.dgHead) !== c) return; // not in the list
    if (c.prev !== null) c.prev.next = c.next;
    else if (tcp) this.tcpHead = c.next;
    else this.dgHead = c.next;
    if (c.next !== null) c.next.prev = c.prev;
    else if (tcp) this.tcpTail = c.prev;
    else this.dgTail = c.prev;
    c.prev = null;
    c.next = null;
  }

  private touch(c: Conn): void {
    const tcp = c.kind === Kind.TCP;
    const tail = tcp ? this.tcpTail : this.dgTail;
    if (tail === c) return;
    this.unlink(c);
    const t2 = tcp ? this.tcpTail : this.dgTail;
    c.prev = t2;
    c.next = null;
    if (t2 !== null) t2.next = c;
    if (tcp) {
      this.tcpTail = c;
      if (this.tcpHead === null) this.tcpHead = c;
    } else {
      this.dgTail = c;
      if (this.dgHead === null) this.dgHead = c;
    }
  }

  /**
   * Make room under maxConnections. Policy: among the 64 least recently active TCP connections,
   * the first that is closed (lingering) or half-open (no side past SYN_RECEIVED) goes; failing
   * that, the least recently active flow of all (TCP or UDP/ICMP). Table lookups are not disturbed
   * except that the caller must look its key up again.
   */
  private evictOne(): void {
    let victim: Conn | null = null;
    let c = this.tcpHead;
    for (let i = 0; c !== null && i < 64; i++, c = c.next) {
      const a = c.s0.state;
      const b = c.s1.state;
      if (c.isFinal || (a <= St.SYN_RECEIVED && b <= St.SYN_RECEIVED)) {
        victim = c;
        break;
      }
    }
    if (victim === null) {
      const a = this.tcpHead;
      const b = this.dgHead;
      victim = a === null ? b : b === null ? a : a.lastT <= b.lastT ? a : b;
    }
    if (victim === null) return;
    if (!victim.isFinal) {
      victim.evicted = true;
      this.evicted++;
      this.release(victim, this.nowSec, this.nowNsec, true);
    } else this.release(victim, victim.finalSec, victim.finalNsec, true);
  }

  // ---------------------------------------------------------------- flow creation

  private vlanWord(p: Packet): number {
    return this.o.vlanKey && p.vlanCount > 0 ? (((p.vlan0 & 0xfff) << 12) | (p.vlan1 & 0xfff)) >>> 0 : 0;
  }

  private buildKey(p: Packet, proto: number, sport: number, dport: number): void {
    if (p.ipVersion === 6) this.table.keyV6(proto, this.vlanWord(p), p.src6, sport, p.dst6, dport);
    else this.table.keyV4(proto, this.vlanWord(p), p.src4, sport, p.dst4, dport);
  }

  /**
   * New flow for the current packet (key in the table's scratch). `srcIsClient` decides the roles.
   * `replace`: the key is present (an older incarnation just released) and is overwritten.
   */
  /** `sport`/`dport`: the packet's ports as keyed (TCP/UDP ports; ICMP's type and counterpart). */
  private create(
    p: Packet,
    rec: RawRecord,
    kind: Kind,
    sport: number,
    dport: number,
    srcIsClient: boolean,
    inferred: boolean,
    replace: boolean,
  ): Conn {
    const t = this.curT;
    const max = this.o.maxConnections;
    if (!replace && max > 0 && this.table.size >= max) {
      this.evictOne();
      this.table.get();
    }
    const id = this.o.idFromPacketIndex ? this.packetIndex : ++this.nextId;
    // A TCP connection's analysers come from attach(): at its second segment, or below when eager.
    const zeek = kind === Kind.TCP ? null : this.zeekConn(PROTO_NAMES[kind]);
    let c = this.freeConns.pop();
    if (c !== undefined) c.reset(id, kind, this.table.hash(), zeek);
    else c = new Conn(id, kind, this.table.hash(), zeek);
    c.clientIsLo = srcIsClient === this.table.srcIsLo;
    c.directionInferred = inferred;
    c.ipVersion = p.ipVersion === 6 ? 6 : 4;
    if (c.ipVersion === 6) {
      c.cliAddr6 = (srcIsClient ? p.src6 : p.dst6).slice();
      c.srvAddr6 = (srcIsClient ? p.dst6 : p.src6).slice();
    } else {
      c.cliAddr4 = (srcIsClient ? p.src4 : p.dst4) >>> 0;
      c.srvAddr4 = (srcIsClient ? p.dst4 : p.src4) >>> 0;
    }
    c.cliPort = srcIsClient ? sport : dport;
    c.srvPort = srcIsClient ? dport : sport;
    c.vlanCount = p.vlanCount;
    c.vlan0 = p.vlan0;
    c.vlan1 = p.vlan1;
    c.startSec = rec.tsSec;
    c.startNsec = rec.tsNsec | 0;
    c.lastSec = rec.tsSec;
    c.lastNsec = rec.tsNsec | 0;
    if (kind === Kind.TCP && !this.lazy) this.attach(c);
    if (this.o.transitions) c.transitions = [];
    if (this.o.trace !== undefined && this.o.onPacket !== undefined) {
      c.traced = this.o.trace(c.id, clientEndpoint(c), serverEndpoint(c), PROTO_NAMES[kind]);
    }
    if (replace) this.table.replace(c);
    else this.table.set(c);
    if (this.o.onCreate !== undefined) this.o.onCreate(id);
    // Its idle deadline (UDP/ICMP always, TCP with --idle-timeout) may be the earliest timer.
    const limit = kind === Kind.TCP ? this.o.idleTimeout : this.dgIdle;
    if ((kind !== Kind.TCP || limit > 0) && t + limit < this.nextDue) this.nextDue = t + limit;
    return c;
  }

  private zeekConn(proto: Proto): ZeekConn {
    const z = this.freeZeeks.pop();
    if (z === undefined) return new ZeekConn(proto);
    z.reset(proto);
    return z;
  }

  private seqAnalysis(): TcpSeqAnalysis {
    const a = this.freeAnalyses.pop();
    if (a === undefined) return new TcpSeqAnalysis();
    a.reset();
    return a;
  }

  /**
   * Give a TCP connection its sequence analysis and Zeek's view, and replay its waiting first
   * segment into them: they then hold exactly what they would had they seen it when it came (the
   * analysers read nothing but the segment, its time and the notes; the analysis' notes for a
   * first segment go to Zeek with it, as they would have).
   */
  private attach(c: Conn): void {
    const z = this.zeekConn('tcp');
    const a = this.seqAnalysis();
    c.zeek = z;
    c.analysis = a;
    const slot = c.pendSlot;
    if (slot < 0) return;
    c.pendSlot = -1;
    this.pendFree.push(slot);
    const b = this.pend;
    const o = slot * PEND_WORDS;
    const p = this.replayPkt;
    const bits = b[o + P_BITS];
    const win = b[o + P_WINDOW];
    const ports = b[o + P_PORTS];
    p.seq = b[o + P_SEQ] >>> 0;
    p.ack = b[o + P_ACK] >>> 0;
    p.dst4 = b[o + P_DST4] >>> 0;
    p.flags = bits & 0x1ff;
    p.ipChecksumBad = (bits & 0x200) !== 0;
    p.tcpChecksumBad = (bits & 0x400) !== 0;
    p.ipVersion = (bits >>> 12) & 0xf;
    p.window = win & 0xffff;
    p.optWscale = (win >>> 16) - 1;
    p.optSackCount = 0;
    p.payloadLen = b[o + P_PAYLOAD];
    p.payloadCaptured = b[o + P_CAPTURED];
    p.ipLen = b[o + P_IPLEN];
    p.srcPort = ports >>> 16;
    p.dstPort = ports & 0xffff;
    const dir = (bits >>> 11) & 1;
    const sec = int(this.pendSec[slot]);
    const nsec = b[o + P_NSEC];
    const notes = b[o + P_NOTES] | a.onSegment(p, dir as 0 | 1, sec, nsec);
    z.onPacket(p, dir === 0, notes, sec, nsec);
  }

  /** Keep the first segment of a connection without analysers in the pending table (see attach()). */
  private hold(c: Conn, p: Packet, dir: number, notes: number, sec: number, nsec: number): void {
    let slot = this.pendFree.pop();
    if (slot === undefined) {
      slot = this.pendUsed++;
      if (slot >= this.pendSec.length) {
        const t = new Int32Array(this.pend.length * 2);
        t.set(this.pend);
        this.pend = t;
        const u = new Float64Array(this.pendSec.length * 2);
        u.set(this.pendSec);
        this.pendSec = u;
      }
    }
    const b = this.pend;
    const o = slot * PEND_WORDS;
    b[o + P_SEQ] = p.seq;
    b[o + P_ACK] = p.ack;
    b[o + P_DST4] = p.dst4;
    b[o + P_BITS] =
      (p.flags & 0x1ff) | (p.ipChecksumBad ? 0x200 : 0) | (p.tcpChecksumBad ? 0x400 : 0) | (dir << 11) | ((p.ipVersion & 0xf) << 12);
    b[o + P_WINDOW] = (p.window & 0xffff) | ((p.optWscale + 1) << 16);
    b[o + P_PAYLOAD] = p.payloadLen;
    b[o + P_CAPTURED] = p.payloadCaptured;
    b[o + P_IPLEN] = p.ipLen;
    b[o + P_PORTS] = (p.srcPort << 16) | p.dstPort;
    b[o + P_NOTES] = notes;
    b[o + P_NSEC] = nsec;
    this.pendSec[slot] = sec;
    c.pendSlot = slot;
  }

  /** Client by ports: a well-known server port on one side only; both: the lower; neither: the first sender. */
  private srcIsClientByPort(proto: 'tcp' | 'udp', sport: number, dport: number): boolean {
    const ws = isWellKnownServerPort(proto, sport);
    const wd = isWellKnownServerPort(proto, dport);
    if (wd && !ws) return true;
    if (ws && !wd) return false;
    if (ws && wd && sport !== dport) return dport < sport;
    return true;
  }

  private count(c: Conn, dir: number, p: Packet, rec: RawRecord): void {
    const t = this.curT;
    const s = c.side(dir);
    s.packets++;
    s.ipBytes += p.ipLen;
    s.payloadBytes += p.payloadLen;
    if (t >= c.lastT) {
      c.lastSec = rec.tsSec;
      c.lastNsec = rec.tsNsec | 0;
    }
    if (c.kind !== Kind.TCP || this.tcpLru) this.touch(c);
  }

  // ---------------------------------------------------------------- UDP / ICMP

  private datagram(p: Packet, rec: RawRecord, kind: Kind): void {
    const protoNum = kind === Kind.UDP ? 17 : kind === Kind.ICMP ? 1 : 58;
    // ICMP flows are keyed as Zeek keys them (ICMP4_counterpart / ICMP6_counterpart): source
    // "port" = the message type, destination "port" = the type that answers it (echo 8 ↔ echo reply 0,
    // RFC 792), or the code for a message nobody answers. A request and its reply meet in one flow;
    // echoes and errors between the same hosts are different flows; conn.log prints these ports.
    const sport = kind === Kind.UDP ? p.srcPort : p.icmpType;
    const dport = kind === Kind.UDP ? p.dstPort : icmpCounterpart(kind === Kind.ICMP6, p.icmpType, p.icmpCode);
    this.buildKey(p, protoNum, sport, dport);
    if (this.notMine()) {
      this.icmpUnreachable(p, kind);
      return;
    }
    let c = this.table.get();
    let dir: number;
    if (c === null) {
      let srcIsClient: boolean;
      if (kind === Kind.UDP) srcIsClient = this.srcIsClientByPort('udp', sport, dport);
      else {
        // Replies (echo reply 0/129, timestamp reply 14, information reply 16, address mask reply 18,
        // ICMPv6 node information reply 140) come from the server; anything else is sent by the client.
        const ty = p.icmpType;
        srcIsClient = kind === Kind.ICMP ? !(ty === 0 || ty === 14 || ty === 16 || ty === 18) : !(ty === 129 || ty === 140);
      }
      c = this.create(p, rec, kind, sport, dport, srcIsClient, true, false);
      dir = srcIsClient ? 0 : 1;
    } else dir = this.table.srcIsLo === c.clientIsLo ? 0 : 1;
    this.count(c, dir, p, rec);
    if (p.isFragment && p.fragOffset !== 0) return; // a later fragment: bytes only
    c.zeek!.onPacket(p, dir === 0, 0, rec.tsSec, rec.tsNsec | 0);
    if (c.traced) this.emitPacket(c, p, rec, dir, 0);
    this.icmpUnreachable(p, kind);
  }

  /** An ICMP destination unreachable (ICMPv4 type 3, ICMPv6 type 1) quoting a flow marks that flow. */
  private icmpUnreachable(p: Packet, kind: Kind): void {
    if (p.isFragment && p.fragOffset !== 0) return;
    if (p.quotedValid && ((kind === Kind.ICMP && p.icmpType === 3) || (kind === Kind.ICMP6 && p.icmpType === 1))) {
      const qp = p.quotedProto;
      if (qp === 6 || qp === 17) {
        const vw = this.vlanWord(p);
        if (p.quotedIpVersion === 6) this.table.keyV6(qp, vw, p.quotedSrc6, p.quotedSrcPort, p.quotedDst6, p.quotedDstPort);
        else this.table.keyV4(qp, vw, p.quotedSrc4, p.quotedSrcPort, p.quotedDst4, p.quotedDstPort);
        if (this.notMine()) return;
        const q = this.table.get();
        if (q !== null) q.icmpRejected = true;
      }
    }
  }

  // ---------------------------------------------------------------- TCP

  private tcp(p: Packet, rec: RawRecord): void {
    const flags = p.flags;
    this.buildKey(p, 6, p.srcPort, p.dstPort);
    if (this.notMine()) return;
    let c = this.table.get();
    let notes = 0;
    let dir = 0;
    if (c !== null) {
      dir = this.table.srcIsLo === c.clientIsLo ? 0 : 1;
      // A pure SYN on a known 4-tuple: retransmission (same ISN, connection not closed) or a new incarnation.
      if ((flags & (SYN | ACK | RST)) === SYN) {
        const x = c.side(dir);
        const y = c.side(1 - dir);
        // Same connection: a retransmitted SYN (same ISN — also after a RST, as Windows retries a
        // refused connect), or the peer's SYN of a simultaneous open. Anything else: new incarnation.
        const same = x.synSeen
          ? !x.synWasAck && x.isn === (p.seq | 0)
          : x.state === St.NONE && y.state === St.SYN_SENT;
        if (!same) {
          const inTw = x.state === St.TIME_WAIT || y.state === St.TIME_WAIT;
          this.endIncarnation(c, rec);
          c = this.create(p, rec, Kind.TCP, p.srcPort, p.dstPort, true, false, true);
          dir = 0;
          c.portReuse = inTw;
          notes |= Note.PORT_REUSE;
        }
      }
    } else {
      let srcIsClient: boolean;
      let inferred = true;
      if ((flags & (SYN | RST)) === SYN) {
        srcIsClient = (flags & ACK) === 0;
        inferred = !srcIsClient;
      } else srcIsClient = this.srcIsClientByPort('tcp', p.srcPort, p.dstPort);
      c = this.create(p, rec, Kind.TCP, p.srcPort, p.dstPort, srcIsClient, inferred, false);
      dir = srcIsClient ? 0 : 1;
    }
    this.count(c, dir, p, rec);
    // A later IPv4/IPv6 fragment attributed to this flow carries no TCP header: bytes only.
    if (p.isFragment && p.fragOffset !== 0) return;
    const first = !c.segmentSeen;
    c.segmentSeen = true;
    // A first segment that is a SYN (without RST, FIN or SACK blocks) waits for a second one before
    // the analysers are attached (hold() below): nothing reads them for it (no RST check, no
    // transition cause, no TIME_WAIT freeze), and the analysis' notes for a first SYN go only to Zeek.
    let held = false;
    if (c.zeek === null) {
      if (first && !c.traced && (flags & (SYN | RST | FIN)) === SYN && p.optSackCount === 0) held = true;
      else this.attach(c);
    }
    if (c.analysis !== null) notes |= c.analysis.onSegment(p, dir as 0 | 1, rec.tsSec, rec.tsNsec | 0);

    this.curPkt = p;
    this.curDir = dir;
    this.curConn = c;
    const sec = rec.tsSec;
    const nsec = rec.tsNsec | 0;
    const frame = rec.frame;
    const x = c.side(dir);
    const y = c.side(1 - dir);
    const peer = 1 - dir;

    if (first && (flags & (SYN | RST)) === 0) {
      // The capture starts mid-connection: both sides must be synchronized.
      c.stateInferred = true;
      this.apply(c, 0, Ev.MIDSTREAM, true, sec, nsec, frame);
      this.apply(c, 1, Ev.MIDSTREAM, true, sec, nsec, frame);
    }

    if (flags & RST) {
      notes |= this.rst(c, p, dir, x, y, sec, nsec, frame);
    } else {
      const ackf = (flags & ACK) !== 0;
      const syn = (flags & SYN) !== 0;
      const finSeenBefore = x.finSeen;
      // 1. What the sender's ACK field shows it received.
      if (ackf && !syn && !x.peerSynRcvd && (!y.synSeen || seqGe(p.ack, y.isn + 1))) {
        x.peerSynRcvd = true;
        if (dir === 0 && c.synAckSec >= 0 && c.hsAckSec < 0) {
          c.hsAckSec = sec;
          c.hsAckNsec = nsec;
        }
        // When the peer's SYN was not captured, its SYN-ACK (which this ACK answers) also ACKed ours.
        this.apply(c, dir, Ev.RCV_SYN, x.state === St.NONE || !y.synSeen, sec, nsec, frame, x.ownSynAcked || !y.synSeen);
      }
      if (ackf && y.finSeen && !x.peerFinRcvd && seqGe(p.ack, y.finSeq + 1)) {
        x.peerFinRcvd = true;
        this.apply(c, dir, Ev.RCV_FIN, false, sec, nsec, frame);
      }
      // 2. What it sent: SYN, FIN.
      if (syn) {
        if (!x.synSeen) {
          x.synSeen = true;
          x.isn = p.seq | 0;
          x.synWasAck = ackf;
          x.synDataBytes = p.payloadLen;
          x.optMss = p.optMss;
          x.optWscale = p.optWscale;
          x.optSack = p.optSackPermitted;
          x.optTs = p.optHasTimestamp;
          x.optTfo = p.optTfo;
          x.optMptcp = p.optMptcp;
        } else if ((p.seq | 0) === x.isn && ackf === x.synWasAck) {
          x.synRetransmissions++;
          notes |= Note.SYN_RETRANSMISSION;
        }
        x.mruSynSec = sec;
        x.mruSynNsec = nsec;
        if (ackf) {
          // The first SYN-ACK answering the client's SYN: the handshake's middle step.
          if (dir === 1 && c.synAckSec < 0 && y.synSeen && !y.synWasAck) {
            c.synAckSec = sec;
            c.synAckNsec = nsec;
            c.hsSynSec = y.mruSynSec;
            c.hsSynNsec = y.mruSynNsec;
          }
          x.peerSynRcvd = true;
          this.apply(c, dir, Ev.SEND_SYNACK, false, sec, nsec, frame);
        } else this.apply(c, dir, Ev.SEND_SYN, false, sec, nsec, frame);
        // The peer had already acknowledged this SYN (simultaneous open, §3.5 Figure 7).
        if (x.state === St.SYN_RECEIVED && x.ownSynAcked) this.apply(c, dir, Ev.RCV_ACK_OF_SYN, false, sec, nsec, frame);
      }
      if (flags & FIN) {
        if (!x.finSeen) {
          x.finSeen = true;
          x.finSeq = (p.seq + p.payloadLen + (syn ? 1 : 0)) | 0;
          if (c.firstFinBy < 0) c.firstFinBy = dir;
          else if (y.finSeen && !x.peerFinRcvd) c.finsCrossed = true;
          this.apply(c, dir, Ev.SEND_FIN, x.state === St.SYN_SENT, sec, nsec, frame);
        } else if (y.state === St.TIME_WAIT) {
          // §3.10.7.4 TIME-WAIT: a retransmitted FIN is acknowledged and restarts the 2 MSL timeout.
          this.startTimeWait(c, peer, sec, nsec);
        }
      }
      // Half-close: the side that received the first FIN keeps sending data.
      if (p.payloadLen > 0 && c.firstFinBy === peer && !finSeenBefore) {
        c.halfCloseSide = dir;
        c.halfCloseBytes += p.payloadLen;
        notes |= Note.HALF_CLOSE_DATA;
      }
      // 3. What the receiver must have received: the sender's FIN, when this segment lies past it.
      if (x.finSeen && !y.peerFinRcvd && seqGe(p.seq, x.finSeq + 1)) {
        y.peerFinRcvd = true;
        this.apply(c, peer, Ev.RCV_FIN, false, sec, nsec, frame);
      }
      // 4. What the receiver learns from the ACK field: its SYN / FIN acknowledged.
      if (ackf) {
        if (y.synSeen && !y.ownSynAcked && seqGe(p.ack, y.isn + 1)) {
          y.ownSynAcked = true;
          this.apply(c, peer, Ev.RCV_ACK_OF_SYN, false, sec, nsec, frame);
        }
        if (y.finSeen && !y.ownFinAcked && seqGe(p.ack, y.finSeq + 1)) {
          y.ownFinAcked = true;
          this.apply(c, peer, Ev.RCV_ACK_OF_FIN, false, sec, nsec, frame);
        }
      }
    }

    this.checkFinal(c, sec, nsec);
    if (held) this.hold(c, p, dir, notes, sec, nsec);
    else c.zeek!.onPacket(p, dir === 0, notes, sec, nsec);
    // Waiting out TIME_WAIT with nothing else open: keep the results, drop the sequence analysis
    // (a TIME_WAIT connection may stay for --time-wait seconds). Later packets still count, drive
    // the states and Zeek's history, not the sequence analysis. Traced flows keep everything.
    if (c.analysis !== null && !c.traced) {
      const a = c.s0.state;
      const b = c.s1.state;
      if (!isOpen(a) && !isOpen(b) && (a === St.TIME_WAIT || b === St.TIME_WAIT)) this.freeze(c, sec, nsec);
    }
    if (c.traced) this.emitPacket(c, p, rec, dir, notes);
    this.curPkt = null;
  }

  /** RST from side `dir`. Returns Note bits. */
  private rst(c: Conn, p: Packet, dir: number, x: SideState, y: SideState, sec: number, nsec: number, frame: number): number {
    let ok: boolean;
    if (y.state === St.SYN_SENT) {
      // §3.10.7.3 SYN-SENT: the RST is acceptable only if its ACK acknowledges the SYN.
      ok = !y.synSeen || ((p.flags & ACK) !== 0 && (p.ack | 0) === ((y.isn + 1) | 0));
    } else if (y.state === St.NONE || y.state === St.CLOSED) ok = true;
    else ok = c.analysis === null || c.analysis.inWindow(dir as 0 | 1, p.seq); // RFC 5961 §3.2 / RFC 9293 §3.10.7.4 first check
    if (!ok) {
      c.rstOutOfWindow++;
      return Note.RST_OUT_OF_WINDOW;
    }
    const wasOpen = isOpen(x.state) || isOpen(y.state) || (x.state === St.NONE && y.state === St.NONE);
    if (dir === 1 && y.state === St.SYN_SENT && !x.synSeen && c.resetBy < 0) c.rejected = true;
    this.apply(c, dir, Ev.SEND_RST, false, sec, nsec, frame);
    this.apply(c, 1 - dir, Ev.RCV_RST, false, sec, nsec, frame);
    if (wasOpen && c.resetBy < 0) {
      c.resetBy = dir;
      c.resetAfterFin = c.firstFinBy >= 0;
      c.resetFrame = frame;
    }
    return 0;
  }

  /** A new SYN replaces this connection on its 4-tuple: end a TIME_WAIT now (RFC 9293 §3.6.1 MAY-2) and emit it. */
  private endIncarnation(c: Conn, rec: RawRecord): void {
    this.curPkt = null;
    this.curConn = c;
    for (let i = 0; i < 2; i++) {
      const s = c.side(i);
      const next = nextState(s.state, Ev.REOPEN, s.ownSynAcked);
      if (next !== s.state) {
        this.setState(c, i, next, rec.tsSec, rec.tsNsec | 0, rec.frame, false, 'new SYN on the same 4-tuple ends TIME_WAIT (port reuse)');
      }
    }
    const final = c.isFinal;
    this.release(c, final ? c.finalSec : rec.tsSec, final ? c.finalNsec : rec.tsNsec | 0, false);
  }

  /** Later packets no longer reach the sequence analysis; the record gets its results as of now. */
  private freeze(c: Conn, sec: number, nsec: number): void {
    const a = c.analysis!;
    let slot = this.frozenFree.pop();
    if (slot === undefined) {
      slot = this.frozenUsed++;
      if (slot * FROZEN_WORDS >= this.frozen.length) {
        const t = new Float64Array(this.frozen.length * 2);
        t.set(this.frozen);
        this.frozen = t;
      }
    }
    try {
      a.freezeInto(this.frozen, slot * FROZEN_WORDS, sec, nsec);
      c.frozenSlot = slot;
    } catch {
      this.frozenFree.push(slot); // the record goes without analysis, as when result() fails
    }
    // Zeek's view stays live (≈0.8 KB): a RST or a retransmitted FIN after the close still adds its
    // history letter and counters, as Zeek logs them.
    c.analysis = null;
    if (this.freeAnalyses.length < POOL_MAX) this.freeAnalyses.push(a);
  }

  private startTimeWait(c: Conn, side: number, sec: number, nsec: number): void {
    const s = c.side(side);
    let es = sec + this.twWhole;
    let en = nsec + this.twFracNs;
    if (en >= 1e9) {
      en -= 1e9;
      es++;
    }
    s.twExpSec = es;
    s.twExpNsec = en;
    const expT = s.twExpT;
    s.twAt = this.tw.push(c, side, expT);
    if (expT < this.nextDue) this.nextDue = expT;
  }

  // ---------------------------------------------------------------- state changes

  /** Run one event through the state machine for one side. */
  private apply(c: Conn, side: number, ev: Ev, inferred: boolean, sec: number, nsec: number, frame: number, synAcked = c.side(side).ownSynAcked): void {
    const s = c.side(side);
    const next = nextState(s.state, ev, synAcked);
    if (next !== s.state) this.setState(c, side, next, sec, nsec, frame, inferred, null);
  }

  /** The one place a side's state changes: records the Transition. cause null = the current packet. */
  private setState(c: Conn, side: number, next: St, sec: number, nsec: number, frame: number, inferred: boolean, cause: string | null): void {
    const s = c.side(side);
    const from = s.state;
    s.state = next;
    s.enteredSec = sec;
    s.enteredNsec = nsec;
    if (next === St.TIME_WAIT) this.startTimeWait(c, side, sec, nsec);
    if (!this.wantTransitions) return;
    const tr: Transition = {
      flow: c.id,
      time: isoTime(sec, nsec),
      tsSec: sec,
      tsNsec: nsec,
      frame,
      side: sideName(side),
      from: STATE_NAMES[from],
      to: STATE_NAMES[next]!,
      cause: cause ?? this.describe(c, next === St.CLOSED && from === St.TIME_WAIT),
      inferred: inferred || c.stateInferred || c.directionInferred,
    };
    if (c.transitions !== null) c.transitions.push(tr);
    this.o.onTransition?.(tr);
  }

  /** "client→server FIN,ACK seq=1 ack=1 len=0" for the packet being processed. */
  private describe(c: Conn, timeWaitExpiry: boolean): string {
    const p = this.curPkt;
    if (p === null || this.curConn !== c) {
      return timeWaitExpiry ? `TIME_WAIT expired (${this.o.timeWait} s)` : 'timer';
    }
    const dir = this.curDir as 0 | 1;
    const a = c.analysis;
    const seq = a ? a.relSeq(dir, p.seq) : p.seq;
    let s = `${sideName(dir)}→${sideName(1 - dir)} ${tcpFlagNames(p.flags, 'none')} seq=${seq}`;
    if (p.flags & ACK) s += ` ack=${a ? a.relAck(dir, p.ack) : p.ack}`;
    if (p.payloadLen > 0) s += ` len=${p.payloadLen}`;
    return s;
  }

  private emitPacket(c: Conn, p: Packet, rec: RawRecord, dir: number, notes: number): void {
    const tcp = c.kind === Kind.TCP;
    const a = c.analysis;
    const d = dir as 0 | 1;
    const e: PacketEvent = {
      flow: c.id,
      frame: rec.frame,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
      rel: durationNs(c.startSec, c.startNsec, rec.tsSec, rec.tsNsec) / 1e9,
      from: sideName(dir),
      flags: tcp ? p.flags : 0,
      seq: tcp && a ? a.relSeq(d, p.seq) : 0,
      ack: tcp && a && p.flags & ACK ? a.relAck(d, p.ack) : 0,
      len: p.payloadLen,
      window: tcp && a ? a.scaledWindow(d, p.window) : 0,
      notes,
      inFlight: tcp && a ? a.inFlight(d) : -1,
      state: tcp
        ? { client: STATE_NAMES[c.s0.state], server: STATE_NAMES[c.s1.state] }
        : { client: null, server: null },
    };
    this.o.onPacket!(e);
  }
}

/**
 * The ICMP type that answers `type` (Zeek's ICMP4_counterpart / ICMP6_counterpart; the pairs are
 * RFC 792/950 for ICMPv4 and RFC 4443/4861/2710/4620 for ICMPv6), or `code` for a one-way message.
 */
export function icmpCounterpart(v6: boolean, type: number, code: number): number {
  if (!v6) {
    switch (type) {
      case 8: return 0; // echo → echo reply
      case 0: return 8;
      case 13: return 14; // timestamp
      case 14: return 13;
      case 15: return 16; // information request
      case 16: return 15;
      case 10: return 9; // router solicitation → advertisement
      case 9: return 10;
      case 17: return 18; // address mask
      case 18: return 17;
      default: return code;
    }
  }
  switch (type) {
    case 128: return 129; // echo request → reply
    case 129: return 128;
    case 133: return 134; // router solicitation → advertisement
    case 134: return 133;
    case 135: return 136; // neighbor solicitation → advertisement
    case 136: return 135;
    case 130: return 131; // multicast listener query → report
    case 131: return 130;
    case 139: return 140; // node information query → reply
    case 140: return 139;
    default: return code;
  }
}
