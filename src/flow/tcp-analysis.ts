/**
 * TCP sequence-number and window analysis of one connection, both directions
 * (Wireshark's tcp.analysis.* rules; definitions written down in docs/analysis.md).
 *
 * The rules follow `tcp_analyze_sequence_number()` in Wireshark's packet-tcp.c (4.0, the tshark
 * installed here; /work/shared/reference/peers.md §2.2 paraphrases it) and were checked packet by
 * packet against tshark 4.0.17 (fixtures/analysis/). Same bookkeeping per direction: next expected
 * sequence number (`nextseq`), highest contiguous sequence to be acked (`maxseqtobeacked`), last
 * ACK and its time, window, duplicate-ACK counter, the flags of the previous segment, and a bounded
 * list of unacknowledged segments (for bytes in flight).
 *
 * dir 0 = client → server, dir 1 = server → client. `f` below is the sending direction of the
 * current segment, `r` the reverse one. Sequence arithmetic is modulo 2^32 (src/flow/seq.ts).
 * All state is preallocated per connection; onSegment allocates nothing.
 */
import { TcpFlag, type Packet } from '../decode/packet.js';
import { seqGt, seqLe, seqLt } from './seq.js';
import { Note, type DirectionAnalysis, type PerSide } from './types.js';

/**
 * Cap on the unacknowledged-segment list per direction. Wireshark's TCP_MAX_UNACKED_SEGMENTS is
 * 10000; ours is smaller so that a capture of many one-way connections (no ACKs ever seen) stays
 * within a few KiB per connection. Only bytes in flight depends on it.
 */
export const MAX_UNACKED_SEGMENTS = 512;

/** Wireshark's fast-retransmission window after the reverse direction's last ACK (ns). */
const FAST_RT_NS = 20_000_000;
/** Out-of-order threshold when the initial RTT is unknown (ns), as Wireshark. */
const OOO_DEFAULT_NS = 3_000_000;

const SFR = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;
const ANY_RETRANS = Note.RETRANSMISSION | Note.FAST_RETRANSMISSION | Note.SPURIOUS_RETRANSMISSION;

function nsBetween(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}

/**
 * Zeek's byte count of one endpoint (TCP_Endpoint::Size, zeek-conn.md (c)): the sequence span
 * max(highest end sent, highest ack from the peer) − start, minus the SYN octet, minus the FIN
 * octet when a FIN was sent. Positions are unwrapped relative to the start (64-bit like Zeek).
 */
export class SeqSpan {
  started = false;
  /** Absolute (uint32) start: the ISN, first seq − 1 without a SYN, or peer's ack − 1. */
  start = 0;
  /** Highest one-past-the-end sequence sent, relative to start (unwrapped), and its absolute value. */
  lastRel = 0;
  lastAbs = 0;
  /** Highest acknowledgement from the peer, relative to start. */
  ackRel = 0;
  ackAbs = 0;
  ackSeen = false;
  finSent = false;
  resetSent = false;

  /** Start from a segment this endpoint sent. */
  initFromSegment(seq: number, syn: boolean): void {
    this.started = true;
    this.start = syn ? seq >>> 0 : (seq - 1) >>> 0;
    this.lastAbs = this.start;
    this.lastRel = 0;
    this.ackAbs = this.start;
  }

  /** Start from the peer's acknowledgement (Zeek's init_peer): as if a SYN had been there. */
  initFromAck(ack: number): void {
    this.initFromSegment((ack - 1) >>> 0, true);
  }

