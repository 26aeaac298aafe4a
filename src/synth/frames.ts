/**
 * Frame builders for tests, fixtures and the benchmark: real frames with a correct IPv4 header
 * checksum and TCP / UDP / ICMP / ICMPv6 checksums (IPv4 and IPv6 pseudo-headers, RFC 793 §3.1,
 * RFC 768, RFC 8200 §8.1), on any of the link layers the decoder reads.
 *
 * Verified once against tshark (checksums good, fields right): see test/synth/frames.test.ts and
 * fixtures/decode/synth-tshark.txt.
 *
 * Not a hot path: every call allocates its frame.
 */
import { concatBytes as concat } from '../capture/writer.js';
import { parseIPv4, parseIPv6 } from '../decode/addr.js';

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
  IPV4: 228,
  IPV6: 229,
} as const;

/** Link header to put in front of the IP packet. 'loop' is OpenBSD's loopback (AF in network byte order). */
export type Link = 'ether' | 'raw' | 'null' | 'loop' | 'sll' | 'sll2';

/** The LINKTYPE_* value a capture of frames built with `link` must declare. */
export function linkTypeOf(link: Link = 'ether'): number {
  switch (link) {
    case 'ether':
      return LINKTYPE.ETHERNET;
    case 'raw':
      return LINKTYPE.RAW;
    case 'null':
      return LINKTYPE.NULL;
    case 'loop':
      return LINKTYPE.LOOP;
    case 'sll':
      return LINKTYPE.LINUX_SLL;
    case 'sll2':
      return LINKTYPE.LINUX_SLL2;
  }
}

/** Fields shared by every IP builder. */
export interface IpCommon {
  ttl?: number;
  ipId?: number;
  /** IPv4 Don't Fragment bit (default false). */
  df?: boolean;
  /** IPv4 options (padded with EOL to a multiple of 4 bytes). */
  ipOptions?: Uint8Array;
  /** IPv6 extension headers inserted between the fixed header and the transport, in order. */
  ip6Ext?: Ip6Ext[];
  /** 802.1Q tags, outermost first (with two or more tags the outer ones use the 802.1ad TPID 0x88a8). */
  vlan?: number[];
  link?: Link;
  /** Ethernet addresses (6 bytes); defaults 02:00:00:00:00:01 → 02:00:00:00:00:02. */
  srcMac?: Uint8Array;
  dstMac?: Uint8Array;
}

/** An IPv6 extension header: hop-by-hop 0, routing 43, fragment 44, destination options 60, AH 51. */
export interface Ip6Ext {
  type: 0 | 43 | 44 | 51 | 60;
  /**
   * Body after the two-byte (next header, length) prefix. Default: padding (PadN) so the header is 8 bytes;
   * for the fragment header: offset/M/id from `frag`.
   */
  body?: Uint8Array;
  frag?: { offset: number; more: boolean; id: number };
}

export interface TcpOptions {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  ts?: [number, number];
  sack?: [number, number][];
  /** true = cookie request (kind 34, length 2); bytes = cookie. */
  tfo?: true | Uint8Array;
  /** TFO with the experimental option (kind 254, magic 0xF989) instead of kind 34. */
  tfoExperimental?: boolean;
  /** MPTCP MP_CAPABLE (kind 30). */
  mptcp?: boolean;
  /** Raw option bytes appended after the others (before padding). */
  raw?: Uint8Array;
}

export interface TcpFrameSpec extends IpCommon {
  /** IPv4 or IPv6 literal; the family picks IPv4/IPv6. */
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** uint32. */
  seq: number;
  ack?: number;
  /** Letters, any order: S A F R P U E C N (N = the NS/AE bit). */
  flags: string;
  /** Raw 16-bit window, default 65535. */
  window?: number;
  urgent?: number;
  /** number = that many pattern bytes (i & 0xff). */
  payload?: number | Uint8Array;
  options?: TcpOptions;
  badChecksum?: boolean;
}

