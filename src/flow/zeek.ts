/**
 * Zeek's view of a connection: conn_state, history, missed_bytes and the byte counts, following
 * /work/shared/reference/zeek-conn.md (Zeek's TCPSessionAdapter / TCP_Endpoint / conn/main.zeek);
 * every rule is written down in docs/zeek.md.
 *
 * Per connection: two endpoint objects (indexed by synfin's side: 0 = client, 1 = server) that
 * travel with their host when Zeek flips the roles, exactly as Zeek swaps its TCP_Endpoint
 * objects; `origIsClient` says which of them is Zeek's originator right now. Per packet the
 * order of Zeek's TCPSessionAdapter::Process is kept: endpoint initialisation, history letters,
 * zero window, last-seen time, FIN count, ACK bookkeeping, retransmission, state machine, gap
 * detection through the ACK, payload into the sender's (simplified) reassembler.
 * Nothing is allocated per packet.
 */
import { TcpFlag, type Packet } from '../decode/packet.js';
import { zeros } from './tcp-analysis.js';
import { Note, type Proto, type ZeekConnState, type ZeekFields } from './types.js';

/** TCP_Endpoint.h EndpointState. */
export enum ZState {
  INACTIVE = 0,
  SYN_SENT = 1,
  SYN_ACK_SENT = 2,
  PARTIAL = 3,
  ESTABLISHED = 4,
  CLOSED = 5,
  RESET = 6,
}

/** Zeek's HistoryMasks (one bit per letter kind; responder bits are these << 16). */
const H_SYN = 0x1;
const H_FIN = 0x2;
const H_RST = 0x4;
const H_FIN_RST = 0x8;
const H_DATA = 0x10;
const H_ACK = 0x20;
const H_MULTI = 0x40;

const TOO_LARGE_SEQ_DELTA = 1048576;

/**
 * Ports a default `zeek -r` run puts in likely_server_ports (the register_for_ports calls of the
 * analyzers loaded by default: conn, dns, ftp, http, ssl, smtp, ssh, pop3, imap, irc, sip, snmp,
 * ntp, dhcp, syslog, radius, krb, mysql, rdp, smb, dce-rpc, modbus, dnp3, xmpp, socks, ldap,
 * tunnels …). Approximation: Zeek's exact set depends on the scripts loaded (zeek-conn.md (b)).
 */
const LIKELY_TCP = new Set<number>([
  21, 22, 25, 53, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631, 636, 989, 990, 992,
  993, 995, 1080, 1723, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 6666, 6667, 6668, 6669, 8000, 8080, 8443,
  8888, 20000,
]);
const LIKELY_UDP = new Set<number>([
  53, 67, 68, 88, 123, 137, 161, 162, 443, 514, 1812, 2123, 2152, 3544, 4789, 5060, 5072, 5353, 5355, 6081, 20000,
]);

/**
 * Zeek's Session::ScaledHistoryEntry: the letter is added at the 1st, 10th, 100th … event (the
 * threshold starts at 1 and is multiplied by 10 each time it is reached), i.e. when the count is
 * a power of ten.
 */
function powerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/** Max out-of-order blocks kept per endpoint by the simplified reassembler. */
const MAX_BLOCKS = 16;