  /** A segment this endpoint sent (flags, payload length). Zeek's update_last_seq. */
  sent(seq: number, flags: number, len: number): void {
    if (!this.started) this.initFromSegment(seq, (flags & TcpFlag.SYN) !== 0);
    if (this.resetSent) return;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const end = (seq + (rst ? 0 : len) + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    const d = (end - this.lastAbs) | 0;
    // Zeek ignores SYN/RST whose sequence jumps more than 1 MiB away.
    if ((syn || rst) && (d > 1048576 || d < -1048576)) {
      if (rst) this.resetSent = true;
      return;
    }
    if (fin) this.finSent = true;
    if (d > 0) {
      this.lastRel += d;
      this.lastAbs = end;
    }
    if (rst) this.resetSent = true;
  }

  /** The peer acknowledged `ack` (not from a RST). Zeek's update_ack_seq: forward moves only. */
  acked(ack: number): void {
    if (!this.started) this.initFromAck(ack);
    const d = (ack - this.ackAbs) | 0;
    if (!this.ackSeen) {
      this.ackSeen = true;
      if (d > 0) {
        this.ackRel = d;
        this.ackAbs = ack >>> 0;
      }
      return;
    }
    if (d > 0 && d <= 1048576 * 1024) {
      this.ackRel += d;
      this.ackAbs = ack >>> 0;
    }
  }

  size(): number {
    if (!this.started) return 0;
    let s = Math.max(this.lastRel, this.ackRel);
    if (s > 0) s -= 1;
    if (this.finSent && s > 0) s -= 1;
    return s;
  }
}

export class TcpSeqAnalysis {
  // ---- Wireshark's per-direction bookkeeping (index = direction) ----
  private readonly baseSet = new Uint8Array(2);
  private readonly base = new Float64Array(2);
  /** −1 unknown, −2 no scaling, else the shift (Wireshark's win_scale). */
  private readonly winScale = new Int8Array([-1, -1]);
  private readonly nextseqSet = new Uint8Array(2);
  private readonly nextseq = new Float64Array(2);
  private readonly nextseqSec = new Float64Array(2);
  private readonly nextseqNsec = new Float64Array(2);
  private readonly maxToAckSet = new Uint8Array(2);
  private readonly maxToAck = new Float64Array(2);
  /** Last acknowledgement field sent in this direction (any segment), and when. */
  private readonly sent = new Uint8Array(2);
  private readonly lastack = new Float64Array(2);
  private readonly lastackSec = new Float64Array(2);
  private readonly lastackNsec = new Float64Array(2);
  /** Window of the last segment sent in this direction (scaled unless SYN / unknown scale). */
  private readonly window = new Float64Array(2);
  private readonly lastWasSyn = new Uint8Array(2);
  private readonly dupacknum = new Float64Array(2);
  private readonly lastSegNotes = new Float64Array(2);
  private readonly validBif = new Uint8Array([1, 1]);
  /** RCV.NXT as the receiver last announced it with the ACK bit (for RST acceptance). */
  private readonly ackFlagSeen = new Uint8Array(2);
  private readonly rcvNxt = new Float64Array(2);
  /** Initial RTT (ns) = first ACK after the most recent SYN; −1 unknown. */
  private mruSynSec = 0;
  private mruSynNsec = 0;
  private mruSynSet = false;
  private irttNs = -1;

  // ---- unacknowledged segments per direction (bounded, grown on demand) ----
  private readonly ualSeq: [Uint32Array | null, Uint32Array | null] = [null, null];
  private readonly ualNext: [Uint32Array | null, Uint32Array | null] = [null, null];
  private readonly ualCount = new Uint32Array(2);
  /** min(seq − base) and max(nextseq − base) over the list, relative uint32. */
  private readonly ualMinRel = new Float64Array(2);
  private readonly ualMaxRel = new Float64Array(2);
  /** SACK blocks of the last segment sent in each direction: [left0, right0, …] (4 blocks max). */
  private readonly sackCount = new Uint8Array(2);
  private readonly sack0 = new Uint32Array(8);
  private readonly sack1 = new Uint32Array(8);
  /** Bytes in flight after the last segment of each direction (−1 unknown). */
  private readonly bif = new Float64Array([-1, -1]);