export interface UdpFrameSpec extends IpCommon {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload?: number | Uint8Array;
  badChecksum?: boolean;
}

export interface IcmpFrameSpec extends IpCommon {
  src: string;
  dst: string;
  type: number;
  code: number;
  /**
   * An IP packet (e.g. ipPacket(tcpFrame(...))) quoted by an error message: its first
   * quoteLen bytes (default: IPv4 header + 8 bytes; IPv6: as much as fits in 1280 bytes).
   */
  quote?: Uint8Array;
  quoteLen?: number;
  /** Echo identifier and sequence (bytes 4–7), when `rest` is not given. */
  id?: number;
  seq?: number;
  /** Bytes 4–7 as one uint32 (e.g. the MTU of "fragmentation needed" / "packet too big"). */
  rest?: number;
  payload?: number | Uint8Array;
  badChecksum?: boolean;
}

export interface ArpFrameSpec {
  /** 1 request, 2 reply. */
  op: number;
  senderIp: string;
  targetIp: string;
  senderMac?: Uint8Array;
  targetMac?: Uint8Array;
  vlan?: number[];
  link?: Link;
}

/** Outer header of a tunnel. */
export interface TunnelSpec extends IpCommon {
  /** Outer addresses (default 192.0.2.1 → 192.0.2.2); IPv6 literals give an IPv6 outer header. */
  outerSrc?: string;
  outerDst?: string;
}

const DEFAULT_SRC_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);
const DEFAULT_DST_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x02);

// ---------------------------------------------------------------- helpers

function be16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

function be32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function payloadBytes(p: number | Uint8Array | undefined): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  if (typeof p !== 'number') return p;
  const b = new Uint8Array(p);
  for (let i = 0; i < p; i++) b[i] = i & 0xff;
  return b;
}

/** Sum of 16-bit big-endian words (odd trailing byte padded with zero), not yet folded. */
function sum16(b: Uint8Array, start = 0, end = b.length): number {
  let s = 0;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  return s;
}

/** Internet checksum (RFC 1071) of a running sum. */
function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Internet checksum of bytes [start, end). */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return fold(sum16(b, start, end));
}

interface Addr {
  v6: boolean;
  bytes: Uint8Array;
}

function addr(s: string): Addr {
  const v4 = parseIPv4(s);
  if (v4 !== null) {
    const b = new Uint8Array(4);
    be32(b, 0, v4);
    return { v6: false, bytes: b };
  }
  const v6 = parseIPv6(s);
  if (v6 !== null) return { v6: true, bytes: v6 };
  throw new Error(`frames: not an IP address: ${s}`);
}

function pair(src: string, dst: string): [Addr, Addr] {
  const a = addr(src);
  const b = addr(dst);
  if (a.v6 !== b.v6) throw new Error(`frames: address families differ: ${src} / ${dst}`);
  return [a, b];
}

/** Pseudo-header sum: IPv4 (RFC 793) or IPv6 (RFC 8200 §8.1). */
function pseudoSum(src: Addr, dst: Addr, proto: number, len: number): number {
  let s = sum16(src.bytes) + sum16(dst.bytes);
  if (src.v6) s += Math.floor(len / 0x10000) + (len & 0xffff) + proto;
  else s += proto + len;
  return s;
}