/** One TCP endpoint (TCP_Endpoint): state, sequence space (unwrapped, 64-bit like Zeek), counters. */
class ZEndpoint {
  state = ZState.INACTIVE;
  prevState = ZState.INACTIVE;
  started = false;
  /**
   * Absolute start, and reference points for unwrapping: last (highest end sent) and ack. Kept as
   * int32 (`| 0`, the same value mod 2^32): V8 boxes a uint32 above 2^31 in a heap number.
   */
  startAbs = 0;
  lastAbs = 0;
  lastRel = 0;
  ackAbs = 0;
  ackRel = 0;
  finCnt = 0;
  /** Relative position of the FIN octet (seq + len of the FIN segment). */
  finRel = -1;
  sawSyn = false;
  didClose = false;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  /** Event counts of the logarithmic letters C, T, W, G (they travel with the host on a flip). */
  chkN = 0;
  rxmitN = 0;
  win0N = 0;
  gapN = 0;
  /** ConnSize counters (packets, IP bytes) and UDP/ICMP payload bytes / "had a valid packet". */
  pkts = 0;
  ipBytes = 0;
  payload = 0;
  active = 0;
  // simplified reassembler: everything below `trim` has been acked (delivered or reported missing)
  trim = 1;
  /** Data received contiguously from `trim` up to here. */
  contig = 1;
  blocks = 0;
  /** Total length of the holes the last acked() found (set by it, read right after). */
  holeBytes = 0;
  /**
   * Out-of-order blocks [lo, hi) above `trim`, allocated on first use. Plain arrays of small
   * integers, not Float64Arrays: what is read from a Float64Array is a double, and `contig = bh[i]`
   * made `contig` a double field of every endpoint (a separate heap box read on every packet).
   */
  blockLo: number[] | null = null;
  blockHi: number[] | null = null;

  /** Back to a fresh endpoint (every field above as initialised); the block arrays are kept (read up to `blocks` only). */
  reset(): void {
    this.state = ZState.INACTIVE;
    this.prevState = ZState.INACTIVE;
    this.started = false;
    this.startAbs = 0;
    this.lastAbs = 0;
    this.lastRel = 0;
    this.ackAbs = 0;
    this.ackRel = 0;
    this.finCnt = 0;
    this.finRel = -1;
    this.sawSyn = false;
    this.didClose = false;
    this.histLastSyn = 0;
    this.histLastFin = 0;
    this.histLastRst = 0;
    this.chkN = 0;
    this.rxmitN = 0;
    this.win0N = 0;
    this.gapN = 0;
    this.pkts = 0;
    this.ipBytes = 0;
    this.payload = 0;
    this.active = 0;
    this.trim = 1;
    this.contig = 1;
    this.blocks = 0;
    this.holeBytes = 0;
  }

  setState(s: ZState): void {
    if (s !== this.state) {
      this.prevState = this.state;
      this.state = s;
    }
  }

  /** InitStartSeq / InitAckSeq / InitLastSeq. `last` is absolute. */
  init(start: number, last: number): void {
    this.started = true;
    this.startAbs = start | 0;
    this.ackAbs = this.startAbs;
    this.ackRel = 0;
    this.lastAbs = last | 0;
    this.lastRel = (last - start) | 0;
    this.trim = 1;
    this.contig = 1;
    this.blocks = 0;
  }

  /** Sequence number relative to the start (unwrapped around the highest end sent). */
  rel(seq: number): number {
    return this.lastRel + ((seq - this.lastAbs) | 0);
  }

  relAck(ack: number): number {
    return this.ackRel + ((ack - this.ackAbs) | 0);
  }

  updateLast(end: number): void {
    this.lastRel += (end - this.lastAbs) | 0;
    this.lastAbs = end | 0;
  }

  /** update_ack_seq: forward moves only; an ack of 0 that would be a huge jump is ignored. */
  updateAck(ack: number): void {
    const d = (ack - this.ackAbs) | 0;
    if ((ack | 0) === 0 && d > TOO_LARGE_SEQ_DELTA) return;
    if (d > 0) {
      this.ackRel += d;
      this.ackAbs = ack | 0;
    }
  }

  noDataAcked(): boolean {
    return this.ackRel <= 1;
  }

  /** TCP_Endpoint::Size. */
  size(peer: ZEndpoint): number {
    if (!this.started) return 0;
    if (
      this.prevState === ZState.SYN_SENT &&
      this.state === ZState.RESET &&
      peer.state === ZState.INACTIVE &&
      !this.noDataAcked()
    ) {
      return 0;
    }
    let s = this.lastRel > this.ackRel ? this.lastRel : this.ackRel;
    if (s < 0) s = 0;
    if (s > 0) s--;
    if (this.finCnt > 0 && s > 0) s--;
    return s;
  }