  // ---- results per direction ----
  private readonly cRetrans = new Float64Array(2);
  private readonly cFast = new Float64Array(2);
  private readonly cSpurious = new Float64Array(2);
  private readonly cRetransBytes = new Float64Array(2);
  private readonly cOoo = new Float64Array(2);
  private readonly cLost = new Float64Array(2);
  private readonly cMissed = new Float64Array(2);
  private readonly cDupAck = new Float64Array(2);
  private readonly cKeepAlive = new Float64Array(2);
  private readonly cZwp = new Float64Array(2);
  private readonly cAckedUnseen = new Float64Array(2);
  private readonly cWinFull = new Float64Array(2);
  private readonly cWinUpdate = new Float64Array(2);
  private readonly winSeen = new Uint8Array(2);
  private readonly winMin = new Float64Array(2);
  private readonly winMax = new Float64Array(2);
  private readonly winLast = new Float64Array(2);
  private readonly zwIn = new Uint8Array(2);
  private readonly zwStartSec = new Float64Array(2);
  private readonly zwStartNsec = new Float64Array(2);
  private readonly zwCount = new Float64Array(2);
  private readonly zwNs = new Float64Array(2);
  private readonly maxBif = new Float64Array(2);
  private readonly span: [SeqSpan, SeqSpan] = [new SeqSpan(), new SeqSpan()];

