/**
 * A small scenario DSL for TCP (and UDP/ICMP) conversations: real frames via frames.ts, a pcap via
 * writer.ts. It keeps each side's next sequence number and what it has received, so a test reads
 * like the packet ladder it describes:
 *
 *   const c = new Conversation();
 *   c.syn().synAck().ack().data('client', 100).fin('client').ack('server').fin('server').ack('client');
 *   writeFileSync(path, c.pcap());
 *
 * Delivery is immediate by default: after a side sends, the peer's "received up to" advances, so
 * the peer's next ACK covers it. `{ ack }` overrides the acknowledgement number (relative to the
 * peer's ISN, as Wireshark shows it), which is how crossing segments (simultaneous close) are
 * written; `{ seq }` overrides the relative sequence number (retransmissions, out-of-window RSTs).
 *
 * Not a hot path; for tests, fixtures and examples.
 */
import { Packet, PacketKind, TcpFlag } from '../decode/packet.js';
import { parseIPv4, parseIPv6 } from '../decode/addr.js';
import { icmpFrame, ipPacket, type TcpOptions, tcpFrame, udpFrame } from './frames.js';
import { type WritePacket, writePcap } from '../capture/writer.js';

export type ConvSide = 'client' | 'server';

export interface ConversationOptions {
  client?: string;
  server?: string;
  clientPort?: number;
  serverPort?: number;
  clientIsn?: number;
  serverIsn?: number;
  /** Capture time of the first packet, seconds since the epoch (default 1_700_000_000). */
  start?: number;
  /** Seconds between packets (default 0.01). */
  step?: number;
  /** Raw window advertised (default 65535). */
  window?: number;
  vlan?: number[];
}

export interface SegOptions {
  /** Relative sequence number (0 = the sender's ISN). */
  seq?: number;
  /** Relative acknowledgement number (0 = the peer's ISN); null = no ACK flag. */
  ack?: number | null;
  /** Payload bytes. */
  len?: number;
  window?: number;
  options?: TcpOptions;
  /** Extra flag letters (frames.ts spelling: P U E C N). */
  extra?: string;
  /** Seconds to wait before this packet (instead of `step`). */
  after?: number;
}

/** What a built packet was, for tests (and for filling a Packet without the decoder). */
export interface BuiltSegment {
  from: ConvSide;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  window: number;
  tsSec: number;
  tsNsec: number;
  frame: Uint8Array;
  proto: 'tcp' | 'udp' | 'icmp' | 'icmp6';
  options?: TcpOptions;
  icmpType?: number;
  icmpCode?: number;
  quote?: Uint8Array;
}

interface SideSeq {
  isn: number;
  /** Next sequence number to send (absolute, uint32). */
  nxt: number;
  /** Received up to (absolute): the ACK it sends. */
  rcv: number;
  /** The peer's ISN is known (its SYN was received). */
  synced: boolean;
}

const FLAG_BITS: Record<string, number> = {
  F: TcpFlag.FIN,
  S: TcpFlag.SYN,
  R: TcpFlag.RST,
  P: TcpFlag.PSH,
  A: TcpFlag.ACK,
  U: TcpFlag.URG,
  E: TcpFlag.ECE,
  C: TcpFlag.CWR,
  N: TcpFlag.NS,
};

export class Conversation {
  readonly client: string;
  readonly server: string;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly segments: BuiltSegment[] = [];
  private readonly step: number;
  private readonly window: number;
  private readonly vlan: number[] | undefined;
  /** Current time in whole ns since the epoch, as bigint to stay exact. */
  private ns: bigint;
  private started = false;
  private readonly c: SideSeq;
  private readonly s: SideSeq;

  constructor(o: ConversationOptions = {}) {
    this.client = o.client ?? '10.0.0.1';
    this.server = o.server ?? '10.0.0.2';
    this.clientPort = o.clientPort ?? 40000;
    this.serverPort = o.serverPort ?? 80;
    this.step = o.step ?? 0.01;
    this.window = o.window ?? 65535;
    this.vlan = o.vlan;
    this.ns = BigInt(Math.round((o.start ?? 1_700_000_000) * 1e6)) * 1000n;
    const ci = (o.clientIsn ?? 1000) >>> 0;
    const si = (o.serverIsn ?? 5000) >>> 0;
    this.c = { isn: ci, nxt: ci, rcv: si, synced: false };
    this.s = { isn: si, nxt: si, rcv: ci, synced: false };
  }

  private side(s: ConvSide): SideSeq {
    return s === 'client' ? this.c : this.s;
  }
  private peer(s: ConvSide): SideSeq {
    return s === 'client' ? this.s : this.c;
  }

  /** Advance the clock by `sec` seconds (before the next packet, on top of its step). */
  wait(sec: number): this {
    this.ns += BigInt(Math.round(sec * 1e9));
    return this;
  }