  /** Payload [lo, hi) (relative) entered into this endpoint's reassembler. */
  data(lo: number, hi: number): void {
    if (hi <= this.trim) return;
    if (lo < this.trim) lo = this.trim;
    if (lo <= this.contig) {
      if (hi > this.contig) {
        this.contig = hi;
        if (this.blocks > 0) this.absorb();
      }
      return;
    }
    // out of order: kept in a small block list (allocated on first use), merged
    if (this.blockLo === null || this.blockHi === null) {
      this.blockLo = zeros(MAX_BLOCKS);
      this.blockHi = zeros(MAX_BLOCKS);
    }
    const bl = this.blockLo;
    const bh = this.blockHi;
    let i = 0;
    while (i < this.blocks) {
      if (bl[i] <= hi && lo <= bh[i]) {
        if (bl[i] < lo) lo = bl[i];
        if (bh[i] > hi) hi = bh[i];
        this.blocks--;
        bl[i] = bl[this.blocks];
        bh[i] = bh[this.blocks];
      } else i++;
    }
    if (this.blocks < MAX_BLOCKS) {
      bl[this.blocks] = lo;
      bh[this.blocks] = hi;
      this.blocks++;
    }
  }

  /** Move out-of-order blocks that now touch the contiguous part into it. */
  private absorb(): void {
    const bl = this.blockLo!;
    const bh = this.blockHi!;
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < this.blocks; i++) {
        if (bl[i] <= this.contig) {
          if (bh[i] > this.contig) this.contig = bh[i];
          this.blocks--;
          bl[i] = bl[this.blocks];
          bh[i] = bh[this.blocks];
          changed = true;
          break;
        }
      }
    }
  }

  /**
   * The peer acknowledged up to `upTo` (relative): returns the number of holes below it that were
   * never received, and puts their total length in `holeBytes`. What is below the point is dropped.
   */
  acked(upTo: number): number {
    this.holeBytes = 0;
    if (upTo <= this.trim) return 0;
    let holes = 0;
    let pos = this.contig;
    if (pos < upTo && this.blocks > 0) {
      const bl = this.blockLo!;
      const bh = this.blockHi!;
      for (;;) {
        let best = -1;
        for (let i = 0; i < this.blocks; i++) {
          if (bh[i] > pos && bl[i] < upTo && (best < 0 || bl[i] < bl[best])) best = i;
        }
        if (best < 0) break;
        if (bl[best] > pos) {
          holes++;
          this.holeBytes += bl[best] - pos;
        }
        pos = bh[best];
        if (pos >= upTo) break;
      }
    }
    if (pos < upTo) {
      holes++;
      this.holeBytes += upTo - pos;
    }
    this.trim = upTo;
    if (this.contig < upTo) this.contig = upTo;
    if (this.blocks > 0) {
      const bl = this.blockLo!;
      const bh = this.blockHi!;
      let i = 0;
      while (i < this.blocks) {
        if (bh[i] <= upTo) {
          this.blocks--;
          bl[i] = bl[this.blocks];
          bh[i] = bh[this.blocks];
        } else {
          if (bl[i] < upTo) bl[i] = upTo;
          i++;
        }
      }
      this.absorb();
    }
    return holes;
  }
}

function isInactive(s: ZState): boolean {
  return s === ZState.INACTIVE || s === ZState.PARTIAL;
}

function isClean(e: ZEndpoint): boolean {
  return e.state === ZState.ESTABLISHED || (e.state === ZState.CLOSED && e.prevState === ZState.ESTABLISHED);
}

const RSTOS0 = /^\^?S[^HAFGIQ]*R/;

/** Lower-case history letters by upper-case code − 65 (no string allocated per letter). */
const LOWER: readonly string[] = Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i));

export class ZeekConn {
  private created = false;
  private origIsClient = true;
  private history = '';
  /** Zeek's hist_seen mask: originator bits low, responder bits << 16 (not swapped on a flip). */
  private seen = 0;
  /**
   * The endpoints by synfin side: two fields, not an array (an array is two more objects between
   * the connection and its endpoints, two more dependent cache misses per packet and per record).
   */
  private readonly e0: ZEndpoint;
  private readonly e1: ZEndpoint;
  private missed = 0;
  private startSec = 0;
  private startNsec = 0;
  private lastSec = 0;
  private lastNsec = 0;
  /** UDP checksum counters, per position (orig 0 / resp 1). */