  /**
   * Analyse one segment of this connection, in capture order. Returns Note bits for the packet.
   * Called for every TCP segment (SYN, data, pure ACK, FIN, RST) before the state machine runs.
   */
  onSegment(p: Packet, dir: 0 | 1, tsSec: number, tsNsec: number): number {
    const f = dir;
    const r = dir ^ 1;
    const flags = p.flags;
    const seq = p.seq >>> 0;
    const ack = p.ack >>> 0;
    const seglen = p.payloadLen > 0 ? p.payloadLen : 0;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ackf = (flags & TcpFlag.ACK) !== 0;
    const sfr = (flags & SFR) !== 0;

    // Window scaling (dissect_tcpopt_wscale + verify_tcp_window_scaling).
    if (syn) {
      if (p.optWscale >= 0) this.winScale[f] = p.optWscale > 14 ? 14 : p.optWscale;
      if (this.winScale[f] === -1) {
        this.winScale[f] = -2;
        this.winScale[r] = -2;
      } else if (ackf && this.winScale[r] === -2) {
        this.winScale[f] = -2;
      }
      if (!ackf) {
        this.mruSynSec = tsSec;
        this.mruSynNsec = tsNsec;
        this.mruSynSet = true;
      }
    } else if (ackf && this.mruSynSet && this.irttNs < 0) {
      // iRTT: "the RTT between the initial SYN and ACK", from the most recent SYN.
      this.irttNs = nsBetween(this.mruSynSec, this.mruSynNsec, tsSec, tsNsec);
      if (this.irttNs < 0) this.irttNs = 0;
    }
    const ws = this.winScale[f];
    const window = !syn && ws >= 0 ? p.window * (1 << ws) : p.window;

    // Relative sequence bases (bug 1542 rule: first seq − 1 without a SYN; the peer's from ack − 1).
    if (!this.baseSet[f]) {
      this.base[f] = syn ? seq : (seq - 1) >>> 0;
      this.baseSet[f] = 1;
    }
    if (!this.baseSet[r] && ackf) {
      this.base[r] = (ack - 1) >>> 0;
      this.baseSet[r] = 1;
    }
    if (ackf) this.validBif[r] = 1;

    const nsSet = this.nextseqSet[f] === 1;
    const ns = this.nextseq[f];
    let n = 0;

    zwp: {
      // ZERO WINDOW PROBE: next expected seq, 1 byte, reverse window 0. Skips to finished_fwd.
      if (seglen === 1 && nsSet && seq === ns && this.sent[r] && this.window[r] === 0) {
        n |= Note.ZERO_WINDOW_PROBE;
        break zwp;
      }
      if (window === 0 && !sfr) n |= Note.ZERO_WINDOW;
      // LOST SEGMENT: beyond the next expected seq (not for RST). Bytes in flight off until an ACK.
      if (nsSet && seqGt(seq, ns) && !rst) {
        n |= Note.LOST_SEGMENT;
        this.validBif[f] = 0;
        this.cLost[f]++;
        this.cMissed[f] += (seq - ns) >>> 0;
      }
      // KEEP ALIVE: 0 or 1 byte at nextseq − 1; SYN/FIN/RST segments never are.
      if (seglen <= 1 && nsSet && seq === ((ns - 1) >>> 0) && !sfr) n |= Note.KEEP_ALIVE;
      const sameSeqAck = seglen === 0 && nsSet && seq === ns && ack === this.lastack[f] && !sfr;
      // WINDOW UPDATE: no data, same seq/ack, new non-zero window.
      if (sameSeqAck && window !== 0 && window !== this.window[f]) n |= Note.WINDOW_UPDATE;
      // WINDOW FULL: data reaching exactly the reverse direction's ack + window (scale known).
      if (
        seglen > 0 &&
        !sfr &&
        this.sent[r] &&
        this.winScale[r] !== -1 &&
        ((seq + seglen) >>> 0) === ((this.lastack[r] + this.window[r]) >>> 0)
      ) {
        n |= Note.WINDOW_FULL;
      }
      // KEEP ALIVE ACK: repeats the ACK, previous reverse segment was a keep-alive.
      if (sameSeqAck && window !== 0 && window === this.window[f] && (this.lastSegNotes[r] & Note.KEEP_ALIVE) !== 0) {
        n |= Note.KEEP_ALIVE_ACK;
        break zwp;
      }
      // ZERO WINDOW PROBE ACK: zero window repeated after a probe (ack may be lastack + 1).
      if (
        seglen === 0 &&
        !sfr &&
        nsSet &&
        seq === ns &&
        window === 0 &&
        window === this.window[f] &&
        (ack === this.lastack[f] || ack === ((this.lastack[f] + 1) >>> 0)) &&
        (this.lastSegNotes[r] & Note.ZERO_WINDOW_PROBE) !== 0
      ) {
        n |= Note.ZERO_WINDOW_PROBE_ACK;
        break zwp;
      }
      // DUPLICATE ACK: no data, same seq/ack/non-zero window as the previous segment.
      if (sameSeqAck && window !== 0 && window === this.window[f]) {
        this.dupacknum[f]++;
        n |= Note.DUP_ACK;
      }
    }
    if ((n & Note.DUP_ACK) === 0) this.dupacknum[f] = 0;

    // ACKED UNSEEN: acknowledges beyond the reverse direction's highest contiguous sequence. The
    // mark then moves to the reverse direction's nextseq (not to the ack), so a later ACK beyond
    // what that direction has sent is flagged again (tshark 4.0: fixtures acked-unseen, bgp-role).
    if (ackf && this.maxToAckSet[r] && seqGt(ack, this.maxToAck[r])) {
      n |= Note.ACKED_UNSEEN;
      if (this.nextseqSet[r]) this.maxToAck[r] = this.nextseq[r];
    }

    // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS.
    if (seglen > 0 || syn || fin) {
      const notAdvanced = nsSet && seqLt(seq, ns);
      if ((n & Note.KEEP_ALIVE) !== 0) {
        // a keep-alive is never a retransmission
      } else if (seglen > 1 && nsSet && seq === ((ns - 1) >>> 0)) {
        // data following a zero-window probe (wireshark#15427)
      } else {
        const tAck = nsBetween(this.lastackSec[r], this.lastackNsec[r], tsSec, tsNsec);
        const tSeq = nsBetween(this.nextseqSec[f], this.nextseqNsec[f], tsSec, tsNsec);
        const oooThres = this.irttNs > 0 ? this.irttNs : OOO_DEFAULT_NS;
        if (notAdvanced && this.dupacknum[r] >= 2 && this.lastack[r] === seq && tAck >= 0 && tAck < FAST_RT_NS) {
          n |= Note.FAST_RETRANSMISSION | Note.RETRANSMISSION;
        } else if (notAdvanced && tSeq >= 0 && tSeq < oooThres && ns !== ((seq + seglen + (syn || fin ? 1 : 0)) >>> 0)) {
          n |= Note.OUT_OF_ORDER;
        } else if (seglen > 0 && this.sent[r] && this.lastack[r] !== 0 && seqLe(seq + seglen, this.lastack[r])) {
          n |= Note.SPURIOUS_RETRANSMISSION | Note.RETRANSMISSION;
        } else if (notAdvanced) {
          n |= Note.RETRANSMISSION;
        }
      }
    }

    const nextEnd = (seq + seglen + (syn || fin ? 1 : 0)) >>> 0;
    if (seglen > 0 || syn || fin) this.addUnacked(f, seq, nextEnd);
    if ((!nsSet || seqGt(nextEnd, ns)) && (n & Note.ZERO_WINDOW_PROBE) === 0) {
      this.nextseq[f] = nextEnd;
      this.nextseqSet[f] = 1;
      this.nextseqSec[f] = tsSec;
      this.nextseqNsec[f] = tsNsec;
    }
    if ((!this.maxToAckSet[f] || seq === this.maxToAck[f]) && (n & Note.ZERO_WINDOW_PROBE) === 0) {
      this.maxToAck[f] = this.nextseq[f];
      this.maxToAckSet[f] = 1;
    }

    this.window[f] = window;
    this.lastWasSyn[f] = syn ? 1 : 0;
    this.sent[f] = 1;
    this.lastack[f] = ack;
    this.lastackSec[f] = tsSec;
    this.lastackNsec[f] = tsNsec;
    if (ackf) {
      this.ackFlagSeen[f] = 1;
      this.rcvNxt[f] = ack;
      this.ackUnacked(r, ack);
    }

    // SACK blocks of this segment replace the previous ones of this direction.
    const sk = f === 0 ? this.sack0 : this.sack1;
    const nSack = p.optSackCount > 4 ? 4 : p.optSackCount;
    for (let i = 0; i < 2 * nSack; i++) sk[i] = p.optSack[i];
    this.sackCount[f] = nSack;

    // Bytes in flight (Wireshark reports it for segments with data while valid).
    this.bif[f] = -1;
    if (this.validBif[f] && this.ualCount[f] > 0) {
      // The SYN/FIN octet of this segment is not counted (as tshark: SYN+10 bytes → 10 in flight),
      // nor the bytes the reverse direction's last segment SACKed (tshark: fixtures sack-in-flight).
      const lo = this.ualMinRel[f];
      const hi = this.ualMaxRel[f];
      let inFlight = ((hi - lo) >>> 0) - (syn || fin ? 1 : 0);
      const rs = r === 0 ? this.sack0 : this.sack1;
      const base = this.base[f];
      for (let i = 0; i < this.sackCount[r]; i++) {
        const le = (rs[2 * i] - base) >>> 0;
        const re = (rs[2 * i + 1] - base) >>> 0;
        const a = le > lo ? le : lo;
        const b = re < hi ? re : hi;
        if (b > a) inFlight -= b - a;
      }
      if (inFlight > 0 && inFlight < 2000000000) {
        this.bif[f] = inFlight;
        if (seglen > 0 && inFlight > this.maxBif[f]) this.maxBif[f] = inFlight;
      } else {
        this.bif[f] = 0;
      }
    } else if (this.validBif[f]) {
      this.bif[f] = 0;
    }

    if (syn && (n & Note.RETRANSMISSION) !== 0) n |= Note.SYN_RETRANSMISSION;
    this.lastSegNotes[f] = n;
    this.count(f, n, seglen, window, rst, tsSec, tsNsec);

    // Zeek-style sequence span (payload bytes as a sequence range).
    this.span[f].sent(seq, flags, seglen);
    if (ackf && !rst) this.span[r].acked(ack);
    return n;
  }