/** Builds the IP packet (header + extension headers + l4) for transport `proto`. */
function ipPacketOf(src: Addr, dst: Addr, proto: number, l4: Uint8Array, c: IpCommon): Uint8Array {
  if (!src.v6) {
    const opt = c.ipOptions ?? new Uint8Array(0);
    const optLen = (opt.length + 3) & ~3;
    const hl = 20 + optLen;
    const h = new Uint8Array(hl);
    h[0] = 0x40 | (hl >> 2);
    h[1] = 0;
    be16(h, 2, hl + l4.length);
    be16(h, 4, c.ipId ?? 0x1234);
    be16(h, 6, c.df ? 0x4000 : 0);
    h[8] = c.ttl ?? 64;
    h[9] = proto;
    h.set(src.bytes, 12);
    h.set(dst.bytes, 16);
    h.set(opt, 20);
    be16(h, 10, internetChecksum(h));
    return concat([h, l4]);
  }
  // IPv6: extension chain, each header's next-header field pointing at the following one.
  const exts = c.ip6Ext ?? [];
  const extBytes: Uint8Array[] = [];
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i];
    const next = i + 1 < exts.length ? exts[i + 1].type : proto;
    let hdr: Uint8Array;
    if (e.type === 44) {
      hdr = new Uint8Array(8);
      const f = e.frag ?? { offset: 0, more: false, id: 0 };
      be16(hdr, 2, (f.offset & ~7) | (f.more ? 1 : 0));
      be32(hdr, 4, f.id);
    } else if (e.type === 51) {
      // AH (RFC 4302): length in 4-byte units minus 2; body = SPI, sequence, ICV.
      const body = e.body ?? new Uint8Array(22); // 2 reserved + 4 SPI + 4 seq + 12 ICV
      const total = (2 + body.length + 3) & ~3;
      hdr = new Uint8Array(Math.max(total, 12));
      hdr.set(body, 2);
      hdr[1] = hdr.length / 4 - 2;
    } else {
      const body = e.body;
      const total = body ? (2 + body.length + 7) & ~7 : 8;
      hdr = new Uint8Array(total);
      if (body) hdr.set(body, 2);
      else {
        // PadN option covering the 6 bytes after the prefix (RFC 8200 §4.2).
        hdr[2] = 1;
        hdr[3] = 4;
      }
      if (body && body.length + 2 < total) {
        // Pad the rest with PadN / Pad1 so the options stay parseable.
        const rest = total - 2 - body.length;
        if (rest === 1) hdr[2 + body.length] = 0;
        else {
          hdr[2 + body.length] = 1;
          hdr[3 + body.length] = rest - 2;
        }
      }
      hdr[1] = total / 8 - 1;
      if (e.type === 43 && !body) {
        // Routing header type 0 is deprecated; use a segments-left-0 header of an unknown type 253.
        hdr[2] = 253;
        hdr[3] = 0;
      }
    }
    hdr[0] = next;
    extBytes.push(hdr);
  }
  const ext = concat(extBytes);
  const h = new Uint8Array(40);
  h[0] = 0x60;
  be16(h, 4, ext.length + l4.length);
  h[6] = exts.length > 0 ? exts[0].type : proto;
  h[7] = c.ttl ?? 64;
  h.set(src.bytes, 8);
  h.set(dst.bytes, 24);
  return concat([h, ext, l4]);
}