  private tick(after?: number): [number, number] {
    if (this.started) this.ns += BigInt(Math.round((after ?? this.step) * 1e9));
    else if (after !== undefined) this.ns += BigInt(Math.round(after * 1e9));
    this.started = true;
    return [Number(this.ns / 1_000_000_000n), Number(this.ns % 1_000_000_000n)];
  }

  /** Any TCP segment from `from`. `flags` in frames.ts letters (e.g. 'FA'). Advances sequence space. */
  tcp(from: ConvSide, flags: string, o: SegOptions = {}): this {
    const me = this.side(from);
    const other = this.peer(from);
    const len = o.len ?? 0;
    const seq = o.seq !== undefined ? (me.isn + o.seq) >>> 0 : me.nxt;
    const hasAck = o.ack !== null && (flags.includes('A') || o.ack !== undefined);
    const ack = o.ack !== undefined && o.ack !== null ? (other.isn + o.ack) >>> 0 : me.rcv;
    let fl = flags.replace(/A/g, '') + (hasAck ? 'A' : '') + (o.extra ?? '');
    fl = [...new Set(fl.split(''))].join('');
    const bits = fl.split('').reduce((b, ch) => b | (FLAG_BITS[ch] ?? 0), 0);
    const [tsSec, tsNsec] = this.tick(o.after);
    const window = o.window ?? this.window;
    const srcIsClient = from === 'client';
    const frame = tcpFrame({
      src: srcIsClient ? this.client : this.server,
      dst: srcIsClient ? this.server : this.client,
      sport: srcIsClient ? this.clientPort : this.serverPort,
      dport: srcIsClient ? this.serverPort : this.clientPort,
      seq,
      ack: hasAck ? ack : 0,
      flags: fl,
      window,
      payload: len,
      options: o.options,
      vlan: this.vlan,
    });
    this.segments.push({ from, flags: bits, seq, ack: hasAck ? ack : 0, len, window, tsSec, tsNsec, frame, proto: 'tcp', options: o.options });
    // Sequence space: SYN and FIN take one number each.
    const end = (seq + len + (bits & TcpFlag.SYN ? 1 : 0) + (bits & TcpFlag.FIN ? 1 : 0)) >>> 0;
    if (((end - me.nxt) | 0) > 0) me.nxt = end;
    // Immediate delivery: the peer has now received up to `end` (unless it is a RST).
    if (!(bits & TcpFlag.RST) && ((end - other.rcv) | 0) > 0) other.rcv = end;
    return this;
  }

  /** Client SYN (again = retransmission with the same ISN). */
  syn(o: SegOptions = {}): this {
    return this.tcp('client', 'S', { seq: 0, ack: null, ...o });
  }
  /** Server SYN,ACK. */
  synAck(o: SegOptions = {}): this {
    return this.tcp('server', 'SA', { seq: 0, ...o });
  }
  /** Pure ACK (default from the client, the third step of the handshake). */
  ack(from: ConvSide = 'client', o: SegOptions = {}): this {
    return this.tcp(from, 'A', o);
  }
  /** Data segment with PSH,ACK. */
  data(from: ConvSide, len: number, o: SegOptions = {}): this {
    return this.tcp(from, 'PA', { len, ...o });
  }
  /** FIN,ACK (with `len` data when given). */
  fin(from: ConvSide, o: SegOptions = {}): this {
    return this.tcp(from, 'FA', o);
  }
  /** RST (RST,ACK when `ack` is given). Default seq: the sender's next sequence number. */
  rst(from: ConvSide, o: SegOptions = {}): this {
    return this.tcp(from, 'R', { ack: null, ...o });
  }
  /** Re-send the segment at index `i` (0-based) with the current time. */
  retransmit(i: number, o: { after?: number } = {}): this {
    const g = this.segments[i];
    const [tsSec, tsNsec] = this.tick(o.after);
    this.segments.push({ ...g, tsSec, tsNsec });
    return this;
  }

  /** A UDP datagram (ports as in the TCP conversation). */
  udp(from: ConvSide, len: number, o: { after?: number } = {}): this {
    const [tsSec, tsNsec] = this.tick(o.after);
    const srcIsClient = from === 'client';
    const frame = udpFrame({
      src: srcIsClient ? this.client : this.server,
      dst: srcIsClient ? this.server : this.client,
      sport: srcIsClient ? this.clientPort : this.serverPort,
      dport: srcIsClient ? this.serverPort : this.clientPort,
      payload: len,
      vlan: this.vlan,
    });
    this.segments.push({ from, flags: 0, seq: 0, ack: 0, len, window: 0, tsSec, tsNsec, frame, proto: 'udp' });
    return this;
  }