  constructor(public proto: Proto) {
    this.e0 = new ZEndpoint();
    this.e1 = new ZEndpoint();
  }

  /** Endpoint of synfin side `side` (0 client, 1 server). */
  private ep(side: number): ZEndpoint {
    return side === 0 ? this.e0 : this.e1;
  }

  /** Back to the state of `new ZeekConn(proto)` (the tracker reuses released ones). */
  reset(proto: Proto): void {
    this.proto = proto;
    this.created = false;
    this.origIsClient = true;
    this.history = '';
    this.seen = 0;
    this.e0.reset();
    this.e1.reset();
    this.missed = 0;
    this.startSec = 0;
    this.startNsec = 0;
    this.lastSec = 0;
    this.lastNsec = 0;
  }

  /**
   * Every packet of the connection in capture order (bad-checksum ones included).
   * fromClient is relative to synfin's client; notes are the Note bits TcpSeqAnalysis gave the packet.
   */
  onPacket(p: Packet, fromClient: boolean, notes: number, tsSec: number, tsNsec: number): void {
    const side = fromClient ? 0 : 1;
    if (!this.created) this.create(p, side, tsSec, tsNsec);
    // IP.cc drops IPv4 packets with a bad header checksum before any connection sees them.
    if (p.ipChecksumBad) return;
    if (this.proto === 'tcp') this.tcp(p, side, notes, tsSec, tsNsec);
    else if (this.proto === 'udp') this.udp(p, side, notes, tsSec, tsNsec);
    else this.icmp(p, side, tsSec, tsNsec);
  }

  private create(p: Packet, side: number, tsSec: number, tsNsec: number): void {
    this.created = true;
    this.origIsClient = side === 0;
    this.startSec = this.lastSec = tsSec;
    this.startNsec = this.lastNsec = tsNsec;
    const broadcast = p.ipVersion === 4 && p.dst4 >>> 0 === 0xffffffff;
    if (broadcast) return;
    const sp = p.srcPort;
    const dp = p.dstPort;
    if (this.proto === 'tcp') {
      // TCPAnalyzer::WantConnection: only when the first packet is not a bare SYN.
      const f = p.flags;
      const bareSyn = (f & TcpFlag.SYN) !== 0 && (f & TcpFlag.ACK) === 0;
      if (bareSyn || !LIKELY_TCP.has(sp)) return;
      const synAck = (f & TcpFlag.SYN) !== 0 && (f & TcpFlag.ACK) !== 0;
      if (!LIKELY_TCP.has(dp) || (!synAck && sp < dp)) this.flip();
    } else if (this.proto === 'udp') {
      if (LIKELY_UDP.has(sp) && !LIKELY_UDP.has(dp)) this.flip();
    }
  }

  /** Connection::FlipRoles: the endpoints travel with their hosts; one `^` per flip. */
  private flip(): void {
    this.origIsClient = !this.origIsClient;
    this.history += '^';
  }

  private isOrig(side: number): boolean {
    return (side === 0) === this.origIsClient;
  }

  private add(side: number, upper: string): void {
    this.history += this.isOrig(side) ? upper : LOWER[upper.charCodeAt(0) - 65];
  }

  /** Session::CheckHistory via TCP_Endpoint::CheckHistory: true when already seen. */
  private check(side: number, mask: number, upper: string): boolean {
    if ((upper === 'A' || upper === 'D') && this.history === 'H') {
      // Began with a SYN-ACK and was not port-flipped: the SYN-ACK sender is the responder.
      this.origIsClient = !this.origIsClient;
      this.history = '^h';
    }
    const m = this.isOrig(side) ? mask : mask << 16;
    if ((this.seen & m) === 0) {
      this.seen |= m;
      this.add(side, upper);
      return false;
    }
    return true;
  }