/** Puts a link header in front of a network-layer packet with EtherType `etherType`. */
function linkFrame(pkt: Uint8Array, etherType: number, c: { vlan?: number[]; link?: Link; srcMac?: Uint8Array; dstMac?: Uint8Array }): Uint8Array {
  const link = c.link ?? 'ether';
  const isV6 = etherType === 0x86dd;
  switch (link) {
    case 'ether': {
      const tags = c.vlan ?? [];
      const h = new Uint8Array(14 + 4 * tags.length);
      h.set(c.dstMac ?? DEFAULT_DST_MAC, 0);
      h.set(c.srcMac ?? DEFAULT_SRC_MAC, 6);
      let o = 12;
      for (let i = 0; i < tags.length; i++) {
        be16(h, o, tags.length > 1 && i < tags.length - 1 ? 0x88a8 : 0x8100);
        be16(h, o + 2, tags[i] & 0x0fff);
        o += 4;
      }
      be16(h, o, etherType);
      return concat([h, pkt]);
    }
    case 'raw':
      return pkt.slice();
    case 'null': {
      // BSD loopback: AF in the capturing host's byte order (little-endian here); AF_INET6 as on macOS (30).
      const h = new Uint8Array(4);
      h[0] = isV6 ? 30 : etherType === 0x0800 ? 2 : 0;
      return concat([h, pkt]);
    }
    case 'loop': {
      // OpenBSD loop: AF in network byte order; OpenBSD's AF_INET6 is 24.
      const h = new Uint8Array(4);
      h[3] = isV6 ? 24 : etherType === 0x0800 ? 2 : 0;
      return concat([h, pkt]);
    }
    case 'sll': {
      // Linux cooked v1 (16 bytes): packet type, ARPHRD, address length, 8 address bytes, protocol.
      const h = new Uint8Array(16);
      be16(h, 0, 0); // to us
      be16(h, 2, 1); // ARPHRD_ETHER
      be16(h, 4, 6);
      h.set(c.srcMac ?? DEFAULT_SRC_MAC, 6);
      be16(h, 14, etherType);
      return concat([h, pkt]);
    }
    case 'sll2': {
      // Linux cooked v2 (20 bytes): protocol, reserved, ifindex, ARPHRD, packet type, address length, 8 address bytes.
      const h = new Uint8Array(20);
      be16(h, 0, etherType);
      be32(h, 4, 2);
      be16(h, 8, 1);
      h[10] = 0;
      h[11] = 6;
      h.set(c.srcMac ?? DEFAULT_SRC_MAC, 12);
      return concat([h, pkt]);
    }
  }
}

function ipFrame(src: Addr, dst: Addr, proto: number, l4: Uint8Array, c: IpCommon): Uint8Array {
  return linkFrame(ipPacketOf(src, dst, proto, l4, c), src.v6 ? 0x86dd : 0x0800, c);
}

// ---------------------------------------------------------------- TCP

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80, N: 0x100 };