  private count(f: number, n: number, seglen: number, window: number, rst: boolean, s: number, ns: number): void {
    if (n & ANY_RETRANS) {
      this.cRetrans[f]++;
      this.cRetransBytes[f] += seglen;
      if (n & Note.FAST_RETRANSMISSION) this.cFast[f]++;
      if (n & Note.SPURIOUS_RETRANSMISSION) this.cSpurious[f]++;
    }
    if (n & Note.OUT_OF_ORDER) this.cOoo[f]++;
    if (n & Note.DUP_ACK) this.cDupAck[f]++;
    if (n & Note.KEEP_ALIVE) this.cKeepAlive[f]++;
    if (n & Note.ZERO_WINDOW_PROBE) this.cZwp[f]++;
    if (n & Note.ACKED_UNSEEN) this.cAckedUnseen[f]++;
    if (n & Note.WINDOW_FULL) this.cWinFull[f]++;
    if (n & Note.WINDOW_UPDATE) this.cWinUpdate[f]++;
    if (rst) return; // a RST's window says nothing about the receiver
    if (!this.winSeen[f]) {
      this.winSeen[f] = 1;
      this.winMin[f] = window;
      this.winMax[f] = window;
    } else {
      if (window < this.winMin[f]) this.winMin[f] = window;
      if (window > this.winMax[f]) this.winMax[f] = window;
    }
    this.winLast[f] = window;
    // Zero-window episode: from the first zero-window advertisement to the next non-zero window.
    if (n & Note.ZERO_WINDOW) {
      if (!this.zwIn[f]) {
        this.zwIn[f] = 1;
        this.zwCount[f]++;
        this.zwStartSec[f] = s;
        this.zwStartNsec[f] = ns;
      }
    } else if (window !== 0 && this.zwIn[f]) {
      this.zwIn[f] = 0;
      const d = nsBetween(this.zwStartSec[f], this.zwStartNsec[f], s, ns);
      if (d > 0) this.zwNs[f] += d;
    }
  }