  /** A logarithmic letter's event number `n` for `side`. */
  private scaled(side: number, n: number, upper: string): void {
    if (powerOfTen(n)) this.add(side, upper);
  }

  private tcp(p: Packet, side: number, notes: number, tsSec: number, tsNsec: number): void {
    const e = this.ep(side);
    const peer = this.ep(side ^ 1);
    if (p.tcpChecksumBad || (notes & Note.BAD_CHECKSUM) !== 0) {
      // TCPAnalyzer::ValidateChecksum: C/c, and the packet goes no further.
      this.scaled(side, ++e.chkN, 'C');
      return;
    }
    e.pkts++;
    e.ipBytes += p.ipLen;
    const flags = p.flags;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ackf = (flags & TcpFlag.ACK) !== 0;
    const seq = p.seq | 0;
    const ack = p.ack | 0;
    const len = p.payloadLen > 0 ? p.payloadLen : 0;
    // One past the segment in sequence space: payload + SYN + FIN; a RST's payload is not sequence
    // space (zeek-conn.md (b) "Retransmission" and (c) last_seq).
    const end = (seq + (rst ? 0 : len) + (syn ? 1 : 0) + (fin ? 1 : 0)) | 0;

    // init_endpoint
    if (e.state === ZState.INACTIVE) {
      if (syn) e.init(seq, end);
      else e.init((seq - 1) | 0, seq);
      if (syn) e.sawSyn = true;
    } else if ((e.state === ZState.SYN_SENT || e.state === ZState.SYN_ACK_SENT) && syn && seq !== e.startAbs) {
      e.init(seq, end); // SYN_seq_jump
    }
    const rel = e.rel(seq);

    // update_history
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) this.check(side, H_FIN_RST, 'I');
      else this.check(side, H_MULTI, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const code = ackf ? 'H' : 'S';
        if (this.check(side, H_SYN, code) && rel !== e.histLastSyn) this.add(side, code);
        e.histLastSyn = rel;
      } else if (fin) {
        if (this.check(side, H_FIN, 'F') && rel + len !== e.histLastFin) this.add(side, 'F');
        e.histLastFin = rel + len;
      } else {
        if (this.check(side, H_RST, 'R') && rel !== e.histLastRst) this.add(side, 'R');
        e.histLastRst = rel;
      }
    } else if (len > 0) this.check(side, H_DATA, 'D');
    else if (ackf) this.check(side, H_ACK, 'A');

    // update_window: zero window (not RST, peer not CLOSED, sender not RESET)
    if (p.window === 0 && !rst && peer.state !== ZState.CLOSED && e.state !== ZState.RESET) this.scaled(side, ++e.win0N, 'W');

    if (!e.didClose || !peer.didClose) {
      this.lastSec = tsSec;
      this.lastNsec = tsNsec;
    }
    if (fin) {
      e.finCnt++;
      e.finRel = rel + len;
    }
    if (ackf) {
      if (peer.state === ZState.INACTIVE && !peer.started) peer.init((ack - 1) | 0, (ack - 1) | 0); // init_peer
      if (!rst) peer.updateAck(ack);
    }

    // update_last_seq (retransmission T/t)
    const deltaLast = (end - e.lastAbs) | 0;
    if ((syn || rst) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
      // ignored
    } else if (fin && e.lastRel === 1) {
      e.updateLast(end);
    } else if (e.state === ZState.RESET) {
      // no trust in later sequence numbers
    } else if (deltaLast > 0) {
      e.updateLast(end);
    } else if (len > 0 && !rst) {
      this.scaled(side, ++e.rxmitN, 'T');
    }

    const closeNow = this.stateMachine(e, peer, side, flags, len);
    if (closeNow) e.didClose = true;

    // Gap detection: the ACK tells the peer's reassembler how far its data was received.
    if (ackf && !rst && peer.started) {
      let upTo = peer.relAck(ack);
      if (peer.finRel >= 0 && upTo > peer.finRel) upTo = peer.finRel;
      const holes = peer.acked(upTo);
      if (holes > 0) {
        const ignore = !peer.sawSyn && upTo <= 2;
        if (!ignore && isClean(peer) && isClean(e)) {
          for (let i = 0; i < holes; i++) this.scaled(side ^ 1, ++peer.gapN, 'G');
          this.missed += peer.holeBytes;
        }
      }
    }
    // Payload into this endpoint's reassembler (not RST, not cut by the snap length).
    if (len > 0 && !rst && p.payloadCaptured >= len) {
      const lo = rel + (syn ? 1 : 0);
      if (lo >= 1) e.data(lo, lo + len);
    }
  }

  /** UpdateStateMachine; returns do_close. `side` is synfin's side of the sender. */
  private stateMachine(e: ZEndpoint, peer: ZEndpoint, side: number, flags: number, len: number): boolean {
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ackf = (flags & TcpFlag.ACK) !== 0;
    let close = false;
    switch (e.state) {
      case ZState.INACTIVE: {
        const isOrig = this.isOrig(side);
        if (syn) {
          if (isOrig) e.setState(ackf ? ZState.SYN_ACK_SENT : ZState.SYN_SENT);
          else {
            if (!ackf && peer.state === ZState.SYN_ACK_SENT) {
              // SYN/SYN-ACK seen in the wrong order: flip and establish. (Zeek gets here only with the
              // sequence number the SYN-ACK's ack implies, any other SYN being a reuse: IsReuse,
              // zeek-conn.md (d). Comparing with e.startAbs could not check it: init_endpoint has just
              // set that from this very SYN.)
              this.flip();
              peer.setState(ZState.ESTABLISHED);
            }
            if (peer.state === ZState.SYN_SENT) peer.setState(ZState.ESTABLISHED);
            e.setState(ZState.ESTABLISHED);
          }
        }
        if (fin) {
          e.setState(ZState.CLOSED);
          close = true;
        }
        if (rst) {
          e.setState(ZState.RESET);
          close = true;
        }
        if (e.state === ZState.INACTIVE) {
          const origEp = this.ep(this.origIsClient ? 0 : 1);
          if (!isOrig && len === 0 && origEp.state === ZState.SYN_SENT) {
            // an early ACK to a SYN leaves the responder INACTIVE
          } else if (ackf && peer.state === ZState.ESTABLISHED) e.setState(ZState.ESTABLISHED);
          else e.setState(ZState.PARTIAL);
        }
        break;
      }
      case ZState.SYN_SENT:
      case ZState.SYN_ACK_SENT:
        if (fin) {
          e.setState(ZState.CLOSED);
          close = true;
        }
        if (rst) {
          e.setState(ZState.RESET);
          close = true;
        }
        break;
      case ZState.ESTABLISHED:
      case ZState.PARTIAL:
        if (syn && !ackf && e.state === ZState.PARTIAL && peer.state === ZState.INACTIVE) e.setState(ZState.SYN_SENT);
        if (fin && !rst) {
          e.setState(ZState.CLOSED);
          if (peer.state === ZState.RESET && peer.prevState === ZState.CLOSED) peer.setState(ZState.CLOSED);
          close = true;
        }
        if (rst) {
          e.setState(ZState.RESET);
          close = true;
        }
        break;
      case ZState.CLOSED:
        if (rst) {
          if (peer.state !== ZState.CLOSED) e.setState(ZState.RESET);
          close = true;
        }
        break;
      case ZState.RESET:
        break;
    }
    return close;
  }

  private udp(p: Packet, side: number, notes: number, tsSec: number, tsNsec: number): void {
    const e = this.ep(side);
    if ((notes & Note.BAD_CHECKSUM) !== 0 || p.l4ChecksumBad) {
      this.scaled(side, ++e.chkN, 'C');
      return;
    }
    e.pkts++;
    e.ipBytes += p.ipLen;
    const l = p.udpLen - 8;
    if (l > 0) e.payload += l;
    if (!e.active) {
      e.active = 1;
      this.add(side, 'D');
    }
    this.lastSec = tsSec;
    this.lastNsec = tsNsec;
  }

  private icmp(p: Packet, side: number, tsSec: number, tsNsec: number): void {
    // ICMPSessionAdapter: only checksum-valid packets count (no history letters for ICMP).
    if (p.l4ChecksumBad) return;
    const e = this.ep(side);
    e.pkts++;
    e.ipBytes += p.ipLen;
    const l = p.ipLen - p.ipHeaderLen - 8;
    if (l > 0) e.payload += l;
    e.active = 1;
    this.lastSec = tsSec;
    this.lastNsec = tsNsec;
  }

  /** Zeek's conn_state() of conn/main.zeek. */
  private connState(): ZeekConnState {
    const oi = this.origIsClient ? 0 : 1;
    if (this.proto === 'udp') {
      const o = this.ep(oi).active === 1;
      const r = this.ep(oi ^ 1).active === 1;
      return o && r ? 'SF' : o ? 'S0' : r ? 'SHR' : 'OTH';
    }
    if (this.proto !== 'tcp') return 'OTH';
    const oe = this.ep(oi);
    const re = this.ep(oi ^ 1);
    const o = oe.state;
    const r = re.state;
    if (r === ZState.RESET) {
      if (
        o === ZState.SYN_SENT ||
        o === ZState.SYN_ACK_SENT ||
        (o === ZState.RESET && oe.size(re) === 0 && re.size(oe) === 0)
      ) {
        return 'REJ';
      }
      if (isInactive(o)) return 'RSTRH';
      return 'RSTR';
    }
    if (o === ZState.RESET) {
      if (isInactive(r)) return RSTOS0.test(this.history) ? 'RSTOS0' : 'OTH';
      return 'RSTO';
    }
    if (o === ZState.CLOSED && r === ZState.CLOSED) return 'SF';
    if (o === ZState.CLOSED) return isInactive(r) ? 'SH' : 'S2';
    if (r === ZState.CLOSED) return isInactive(o) ? 'SHR' : 'S3';
    if (o === ZState.SYN_SENT && r === ZState.INACTIVE) return 'S0';
    if (o === ZState.ESTABLISHED && r === ZState.ESTABLISHED) return 'S1';
    return 'OTH';
  }

  /** Zeek's endpoint states as names (for tests and the docs), by synfin side. */
  endpointStates(): { client: string; server: string } {
    const names = ['INACTIVE', 'SYN_SENT', 'SYN_ACK_SENT', 'PARTIAL', 'ESTABLISHED', 'CLOSED', 'RESET'];
    return { client: names[this.ep(0).state], server: names[this.ep(1).state] };
  }

  /**
   * TCP_Endpoint::Size of synfin's side (0 = client, 1 = server), whatever the duration: the
   * sequence span of what that side sent (zeek-conn.md (c)). The one implementation of the rule:
   * orig_bytes/resp_bytes below and the record's `bytes` / analysis `seqBytes` both come from here.
   * 0 before the side's sequence space is known (nothing seen, or only bad-checksum packets).
   */
  seqBytes(side: 0 | 1): number {
    if (this.proto !== 'tcp') return 0;
    return this.ep(side).size(this.ep(side ^ 1));
  }

  result(): ZeekFields {
    const oi = this.origIsClient ? 0 : 1;
    const oe = this.ep(oi);
    const re = this.ep(oi ^ 1);
    const duration = (this.lastSec - this.startSec) + (this.lastNsec - this.startNsec) / 1e9;
    let ob: number | null = null;
    let rb: number | null = null;
    if (duration > 0) {
      if (this.proto === 'tcp') {
        ob = oe.size(re);
        rb = re.size(oe);
      } else {
        ob = oe.payload;
        rb = re.payload;
      }
    }
    return {
      conn_state: this.connState(),
      history: this.history,
      missed_bytes: this.missed,
      origIsClient: this.origIsClient,
      orig_bytes: ob,
      resp_bytes: rb,
      duration: duration > 0 ? duration : null,
      orig_pkts: oe.pkts,
      resp_pkts: re.pkts,
      orig_ip_bytes: oe.ipBytes,
      resp_ip_bytes: re.ipBytes,
    };
  }
}