function tcpOptionBytes(o: TcpOptions | undefined): Uint8Array {
  if (!o) return new Uint8Array(0);
  const parts: number[] = [];
  if (o.mss !== undefined) parts.push(2, 4, (o.mss >> 8) & 0xff, o.mss & 0xff);
  if (o.sackPerm) parts.push(4, 2);
  if (o.ts) {
    parts.push(8, 10);
    for (const v of o.ts) parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  if (o.wscale !== undefined) parts.push(1, 3, 3, o.wscale & 0xff);
  if (o.sack && o.sack.length > 0) {
    parts.push(5, 2 + 8 * o.sack.length);
    for (const [l, r] of o.sack)
      for (const v of [l, r]) parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  if (o.tfo !== undefined) {
    const cookie = o.tfo === true ? [] : [...o.tfo];
    if (o.tfoExperimental) parts.push(254, 4 + cookie.length, 0xf9, 0x89, ...cookie);
    else parts.push(34, 2 + cookie.length, ...cookie);
  }
  // MP_CAPABLE, version 1, flag H (HMAC-SHA256) (RFC 8684 §3.1), as sent on a SYN.
  if (o.mptcp) parts.push(30, 4, 0x01, 0x01);
  if (o.raw) parts.push(...o.raw);
  while (parts.length % 4 !== 0) parts.push(0); // EOL padding
  return Uint8Array.from(parts);
}

/** TCP segment (header + options + payload) with its checksum over the pseudo-header. */
function tcpSegment(s: TcpFrameSpec, src: Addr, dst: Addr): Uint8Array {
  const opts = tcpOptionBytes(s.options);
  if (opts.length > 40) throw new Error('frames: TCP options longer than 40 bytes');
  const payload = payloadBytes(s.payload);
  const hl = 20 + opts.length;
  const seg = new Uint8Array(hl + payload.length);
  be16(seg, 0, s.sport);
  be16(seg, 2, s.dport);
  be32(seg, 4, s.seq >>> 0);
  be32(seg, 8, (s.ack ?? 0) >>> 0);
  let flags = 0;
  for (const ch of s.flags.toUpperCase()) {
    const bit = FLAG_BITS[ch];
    if (bit === undefined) throw new Error(`frames: unknown TCP flag letter ${ch}`);
    flags |= bit;
  }
  seg[12] = ((hl >> 2) << 4) | (flags >> 8);
  seg[13] = flags & 0xff;
  be16(seg, 14, s.window ?? 65535);
  be16(seg, 18, s.urgent ?? 0);
  seg.set(opts, 20);
  seg.set(payload, hl);
  let cs = fold(pseudoSum(src, dst, 6, seg.length) + sum16(seg));
  if (s.badChecksum) cs ^= 0x5a5a;
  be16(seg, 16, cs);
  return seg;
}

/** A TCP segment in an IP packet in a link frame, checksums correct unless badChecksum. */
export function tcpFrame(s: TcpFrameSpec): Uint8Array {
  const [src, dst] = pair(s.src, s.dst);
  return ipFrame(src, dst, 6, tcpSegment(s, src, dst), s);
}

// ---------------------------------------------------------------- UDP

function udpDatagram(src: Addr, dst: Addr, sport: number, dport: number, payload: Uint8Array, bad = false): Uint8Array {
  const d = new Uint8Array(8 + payload.length);
  be16(d, 0, sport);
  be16(d, 2, dport);
  be16(d, 4, d.length);
  d.set(payload, 8);
  let cs = fold(pseudoSum(src, dst, 17, d.length) + sum16(d));
  if (cs === 0) cs = 0xffff; // RFC 768: a computed zero is sent as all ones
  if (bad) cs ^= 0x5a5a;
  be16(d, 6, cs);
  return d;
}

export function udpFrame(s: UdpFrameSpec): Uint8Array {
  const [src, dst] = pair(s.src, s.dst);
  return ipFrame(src, dst, 17, udpDatagram(src, dst, s.sport, s.dport, payloadBytes(s.payload), s.badChecksum), s);
}

// ---------------------------------------------------------------- ICMP / ICMPv6

/** ICMP (IPv4 addresses) or ICMPv6 (IPv6 addresses, checksum over the pseudo-header). */
export function icmpFrame(s: IcmpFrameSpec): Uint8Array {
  const [src, dst] = pair(s.src, s.dst);
  let body: Uint8Array;
  if (s.quote) {
    let n: number;
    if (s.quoteLen !== undefined) n = s.quoteLen;
    else if (src.v6) n = 1280 - 40 - 8; // RFC 4443 §2.4(c): as much as fits in the minimum MTU
    else n = ((s.quote[0] & 0x0f) << 2) + 8; // RFC 792: IP header + first 64 bits
    body = s.quote.slice(0, Math.min(n, s.quote.length));
  } else body = payloadBytes(s.payload);
  const m = new Uint8Array(8 + body.length);
  m[0] = s.type;
  m[1] = s.code;
  if (s.rest !== undefined) be32(m, 4, s.rest >>> 0);
  else {
    be16(m, 4, s.id ?? 0);
    be16(m, 6, s.seq ?? 0);
  }
  m.set(body, 8);
  let cs = src.v6 ? fold(pseudoSum(src, dst, 58, m.length) + sum16(m)) : internetChecksum(m);
  if (s.badChecksum) cs ^= 0x5a5a;
  be16(m, 2, cs);
  return ipFrame(src, dst, src.v6 ? 58 : 1, m, s);
}

// ---------------------------------------------------------------- ARP

/** ARP for IPv4 over Ethernet (RFC 826). */
export function arpFrame(s: ArpFrameSpec): Uint8Array {
  const smac = s.senderMac ?? DEFAULT_SRC_MAC;
  const tmac = s.targetMac ?? new Uint8Array(6);
  const b = new Uint8Array(28);
  be16(b, 0, 1); // hardware type Ethernet
  be16(b, 2, 0x0800);
  b[4] = 6;
  b[5] = 4;
  be16(b, 6, s.op);
  b.set(smac, 8);
  b.set(addr(s.senderIp).bytes, 14);
  b.set(tmac, 18);
  b.set(addr(s.targetIp).bytes, 24);
  const dstMac = s.op === 1 ? Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff) : tmac;
  return linkFrame(b, 0x0806, { vlan: s.vlan, link: s.link, srcMac: smac, dstMac });
}

// ---------------------------------------------------------------- frame surgery

/** Length of the Ethernet header (with VLAN tags) of an 'ether' frame, and the EtherType after it. */
function etherHeader(frame: Uint8Array): { len: number; etherType: number } {
  let o = 12;
  let et = (frame[o] << 8) | frame[o + 1];
  while (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
    o += 4;
    et = (frame[o] << 8) | frame[o + 1];
  }
  return { len: o + 2, etherType: et };
}

/** The IP packet of an 'ether' frame (link header and VLAN tags stripped). */
export function ipPacket(frame: Uint8Array): Uint8Array {
  return frame.slice(etherHeader(frame).len);
}

/**
 * IPv4 fragmentation (RFC 791 §3.2) of an 'ether' frame: every fragment's IP packet is at most
 * `mtu` bytes; offsets are multiples of 8; the header (options included) is copied into every fragment.
 */
export function fragment(frame: Uint8Array, mtu: number): Uint8Array[] {
  const { len: lh } = etherHeader(frame);
  const ip = frame.subarray(lh);
  const ihl = (ip[0] & 0x0f) << 2;
  const total = (ip[2] << 8) | ip[3];
  const data = ip.subarray(ihl, total);
  const chunk = Math.floor((mtu - ihl) / 8) * 8;
  if (chunk <= 0) throw new Error('frames: MTU too small to fragment');
  const baseOffset = ((ip[6] & 0x1f) << 8) | ip[7];
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += chunk) {
    const part = data.subarray(off, Math.min(off + chunk, data.length));
    const more = off + part.length < data.length;
    const f = new Uint8Array(lh + ihl + part.length);
    f.set(frame.subarray(0, lh), 0);
    f.set(ip.subarray(0, ihl), lh);
    f.set(part, lh + ihl);
    const h = f.subarray(lh, lh + ihl);
    be16(h, 2, ihl + part.length);
    be16(h, 6, (more || (ip[6] & 0x20) !== 0 ? 0x2000 : 0) | (baseOffset + off / 8));
    be16(h, 10, 0);
    be16(h, 10, internetChecksum(h));
    out.push(f);
  }
  return out;
}