  private addUnacked(f: number, seq: number, next: number): void {
    const count = this.ualCount[f];
    if (count >= MAX_UNACKED_SEGMENTS) return;
    let seqs = this.ualSeq[f];
    let nexts = this.ualNext[f];
    if (seqs === null || nexts === null || count === seqs.length) {
      const cap = seqs === null ? 8 : Math.min(seqs.length * 2, MAX_UNACKED_SEGMENTS);
      const ns = new Uint32Array(cap);
      const nn = new Uint32Array(cap);
      if (seqs !== null && nexts !== null) {
        ns.set(seqs);
        nn.set(nexts);
      }
      this.ualSeq[f] = seqs = ns;
      this.ualNext[f] = nexts = nn;
    }
    seqs[count] = seq;
    nexts[count] = next;
    this.ualCount[f] = count + 1;
    const base = this.base[f];
    const lo = (seq - base) >>> 0;
    const hi = (next - base) >>> 0;
    if (count === 0) {
      this.ualMinRel[f] = lo;
      this.ualMaxRel[f] = hi;
    } else {
      if (lo < this.ualMinRel[f]) this.ualMinRel[f] = lo;
      if (hi > this.ualMaxRel[f]) this.ualMaxRel[f] = hi;
    }
  }

  /** Remove (or trim) the segments of direction `d` that `ack` acknowledges (Wireshark's rules). */
  private ackUnacked(d: number, ack: number): void {
    const count = this.ualCount[d];
    const seqs = this.ualSeq[d];
    const nexts = this.ualNext[d];
    if (count === 0 || seqs === null || nexts === null) return;
    const base = this.base[d];
    let w = 0;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < count; i++) {
      let s = seqs[i];
      const e = nexts[i];
      if (e === ack || !seqGt(e, ack)) continue; // acked in full (or old): delete
      if (seqGt(ack, s)) s = ack; // partly acked: keep the unacked part
      seqs[w] = s;
      nexts[w] = e;
      const l = (s - base) >>> 0;
      const h = (e - base) >>> 0;
      if (w === 0 || l < lo) lo = l;
      if (w === 0 || h > hi) hi = h;
      w++;
    }
    this.ualCount[d] = w;
    this.ualMinRel[d] = lo;
    this.ualMaxRel[d] = hi;
  }

