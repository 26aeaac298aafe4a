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
 * All state is preallocated per connection; onSegment allocates nothing. Sequence and
 * acknowledgement numbers are kept as int32 (`| 0`: the same value modulo 2^32, compared with
 * seq.ts's modular operators, made uint32 with `>>> 0` where one is shown): V8 holds int32 in
 * small integers, whereas a uint32 above 2^31 is a heap number, boxed per field and per call.
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

/** Wireshark's bookkeeping and our counters for one direction (plain fields: one hidden class). */
class Dir {
  baseSet = 0;
  base = 0;
  /** −1 unknown, −2 no scaling, else the shift (Wireshark's win_scale). */
  winScale = -1;
  nextseqSet = 0;
  nextseq = 0;
  nextseqSec = 0;
  nextseqNsec = 0;
  maxToAckSet = 0;
  maxToAck = 0;
  /** Whether this direction sent anything; last acknowledgement field sent (any segment), and when. */
  sent = 0;
  lastack = 0;
  lastackSec = 0;
  lastackNsec = 0;
  /** Window of the last segment sent in this direction (scaled unless SYN / unknown scale). */
  window = 0;
  lastWasSyn = 0;
  dupacknum = 0;
  lastSegNotes = 0;
  validBif = 1;
  /** RCV.NXT as this side last announced it with the ACK bit (for RST acceptance). */
  ackFlagSeen = 0;
  rcvNxt = 0;
  // unacknowledged segments (ring buffer, bounded, grown on demand)
  /**
   * [seq of entries 0 … cap−1, then their nextseq] as int32, cap a power of two; null until first
   * use. A plain array of small integers: ~120 bytes for the first 4 entries, where a Uint32Array
   * costs ~250 (its ArrayBuffer and backing store), and a connection has two.
   */
  ual: number[] | null = null;
  ualCount = 0;
  ualHead = 0;
  ualSorted = 1;
  /** min(seq − base) and max(nextseq − base) over the list, relative uint32. */
  ualMinRel = 0;
  ualMaxRel = 0;
  /** SACK blocks of the last segment sent: [left0, right0, …] (4 blocks max), allocated on first use. */
  sackCount = 0;
  sack: Uint32Array | null = null;
  /** Bytes in flight after the last segment (−1 unknown). */
  bif = -1;
  // results
  cRetrans = 0;
  cFast = 0;
  cSpurious = 0;
  cRetransBytes = 0;
  cOoo = 0;
  /** Out-of-order segments that filled no skipped gap: bytes already sent (retransmissions). */
  cOooResent = 0;
  /** Sequence gaps skipped by "previous segment not captured" and not yet filled: [lo0, hi0, …]. */
  gaps: Int32Array | null = null;
  gapCount = 0;
  cLost = 0;
  cMissed = 0;
  cDupAck = 0;
  cKeepAlive = 0;
  cZwp = 0;
  cAckedUnseen = 0;
  cWinFull = 0;
  cWinUpdate = 0;
  winSeen = 0;
  winMin = 0;
  winMax = 0;
  winLast = 0;
  zwIn = 0;
  zwStartSec = 0;
  zwStartNsec = 0;
  zwCount = 0;
  zwNs = 0;
  maxBif = 0;

  /**
   * Back to a fresh Dir (every field above as its initialiser sets it) for a reused analysis. The
   * scratch arrays `ual` (if small), `sack` and `gaps` are kept: only their first ualCount /
   * sackCount / gapCount entries are ever read, and those counts restart at 0.
   */
  reset(): void {
    this.baseSet = 0;
    this.base = 0;
    this.winScale = -1;
    this.nextseqSet = 0;
    this.nextseq = 0;
    this.nextseqSec = 0;
    this.nextseqNsec = 0;
    this.maxToAckSet = 0;
    this.maxToAck = 0;
    this.sent = 0;
    this.lastack = 0;
    this.lastackSec = 0;
    this.lastackNsec = 0;
    this.window = 0;
    this.lastWasSyn = 0;
    this.dupacknum = 0;
    this.lastSegNotes = 0;
    this.validBif = 1;
    this.ackFlagSeen = 0;
    this.rcvNxt = 0;
    if (this.ual !== null && this.ual.length > KEEP_UAL) this.ual = null;
    this.ualCount = 0;
    this.ualHead = 0;
    this.ualSorted = 1;
    this.ualMinRel = 0;
    this.ualMaxRel = 0;
    this.sackCount = 0;
    this.bif = -1;
    this.cRetrans = 0;
    this.cFast = 0;
    this.cSpurious = 0;
    this.cRetransBytes = 0;
    this.cOoo = 0;
    this.cOooResent = 0;
    this.gapCount = 0;
    this.cLost = 0;
    this.cMissed = 0;
    this.cDupAck = 0;
    this.cKeepAlive = 0;
    this.cZwp = 0;
    this.cAckedUnseen = 0;
    this.cWinFull = 0;
    this.cWinUpdate = 0;
    this.winSeen = 0;
    this.winMin = 0;
    this.winMax = 0;
    this.winLast = 0;
    this.zwIn = 0;
    this.zwStartSec = 0;
    this.zwStartNsec = 0;
    this.zwCount = 0;
    this.zwNs = 0;
    this.maxBif = 0;
  }
}

/** A reused analysis keeps an unacknowledged-segment list up to this many words (64 segments). */
const KEEP_UAL = 128;

export class TcpSeqAnalysis {
  /** Per direction: 0 = client → server, 1 = server → client. */
  private readonly d0 = new Dir();
  private readonly d1 = new Dir();
  /** Initial RTT (ns) = first ACK after the most recent SYN; −1 unknown. */
  private mruSynSec = 0;
  private mruSynNsec = 0;
  private mruSynSet = false;
  private irttNs = -1;

  /** Back to the state of a new TcpSeqAnalysis (the tracker reuses released ones). */
  reset(): void {
    this.d0.reset();
    this.d1.reset();
    this.mruSynSec = 0;
    this.mruSynNsec = 0;
    this.mruSynSet = false;
    this.irttNs = -1;
  }

  /**
   * Analyse one segment of this connection, in capture order. Returns Note bits for the packet.
   * Called for every TCP segment (SYN, data, pure ACK, FIN, RST) before the state machine runs.
   */
  onSegment(p: Packet, dir: 0 | 1, tsSec: number, tsNsec: number): number {
    const F = dir === 0 ? this.d0 : this.d1;
    const R = dir === 0 ? this.d1 : this.d0;
    const flags = p.flags;
    const seq = p.seq | 0;
    const ack = p.ack | 0;
    const seglen = p.payloadLen > 0 ? p.payloadLen : 0;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ackf = (flags & TcpFlag.ACK) !== 0;
    const sfr = (flags & SFR) !== 0;

    // Window scaling (dissect_tcpopt_wscale + verify_tcp_window_scaling).
    if (syn) {
      if (p.optWscale >= 0) F.winScale = p.optWscale > 14 ? 14 : p.optWscale;
      if (F.winScale === -1) {
        F.winScale = -2;
        R.winScale = -2;
      } else if (ackf && R.winScale === -2) {
        F.winScale = -2;
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
    const ws = F.winScale;
    const window = !syn && ws >= 0 ? p.window * (1 << ws) : p.window;

    // Relative sequence bases (bug 1542 rule: first seq − 1 without a SYN; the peer's from ack − 1).
    if (!F.baseSet) {
      F.base = syn ? seq : (seq - 1) | 0;
      F.baseSet = 1;
    }
    if (!R.baseSet && ackf) {
      R.base = (ack - 1) | 0;
      R.baseSet = 1;
    }
    if (ackf) R.validBif = 1;

    const nsSet = F.nextseqSet === 1;
    const ns = F.nextseq;
    let n = 0;

    zwp: {
      // ZERO WINDOW PROBE: next expected seq, 1 byte, reverse window 0. Skips to finished_fwd.
      if (seglen === 1 && nsSet && seq === ns && R.sent && R.window === 0) {
        n |= Note.ZERO_WINDOW_PROBE;
        break zwp;
      }
      if (window === 0 && !sfr) n |= Note.ZERO_WINDOW;
      // LOST SEGMENT: beyond the next expected seq (not for RST). Bytes in flight off until an ACK.
      if (nsSet && seqGt(seq, ns) && !rst) {
        n |= Note.LOST_SEGMENT;
        F.validBif = 0;
        F.cLost++;
        F.cMissed += (seq - ns) >>> 0;
        addGap(F, ns, seq);
      }
      // KEEP ALIVE: 0 or 1 byte at nextseq − 1; SYN/FIN/RST segments never are.
      if (seglen <= 1 && nsSet && seq === ((ns - 1) | 0) && !sfr) n |= Note.KEEP_ALIVE;
      const sameSeqAck = seglen === 0 && nsSet && seq === ns && ack === F.lastack && !sfr;
      // WINDOW UPDATE: no data, same seq/ack, new non-zero window.
      if (sameSeqAck && window !== 0 && window !== F.window) n |= Note.WINDOW_UPDATE;
      // WINDOW FULL: data reaching exactly the reverse direction's ack + window (scale known).
      if (
        seglen > 0 &&
        !sfr &&
        R.sent &&
        R.winScale !== -1 &&
        ((seq + seglen) | 0) === ((R.lastack + R.window) | 0)
      ) {
        n |= Note.WINDOW_FULL;
      }
      // KEEP ALIVE ACK: repeats the ACK, previous reverse segment was a keep-alive.
      if (sameSeqAck && window !== 0 && window === F.window && (R.lastSegNotes & Note.KEEP_ALIVE) !== 0) {
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
        window === F.window &&
        (ack === F.lastack || ack === ((F.lastack + 1) | 0)) &&
        (R.lastSegNotes & Note.ZERO_WINDOW_PROBE) !== 0
      ) {
        n |= Note.ZERO_WINDOW_PROBE_ACK;
        break zwp;
      }
      // DUPLICATE ACK: no data, same seq/ack/non-zero window as the previous segment.
      if (sameSeqAck && window !== 0 && window === F.window) {
        F.dupacknum++;
        n |= Note.DUP_ACK;
      }
    }
    // The duplicate-ACK counter restarts when the acknowledgement number changes (not on every
    // other segment: a window update between two dup ACKs keeps the count; tshark 4.0, kernel
    // fixture lossy-slow-reader frames 362/364/367).
    if (ack !== F.lastack) F.dupacknum = 0;

    // ACKED UNSEEN: acknowledges beyond the reverse direction's highest contiguous sequence. The
    // mark then moves to the reverse direction's nextseq (not to the ack), so a later ACK beyond
    // what that direction has sent is flagged again (tshark 4.0: fixtures acked-unseen, bgp-role).
    if (ackf && R.maxToAckSet && seqGt(ack, R.maxToAck)) {
      n |= Note.ACKED_UNSEEN;
      if (R.nextseqSet) R.maxToAck = R.nextseq;
    }

    // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS.
    if (seglen > 0 || syn || fin) {
      const notAdvanced = nsSet && seqLt(seq, ns);
      if ((n & Note.KEEP_ALIVE) !== 0) {
        // a keep-alive is never a retransmission
      } else if (seglen > 1 && nsSet && seq === ((ns - 1) | 0)) {
        // data following a zero-window probe (wireshark#15427)
      } else if (notAdvanced) {
        // (The times are computed only here: a segment that advances the sequence is none of these
        // but possibly a spurious retransmission, checked below.)
        const tAck = nsBetween(R.lastackSec, R.lastackNsec, tsSec, tsNsec);
        const tSeq = nsBetween(F.nextseqSec, F.nextseqNsec, tsSec, tsNsec);
        const oooThres = this.irttNs > 0 ? this.irttNs : OOO_DEFAULT_NS;
        if (R.dupacknum >= 2 && R.lastack === seq && tAck >= 0 && tAck < FAST_RT_NS) {
          n |= Note.FAST_RETRANSMISSION | Note.RETRANSMISSION;
        } else if (tSeq >= 0 && tSeq < oooThres && ns !== ((seq + seglen + (syn || fin ? 1 : 0)) | 0)) {
          n |= Note.OUT_OF_ORDER;
          // Wireshark's out-of-order covers two things: an original that arrives late (reordering)
          // and a quick retransmission (sent within the iRTT, as a sender-side capture shows a
          // kernel's RACK/TLP resends). A late original fills a gap the capture skipped over
          // ("previous segment not captured"); anything else re-sends bytes already seen.
          if (!fillsGap(F, seq, (seq + seglen + (syn || fin ? 1 : 0)) | 0)) F.cOooResent++;
        } else if (alreadyAcked(R, seq, seglen)) {
          n |= Note.SPURIOUS_RETRANSMISSION | Note.RETRANSMISSION;
        } else {
          n |= Note.RETRANSMISSION;
        }
      } else if (alreadyAcked(R, seq, seglen)) {
        n |= Note.SPURIOUS_RETRANSMISSION | Note.RETRANSMISSION;
      }
    }

    const nextEnd = (seq + seglen + (syn || fin ? 1 : 0)) | 0;
    if (seglen > 0 || syn || fin) this.addUnacked(F, seq, nextEnd);
    if ((!nsSet || seqGt(nextEnd, ns)) && (n & Note.ZERO_WINDOW_PROBE) === 0) {
      F.nextseq = nextEnd;
      F.nextseqSet = 1;
      F.nextseqSec = tsSec;
      F.nextseqNsec = tsNsec;
    }
    if ((!F.maxToAckSet || seq === F.maxToAck) && (n & Note.ZERO_WINDOW_PROBE) === 0) {
      F.maxToAck = F.nextseq;
      F.maxToAckSet = 1;
    }

    F.window = window;
    F.lastWasSyn = syn ? 1 : 0;
    F.sent = 1;
    F.lastack = ack;
    F.lastackSec = tsSec;
    F.lastackNsec = tsNsec;
    if (ackf) {
      F.ackFlagSeen = 1;
      F.rcvNxt = ack;
      this.ackUnacked(R, ack);
    }

    // SACK blocks of this segment replace the previous ones of this direction.
    const nSack = p.optSackCount > 4 ? 4 : p.optSackCount;
    if (nSack > 0) {
      const sk = F.sack ?? (F.sack = new Uint32Array(8));
      for (let i = 0; i < 2 * nSack; i++) sk[i] = p.optSack[i];
    }
    F.sackCount = nSack;

    // Bytes in flight (Wireshark reports it for segments with data while valid).
    F.bif = -1;
    if (F.validBif && F.ualCount > 0) {
      // The SYN/FIN octet of this segment is not counted (as tshark: SYN+10 bytes → 10 in flight),
      // nor the bytes the reverse direction's last segment SACKed (tshark: fixtures sack-in-flight).
      const lo = F.ualMinRel;
      const hi = F.ualMaxRel;
      let inFlight = ((hi - lo) >>> 0) - (syn || fin ? 1 : 0);
      // SACK blocks are subtracted whole, not clipped to the span (tshark: a D-SACK block below
      // the ack cancels a new segment's bytes, kernel fixture keepalive-stall-reset frame 25).
      const rs = R.sack;
      const nr = rs === null ? 0 : R.sackCount;
      for (let i = 0; i < nr; i++) inFlight -= (rs![2 * i + 1] - rs![2 * i]) >>> 0;
      if (inFlight > 0 && inFlight < 2000000000) {
        F.bif = inFlight;
        if (seglen > 0 && inFlight > F.maxBif) F.maxBif = inFlight;
      } else {
        F.bif = 0;
      }
    } else if (F.validBif) {
      F.bif = 0;
    }

    if (syn && (n & Note.RETRANSMISSION) !== 0) n |= Note.SYN_RETRANSMISSION;
    F.lastSegNotes = n;
    this.count(F, n, seglen, window, rst, tsSec, tsNsec);
    return n;
  }

  private count(F: Dir, n: number, seglen: number, window: number, rst: boolean, s: number, ns: number): void {
    if (n & ANY_RETRANS) {
      F.cRetrans++;
      F.cRetransBytes += seglen;
      if (n & Note.FAST_RETRANSMISSION) F.cFast++;
      if (n & Note.SPURIOUS_RETRANSMISSION) F.cSpurious++;
    }
    if (n & Note.OUT_OF_ORDER) F.cOoo++;
    if (n & Note.DUP_ACK) F.cDupAck++;
    if (n & Note.KEEP_ALIVE) F.cKeepAlive++;
    if (n & Note.ZERO_WINDOW_PROBE) F.cZwp++;
    if (n & Note.ACKED_UNSEEN) F.cAckedUnseen++;
    if (n & Note.WINDOW_FULL) F.cWinFull++;
    if (n & Note.WINDOW_UPDATE) F.cWinUpdate++;
    if (rst) return; // a RST's window says nothing about the receiver
    if (!F.winSeen) {
      F.winSeen = 1;
      F.winMin = window;
      F.winMax = window;
    } else {
      if (window < F.winMin) F.winMin = window;
      if (window > F.winMax) F.winMax = window;
    }
    F.winLast = window;
    // Zero-window episode: from the first zero-window advertisement to the next non-zero window.
    if (n & Note.ZERO_WINDOW) {
      if (!F.zwIn) {
        F.zwIn = 1;
        F.zwCount++;
        F.zwStartSec = s;
        F.zwStartNsec = ns;
      }
    } else if (window !== 0 && F.zwIn) {
      F.zwIn = 0;
      const d = nsBetween(F.zwStartSec, F.zwStartNsec, s, ns);
      if (d > 0) F.zwNs += d;
    }
  }

  /**
   * Append [seq, next) to direction f's list (a ring buffer, grown by doubling up to the cap).
   * The list is "sorted" while every entry starts and ends at or after the previous one (the
   * usual case: no retransmission); then an ACK only pops and trims at the head.
   */
  private addUnacked(F: Dir, seq: number, next: number): void {
    const count = F.ualCount;
    if (count >= MAX_UNACKED_SEGMENTS) return;
    let u = F.ual;
    if (u === null || count === u.length >> 1) {
      const cap = u === null ? 4 : Math.min(u.length, MAX_UNACKED_SEGMENTS);
      const nu = zeros(2 * cap);
      if (u !== null) {
        const oc = u.length >> 1;
        const mask = oc - 1;
        const h = F.ualHead;
        for (let i = 0; i < count; i++) {
          nu[i] = u[(h + i) & mask];
          nu[cap + i] = u[oc + ((h + i) & mask)];
        }
      }
      F.ualHead = 0;
      F.ual = u = nu;
    }
    const cap = u.length >> 1;
    const mask = cap - 1;
    const base = F.base;
    const lo = (seq - base) >>> 0;
    const hi = (next - base) >>> 0;
    if (count === 0) {
      F.ualSorted = 1;
      F.ualMinRel = lo;
      F.ualMaxRel = hi;
    } else {
      const last = (F.ualHead + count - 1) & mask;
      if (seqLt(seq, u[last]) || seqLt(next, u[cap + last])) F.ualSorted = 0;
      if (lo < F.ualMinRel) F.ualMinRel = lo;
      if (hi > F.ualMaxRel) F.ualMaxRel = hi;
    }
    const at = (F.ualHead + count) & mask;
    u[at] = seq;
    u[cap + at] = next;
    F.ualCount = count + 1;
  }

  /**
   * Remove (or trim) the segments of direction `d` that `ack` acknowledges (Wireshark's rules:
   * an entry whose end is at or below the ack goes; one the ack cuts starts at the ack).
   */
  private ackUnacked(D: Dir, ack: number): void {
    let count = D.ualCount;
    const u = D.ual;
    if (count === 0 || u === null) return;
    const cap = u.length >> 1;
    const mask = cap - 1;
    const base = D.base;
    let h = D.ualHead;
    if (D.ualSorted) {
      while (count > 0 && !seqGt(u[cap + h], ack)) {
        h = (h + 1) & mask;
        count--;
      }
      for (let i = 0; i < count; i++) {
        const k = (h + i) & mask;
        if (!seqGt(ack, u[k])) break;
        u[k] = ack;
      }
      D.ualHead = h;
      D.ualCount = count;
      if (count > 0) D.ualMinRel = (u[h] - base) >>> 0;
      return;
    }
    let w = 0;
    let lo = 0;
    let hi = 0;
    let sorted = 1;
    let prevS = 0;
    let prevE = 0;
    for (let i = 0; i < count; i++) {
      const k = (h + i) & mask;
      let s = u[k];
      const e = u[cap + k];
      if (!seqGt(e, ack)) continue; // acked in full (or old): delete
      if (seqGt(ack, s)) s = ack; // partly acked: keep the unacked part
      const o = (h + w) & mask;
      u[o] = s;
      u[cap + o] = e;
      const l = (s - base) >>> 0;
      const r = (e - base) >>> 0;
      if (w === 0 || l < lo) lo = l;
      if (w === 0 || r > hi) hi = r;
      if (w > 0 && (seqLt(s, prevS) || seqLt(e, prevE))) sorted = 0;
      prevS = s;
      prevE = e;
      w++;
    }
    D.ualCount = w;
    D.ualSorted = sorted;
    D.ualMinRel = lo;
    D.ualMaxRel = hi;
  }

  /** Duplicate ACKs in a row from `dir` so far (tshark's tcp.analysis.duplicate_ack_num of its last dup ACK). */
  dupAckCount(dir: 0 | 1): number {
    return (dir === 0 ? this.d0 : this.d1).dupacknum;
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
    const R = dir === 0 ? this.d1 : this.d0;
    if (!R.ackFlagSeen) return true;
    const nxt = R.rcvNxt;
    let wnd = R.window;
    if (R.winScale === -1 && !R.lastWasSyn) wnd = wnd * 16384;
    const d = ((seq >>> 0) - nxt) >>> 0;
    if (wnd === 0) return d === 0;
    return d < wnd;
  }

  /** Sequence number relative to the sender's ISN (0 = ISN), as Wireshark shows it. */
  relSeq(dir: 0 | 1, seq: number): number {
    const F = dir === 0 ? this.d0 : this.d1;
    return F.baseSet ? ((seq - F.base) >>> 0) : seq >>> 0;
  }

  /** Acknowledgement number relative to the peer's ISN. */
  relAck(dir: 0 | 1, ack: number): number {
    const R = dir === 0 ? this.d1 : this.d0;
    return R.baseSet ? ((ack - R.base) >>> 0) : ack >>> 0;
  }

  /** Scaled window of the last segment sent in `dir` (raw when the scale is unknown, and for SYNs). */
  scaledWindow(dir: 0 | 1, raw: number): number {
    const F = dir === 0 ? this.d0 : this.d1;
    return !F.lastWasSyn && F.winScale >= 0 ? raw * (1 << F.winScale) : raw;
  }

  /** Bytes in flight from `dir` after the last segment (unacknowledged list span), −1 when unknown. */
  inFlight(dir: 0 | 1): number {
    return (dir === 0 ? this.d0 : this.d1).bif;
  }

  /** Final analysis per sending side, as of endSec/endNsec (the end of an open zero-window episode). */
  result(endSec: number, endNsec: number): PerSide<DirectionAnalysis> {
    this.freezeInto(SCRATCH, 0, endSec, endNsec);
    return frozenResult(SCRATCH, 0);
  }

  /**
   * The numbers result(endSec, endNsec) is made of, written into buf[off … off + FROZEN_WORDS):
   * the tracker keeps a closed connection's results this way while it waits out TIME_WAIT (no
   * objects that would be promoted and die in the old generation) and rebuilds them with
   * frozenResult() when the record is made.
   */
  freezeInto(buf: Float64Array, off: number, endSec: number, endNsec: number): void {
    freezeDir(this.d0, buf, off, endSec, endNsec);
    freezeDir(this.d1, buf, off + DIR_WORDS, endSec, endNsec);
  }
}

/** Numbers per direction written by freezeDir (the order of DirectionAnalysis, see readDir). */
const DIR_WORDS = 22;
/** Numbers per connection written by TcpSeqAnalysis.freezeInto. */
export const FROZEN_WORDS = 2 * DIR_WORDS;
const SCRATCH = new Float64Array(FROZEN_WORDS);

function freezeDir(D: Dir, b: Float64Array, o: number, endSec: number, endNsec: number): void {
  let zwNs = D.zwNs;
  if (D.zwIn) {
    const open = nsBetween(D.zwStartSec, D.zwStartNsec, endSec, endNsec);
    if (open > 0) zwNs += open;
  }
  b[o] = D.cRetrans;
  b[o + 1] = D.cFast;
  b[o + 2] = D.cSpurious;
  b[o + 3] = D.cRetransBytes;
  b[o + 4] = D.cOoo;
  b[o + 5] = D.cOooResent;
  b[o + 6] = D.cLost;
  b[o + 7] = D.cMissed;
  b[o + 8] = D.cDupAck;
  b[o + 9] = D.cKeepAlive;
  b[o + 10] = D.cZwp;
  b[o + 11] = D.cAckedUnseen;
  b[o + 12] = D.winSeen;
  b[o + 13] = D.winMin;
  b[o + 14] = D.winMax;
  b[o + 15] = D.winLast;
  b[o + 16] = D.winScale !== -1 ? 1 : 0;
  b[o + 17] = D.zwCount;
  b[o + 18] = zwNs;
  b[o + 19] = D.cWinFull;
  b[o + 20] = D.cWinUpdate;
  b[o + 21] = D.maxBif;
}

/**
 * An integral number as a small integer when it is one: a record's object fields then hold it
 * unboxed (read from a Float64Array, every field was a separate heap number, 44 per record).
 */
export function int(v: number): number {
  return v === (v | 0) ? v | 0 : v;
}

function readDir(b: Float64Array, o: number): DirectionAnalysis {
  const seen = b[o + 12] === 1;
  return {
    retransmissions: int(b[o]),
    fastRetransmissions: int(b[o + 1]),
    spuriousRetransmissions: int(b[o + 2]),
    retransmittedBytes: int(b[o + 3]),
    outOfOrder: int(b[o + 4]),
    outOfOrderResent: int(b[o + 5]),
    lostSegments: int(b[o + 6]),
    missedBytes: int(b[o + 7]),
    dupAcks: int(b[o + 8]),
    keepAlives: int(b[o + 9]),
    zeroWindowProbes: int(b[o + 10]),
    ackedUnseen: int(b[o + 11]),
    windowMin: seen ? int(b[o + 13]) : null,
    windowMax: seen ? int(b[o + 14]) : null,
    windowLast: seen ? int(b[o + 15]) : null,
    windowScaleKnown: b[o + 16] === 1,
    zeroWindows: int(b[o + 17]),
    zeroWindowSeconds: b[o + 18] / 1e9,
    windowFull: int(b[o + 19]),
    windowUpdates: int(b[o + 20]),
    maxInFlight: int(b[o + 21]),
    // Zeek's sequence span has one implementation, ZeekConn (src/flow/zeek.ts), which tracks the
    // same sequence space for its own rules anyway; buildRecord (src/flow/record.ts) fills it in.
    seqBytes: 0,
  };
}

/** The results written by freezeInto at buf[off …], as TcpSeqAnalysis.result() gives them. */
export function frozenResult(buf: Float64Array, off: number): PerSide<DirectionAnalysis> {
  return { client: readDir(buf, off), server: readDir(buf, off + DIR_WORDS) };
}

const ZEROS: number[] = Array.from({ length: 2 * MAX_UNACKED_SEGMENTS }, () => 0);

/**
 * A packed array of exactly n ≤ 2·MAX_UNACKED_SEGMENTS zeros (small integers, unboxed; push()
 * would over-allocate). A slice of a template: Array.from with a callback was ~1% of the flow
 * stage's profile.
 */
export function zeros(n: number): number[] {
  return ZEROS.slice(0, n);
}

/** How many skipped gaps each direction remembers (the oldest is forgotten beyond it). */
const MAX_GAPS = 8;

function addGap(F: Dir, lo: number, hi: number): void {
  let g = F.gaps;
  if (g === null) g = F.gaps = new Int32Array(2 * MAX_GAPS);
  if (F.gapCount === MAX_GAPS) {
    g.copyWithin(0, 2);
    F.gapCount--;
  }
  g[2 * F.gapCount] = lo;
  g[2 * F.gapCount + 1] = hi;
  F.gapCount++;
}

/** Spurious retransmission: data the receiving direction (R) had already acknowledged. */
function alreadyAcked(R: Dir, seq: number, seglen: number): boolean {
  return seglen > 0 && R.sent !== 0 && R.lastack !== 0 && seqLe(seq + seglen, R.lastack);
}

/**
 * Whether [seq, end) falls in a gap the capture skipped (a late original, reordered on the path);
 * the part it fills is taken out of the gap. Modular comparisons (RFC 1982).
 */
function fillsGap(F: Dir, seq: number, end: number): boolean {
  const g = F.gaps;
  for (let i = 0; i < F.gapCount; i++) {
    const lo = g![2 * i];
    const hi = g![2 * i + 1];
    if (!(seqLt(seq, hi) && seqLt(lo, end))) continue;
    if (seqLe(seq, lo) && !seqLt(end, hi)) {
      // filled whole: remove
      g!.copyWithin(2 * i, 2 * i + 2, 2 * F.gapCount);
      F.gapCount--;
    } else if (seqLe(seq, lo)) g![2 * i] = end; // filled from the left
    else if (!seqLt(end, hi)) g![2 * i + 1] = seq; // filled from the right
    // filled in the middle: keep the gap whole (a later segment may still fill either side)
    return true;
  }
  return false;
}