/**
 * IPv6 fragmentation (RFC 8200 §4.5) of an 'ether' frame without extension headers: a fragment
 * header (identification `id`) is inserted in every piece; each piece's IP packet is at most `mtu` bytes.
 */
export function fragment6(frame: Uint8Array, mtu: number, id: number): Uint8Array[] {
  const { len: lh } = etherHeader(frame);
  const ip = frame.subarray(lh);
  const nh = ip[6];
  const data = ip.subarray(40, 40 + ((ip[4] << 8) | ip[5]));
  const chunk = Math.floor((mtu - 48) / 8) * 8;
  if (chunk <= 0) throw new Error('frames: MTU too small to fragment');
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += chunk) {
    const part = data.subarray(off, Math.min(off + chunk, data.length));
    const more = off + part.length < data.length;
    const f = new Uint8Array(lh + 48 + part.length);
    f.set(frame.subarray(0, lh), 0);
    f.set(ip.subarray(0, 40), lh);
    const h = f.subarray(lh);
    be16(h, 4, 8 + part.length);
    h[6] = 44;
    h[40] = nh;
    be16(h, 42, off | (more ? 1 : 0));
    be32(h, 44, id);
    h.set(part, 48);
    out.push(f);
  }
  return out;
}

// ---------------------------------------------------------------- tunnels

function outer(t: TunnelSpec | undefined): [Addr, Addr] {
  return pair(t?.outerSrc ?? '192.0.2.1', t?.outerDst ?? '192.0.2.2');
}