  /** Initial RTT in ns (SYN to the first ACK), −1 when the handshake was not seen. */
  initialRttNs(): number {
    return this.irttNs;
  }

  /**
   * Is `seq` inside the receive window the peer of `dir` last advertised (RFC 9293 §3.10.7.4 /
   * RFC 5961 §3: RCV.NXT ≤ seq < RCV.NXT + RCV.WND)? true when unknown (the peer never sent an ACK).
   * With a zero window only seq = RCV.NXT is acceptable. When the peer's scale factor is unknown the
   * largest possible scale (14) is assumed, so that a real RST is never called out of window.
   */
  inWindow(dir: 0 | 1, seq: number): boolean {
    const r = dir ^ 1;
    if (!this.ackFlagSeen[r]) return true;
    const nxt = this.rcvNxt[r];
    let wnd = this.window[r];
    if (this.winScale[r] === -1 && !this.lastWasSyn[r]) wnd = wnd * 16384;
    const d = ((seq >>> 0) - nxt) >>> 0;
    if (wnd === 0) return d === 0;
    return d < wnd;
  }

  /** Sequence number relative to the sender's ISN (0 = ISN), as Wireshark shows it. */
  relSeq(dir: 0 | 1, seq: number): number {
    return this.baseSet[dir] ? ((seq - this.base[dir]) >>> 0) : seq >>> 0;
  }

  /** Acknowledgement number relative to the peer's ISN. */
  relAck(dir: 0 | 1, ack: number): number {
    const r = dir ^ 1;
    return this.baseSet[r] ? ((ack - this.base[r]) >>> 0) : ack >>> 0;
  }

  /** Scaled window of the last segment sent in `dir` (raw when the scale is unknown, and for SYNs). */
  scaledWindow(dir: 0 | 1, raw: number): number {
    const ws = this.winScale[dir];
    return !this.lastWasSyn[dir] && ws >= 0 ? raw * (1 << ws) : raw;
  }

  /** Bytes in flight from `dir` after the last segment (unacknowledged list span), −1 when unknown. */
  inFlight(dir: 0 | 1): number {
    return this.bif[dir];
  }

  /** Final analysis per sending side. */
  result(endSec: number, endNsec: number): PerSide<DirectionAnalysis> {
    return { client: this.side(0, endSec, endNsec), server: this.side(1, endSec, endNsec) };
  }

  private side(d: number, endSec: number, endNsec: number): DirectionAnalysis {
    let zwNs = this.zwNs[d];
    if (this.zwIn[d]) {
      const open = nsBetween(this.zwStartSec[d], this.zwStartNsec[d], endSec, endNsec);
      if (open > 0) zwNs += open;
    }
    const seen = this.winSeen[d] === 1;
    return {
      retransmissions: this.cRetrans[d],
      fastRetransmissions: this.cFast[d],
      spuriousRetransmissions: this.cSpurious[d],
      retransmittedBytes: this.cRetransBytes[d],
      outOfOrder: this.cOoo[d],
      lostSegments: this.cLost[d],
      missedBytes: this.cMissed[d],
      dupAcks: this.cDupAck[d],
      keepAlives: this.cKeepAlive[d],
      zeroWindowProbes: this.cZwp[d],
      ackedUnseen: this.cAckedUnseen[d],
      windowMin: seen ? this.winMin[d] : null,
      windowMax: seen ? this.winMax[d] : null,
      windowLast: seen ? this.winLast[d] : null,
      windowScaleKnown: this.winScale[d] !== -1,
      zeroWindows: this.zwCount[d],
      zeroWindowSeconds: zwNs / 1e9,
      windowFull: this.cWinFull[d],
      windowUpdates: this.cWinUpdate[d],
      maxInFlight: this.maxBif[d],
      seqBytes: this.span[d].size(),
    };
  }
}