  /** An ICMP (or ICMPv6 for IPv6 addresses) message; `quoteIndex` quotes an earlier segment (errors). */
  icmp(from: ConvSide, type: number, code: number, o: { quoteIndex?: number; len?: number; after?: number } = {}): this {
    const [tsSec, tsNsec] = this.tick(o.after);
    const srcIsClient = from === 'client';
    const quote = o.quoteIndex !== undefined ? ipPacket(this.segments[o.quoteIndex].frame) : undefined;
    const frame = icmpFrame({
      src: srcIsClient ? this.client : this.server,
      dst: srcIsClient ? this.server : this.client,
      type,
      code,
      quote,
      payload: o.len ?? 0,
      vlan: this.vlan,
    });
    const v6 = this.client.includes(':');
    this.segments.push({
      from, flags: 0, seq: 0, ack: 0, len: o.len ?? 0, window: 0, tsSec, tsNsec, frame,
      proto: v6 ? 'icmp6' : 'icmp', icmpType: type, icmpCode: code, quote,
    });
    return this;
  }

  /** The capture: an Ethernet pcap with nanosecond timestamps. */
  pcap(): Uint8Array {
    return writePcap(this.packets(), { nanosecond: true });
  }

  packets(): WritePacket[] {
    return this.segments.map((g) => ({ tsSec: g.tsSec, tsNsec: g.tsNsec, data: g.frame }));
  }

  /**
   * Fill `p` with segment i as the decoder would (for state-machine tests that must not depend on
   * the decoder). TCP/UDP/ICMP without quotes, IPv4 or IPv6, 20-byte IPv4 / 40-byte IPv6 headers.
   */
  fillPacket(i: number, p: Packet): void {
    const g = this.segments[i];
    const fromClient = g.from === 'client';
    const v6 = this.client.includes(':');
    p.ipVersion = v6 ? 6 : 4;
    p.vlanCount = this.vlan?.length ?? 0;
    p.vlan0 = this.vlan?.[0] ?? 0;
    p.vlan1 = this.vlan?.[1] ?? 0;
    if (v6) {
      p.src6.set(parseIPv6(fromClient ? this.client : this.server)!);
      p.dst6.set(parseIPv6(fromClient ? this.server : this.client)!);
    } else {
      p.src4 = parseIPv4(fromClient ? this.client : this.server)! >>> 0;
      p.dst4 = parseIPv4(fromClient ? this.server : this.client)! >>> 0;
    }
    const ipHdr = v6 ? 40 : 20;
    p.quotedValid = false;
    p.malformed = 0;
    if (g.proto === 'tcp') {
      p.kind = PacketKind.Tcp;
      p.ipProto = 6;
      p.srcPort = fromClient ? this.clientPort : this.serverPort;
      p.dstPort = fromClient ? this.serverPort : this.clientPort;
      p.seq = g.seq;
      p.ack = g.ack;
      p.flags = g.flags;
      p.window = g.window;
      const o = g.options ?? {};
      p.optMss = o.mss ?? -1;
      p.optWscale = o.wscale ?? -1;
      p.optSackPermitted = o.sackPerm ?? false;
      p.optHasTimestamp = o.ts !== undefined;
      p.optTsVal = o.ts?.[0] ?? 0;
      p.optTsEcr = o.ts?.[1] ?? 0;
      p.optTfo = o.tfo !== undefined;
      p.optMptcp = o.mptcp ?? false;
      p.optSackCount = 0;
      const optLen = g.frame.length - 14 - (this.vlan?.length ?? 0) * 4 - ipHdr - 20 - g.len;
      p.tcpHeaderLen = 20 + optLen;
      p.payloadLen = g.len;
      p.payloadCaptured = g.len;
      p.ipLen = ipHdr + p.tcpHeaderLen + g.len;
    } else if (g.proto === 'udp') {
      p.kind = PacketKind.Udp;
      p.ipProto = 17;
      p.srcPort = fromClient ? this.clientPort : this.serverPort;
      p.dstPort = fromClient ? this.serverPort : this.clientPort;
      p.payloadLen = g.len;
      p.udpLen = 8 + g.len;
      p.ipLen = ipHdr + 8 + g.len;
      p.flags = 0;
    } else {
      p.kind = v6 ? PacketKind.Icmp6 : PacketKind.Icmp;
      p.ipProto = v6 ? 58 : 1;
      p.srcPort = 0;
      p.dstPort = 0;
      p.icmpType = g.icmpType ?? 0;
      p.icmpCode = g.icmpCode ?? 0;
      p.payloadLen = g.len;
      p.ipLen = ipHdr + 8 + (g.quote ? g.frame.length - 14 - ipHdr - 8 : g.len);
      p.flags = 0;
    }
  }
}