/** The inner frame's EtherType (after any VLAN tags). */
function innerEtherType(inner: Uint8Array): number {
  return etherHeader(inner).etherType;
}

export interface GreSpec extends TunnelSpec {
  key?: number;
  seq?: number;
  /** Include the optional checksum field (C bit). */
  checksum?: boolean;
  /** Transparent Ethernet bridging (protocol 0x6558): carry the whole inner Ethernet frame. */
  teb?: boolean;
}

/** GRE (RFC 2784 / RFC 2890 key and sequence) around the inner 'ether' frame's IP packet (or the whole frame with teb). */
export function greFrame(inner: Uint8Array, t: GreSpec = {}): Uint8Array {
  const [src, dst] = outer(t);
  const payload = t.teb ? inner : ipPacket(inner);
  const proto = t.teb ? 0x6558 : innerEtherType(inner);
  const hl = 4 + (t.checksum ? 4 : 0) + (t.key !== undefined ? 4 : 0) + (t.seq !== undefined ? 4 : 0);
  const g = new Uint8Array(hl + payload.length);
  g[0] = (t.checksum ? 0x80 : 0) | (t.key !== undefined ? 0x20 : 0) | (t.seq !== undefined ? 0x10 : 0);
  be16(g, 2, proto);
  let o = 4;
  const csAt = t.checksum ? o : -1;
  if (t.checksum) o += 4;
  if (t.key !== undefined) {
    be32(g, o, t.key);
    o += 4;
  }
  if (t.seq !== undefined) {
    be32(g, o, t.seq);
    o += 4;
  }
  g.set(payload, hl);
  if (csAt >= 0) be16(g, csAt, internetChecksum(g));
  return ipFrame(src, dst, 47, g, t);
}

/** IP-in-IP (4), 6in4 (41), 4in6 (4 in IPv6), 6in6 (41): the inner 'ether' frame's IP packet in an outer IP header. */
export function ipipFrame(inner: Uint8Array, t: TunnelSpec = {}): Uint8Array {
  const [src, dst] = outer(t);
  const et = innerEtherType(inner);
  return ipFrame(src, dst, et === 0x86dd ? 41 : 4, ipPacket(inner), t);
}

export interface VxlanSpec extends TunnelSpec {
  vni?: number;
  sport?: number;
  /** Default 4789 (RFC 7348). */
  dport?: number;
}

/** VXLAN (RFC 7348): the whole inner Ethernet frame in UDP to port 4789. */
export function vxlanFrame(inner: Uint8Array, t: VxlanSpec = {}): Uint8Array {
  const [src, dst] = outer(t);
  const h = new Uint8Array(8);
  h[0] = 0x08; // I flag: VNI valid
  be32(h, 4, ((t.vni ?? 42) << 8) >>> 0);
  return ipFrame(src, dst, 17, udpDatagram(src, dst, t.sport ?? 49152, t.dport ?? 4789, concat([h, inner])), t);
}

export interface GeneveSpec extends TunnelSpec {
  vni?: number;
  sport?: number;
  /** Option bytes (multiple of 4). */
  options?: Uint8Array;
}

/** Geneve (RFC 8926): the whole inner Ethernet frame (protocol 0x6558) in UDP to port 6081. */
export function geneveFrame(inner: Uint8Array, t: GeneveSpec = {}): Uint8Array {
  const [src, dst] = outer(t);
  const opts = t.options ?? new Uint8Array(0);
  if (opts.length % 4 !== 0) throw new Error('frames: Geneve options must be a multiple of 4 bytes');
  const h = new Uint8Array(8 + opts.length);
  h[0] = opts.length / 4; // version 0, option length in 4-byte words
  be16(h, 2, 0x6558);
  be32(h, 4, ((t.vni ?? 42) << 8) >>> 0);
  h.set(opts, 8);
  return ipFrame(src, dst, 17, udpDatagram(src, dst, t.sport ?? 49152, 6081, concat([h, inner])), t);
}
