/**
 * Decode stage: RawRecord → Packet, in place, allocating nothing per packet.
 *
 * Reads the frame's bytes at their offsets (gopacket's DecodingLayerParser / smoltcp's wire
 * views): link layer → VLAN/MPLS/PPPoE → IPv4 / IPv6 (+ extension chain) → TCP / UDP / ICMP /
 * ICMPv6 / ARP, through GRE, IP-in-IP, VXLAN and Geneve tunnels to the innermost IP packet.
 * docs/decode.md describes what is decoded and what counts as malformed or truncated.
 *
 * Never throws for any bytes: every read is preceded by a bounds check against the captured end.
 */
import type { RawRecord } from '../capture/types.js';
import { Malformed, Packet, PacketKind } from './packet.js';

/** Values of Packet.tunnelKind. */
export const TunnelKind = { None: 0, GRE: 1, IPinIP: 2, VXLAN: 3, Geneve: 4 } as const;

/** Encapsulations removed at most; a deeper packet is left as OtherIp at the last level reached. */
export const MAX_TUNNEL_DEPTH = 4;
/** VLAN tags / MPLS labels / IPv6 extension headers walked at most. */
const MAX_TAGS = 8;
const MAX_EXT_HEADERS = 16;

/** Fragment table: direct-mapped slots (a collision replaces the older entry), entries expire. */
const FRAG_SLOTS = 4096;
/** Words of a slot: the key (FRAG_KEY_WORDS), then ports or ICMP type/code, then ICMP id/seq. */
const FRAG_WORDS = 12;
const FRAG_KEY_WORDS = 10;
/** Seconds of capture time after which a first fragment no longer attributes later ones (Linux ipfrag_time). */
export const FRAG_TIMEOUT = 30;

export interface DecoderOptions {
  /** Verify IPv4 header, TCP, UDP and ICMP checksums (default false: offloaded checksums in host captures are usually wrong). */
  verifyChecksums?: boolean;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_ARP = 0x0806;

export class Decoder {
  private readonly verify: boolean;
  // Fragment table: per slot [flags(ver<<8|proto|0x10000), id, s0..s3, d0..d3, word(ports or type/code)] + time.
  private readonly fragKeys = new Int32Array(FRAG_SLOTS * FRAG_WORDS);
  private readonly fragTime = new Float64Array(FRAG_SLOTS);
  private readonly fragKind = new Uint8Array(FRAG_SLOTS);
  private readonly fragKey = new Int32Array(FRAG_KEY_WORDS);

  // Per-call state (set at the start of decode; fields rather than arguments to keep calls short).
  private b: Uint8Array = new Uint8Array(0);
  private p: Packet = new Packet();
  /** End of the captured bytes of the frame. */
  private capEnd = 0;
  /** Frame bytes were cut by the snaplen. */
  private cut = false;
  /** Wire length minus captured length (bytes missing at the end of the frame). */
  private missing = 0;
  private tsSec = 0;

  constructor(opts: DecoderOptions = {}) {
    this.verify = opts.verifyChecksums ?? false;
  }

  /** Decode one frame into pkt, overwriting every field. Never throws. */
  decode(rec: RawRecord, pkt: Packet): void {
    resetAll(pkt);
    const b = rec.buf;
    this.b = b;
    this.p = pkt;
    let start = rec.offset;
    let capLen = rec.capLen;
    if (!(start >= 0)) start = 0;
    if (start > b.length) start = b.length;
    if (!(capLen >= 0)) capLen = 0;
    if (start + capLen > b.length) capLen = b.length - start;
    this.capEnd = start + capLen;
    const orig = rec.origLen > capLen ? rec.origLen : capLen;
    this.cut = orig > capLen;
    this.missing = orig - capLen;
    this.tsSec = rec.tsSec;
    const lt = rec.linkType;
    pkt.linkType = lt;
    try {
      this.link(lt, start);
    } catch {
      // Unreachable by construction (every read is bounds-checked); kept so a bug can never escape.
      pkt.kind = PacketKind.Malformed;
      pkt.malformed = Malformed.Link;
    }
    this.p = DUMMY;
    this.b = EMPTY;
  }

  // ------------------------------------------------------------------ link layer

  private link(lt: number, o: number): void {
    const b = this.b;
    const end = this.capEnd;
    switch (lt) {
      case 1: // Ethernet
        this.ether(o);
        return;
      case 101: // RAW
      case 12: // RAW on OpenBSD (DLT_RAW 14 on some, 12 on others)
      case 14:
        this.rawIp(o);
        return;
      case 228: // IPv4
        this.p.etherType = ETH_IPV4;
        this.ipv4(o, this.wireEnd());
        return;
      case 229: // IPv6
        this.p.etherType = ETH_IPV6;
        this.ipv6(o, this.wireEnd());
        return;
      case 0: // BSD loopback: AF in the capturing host's byte order
      case 108: {
        // OpenBSD loop: AF in network byte order
        if (end - o < 4) return this.linkShort();
        let af: number;
        if (lt === 108) af = be32(b, o);
        else {
          af = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          // libpcap's rule: a value with upper 16 bits set was written in the other byte order.
          if ((af & 0xffff0000) !== 0) af = be32(b, o);
        }
        o += 4;
        if (af === 2) {
          this.p.etherType = ETH_IPV4;
          this.ipv4(o, this.wireEnd());
        } else if (af === 24 || af === 28 || af === 30) {
          // AF_INET6: 24 NetBSD/OpenBSD/BSD/OS, 28 FreeBSD/DragonFly, 30 Darwin.
          this.p.etherType = ETH_IPV6;
          this.ipv6(o, this.wireEnd());
        } else this.p.kind = PacketKind.OtherLink;
        return;
      }
      case 113: {
        // Linux cooked v1: 16 bytes, protocol (EtherType) at 14.
        if (end - o < 16) return this.linkShort();
        const proto = be16(b, o + 14);
        const hatype = be16(b, o + 2);
        if (hatype === 778) return this.greProto(proto, o + 16, this.wireEnd()); // ARPHRD_IPGRE: GRE protocol type
        this.etherType(proto, o + 16);
        return;
      }
      case 276: {
        // Linux cooked v2: 20 bytes, protocol at 0.
        if (end - o < 20) return this.linkShort();
        const proto = be16(b, o);
        const hatype = be16(b, o + 8);
        if (hatype === 778) return this.greProto(proto, o + 20, this.wireEnd());
        this.etherType(proto, o + 20);
        return;
      }
      case 9: // PPP
      case 50: // PPP in HDLC-like framing
        this.ppp(o);
        return;
      default:
        this.p.kind = PacketKind.UnsupportedLink;
    }
  }

  /** Wire end of the frame: captured end plus the bytes the snaplen cut. */
  private wireEnd(): number {
    return this.capEnd + this.missing;
  }

  /**
   * A header cut short: truncated by the snaplen (the packet stays `cutKind`, the layers below
   * decoded), or malformed at `layer` when the frame was complete.
   */
  private short(cutKind: PacketKind, layer: Malformed): void {
    if (this.cut) {
      this.p.truncated = true;
      this.p.kind = cutKind;
    } else this.bad(layer);
  }

  /** A header whose fields contradict each other or the enclosing layer. */
  private bad(layer: Malformed): void {
    this.p.kind = PacketKind.Malformed;
    this.p.malformed = layer;
  }

  /** A link header shorter than its fixed size. */
  private linkShort(): void {
    this.short(PacketKind.OtherLink, Malformed.Link);
  }

  private ether(o: number): void {
    if (this.capEnd - o < 14) return this.linkShort();
    const et = be16(this.b, o + 12);
    if (et === ETH_IPV4) {
      // Fast path for the common case: untagged IPv4.
      this.p.etherType = ETH_IPV4;
      return this.ipv4(o + 14, this.wireEnd());
    }
    this.etherType(et, o + 14);
  }

  /** Dispatch on an EtherType at offset o (after the link header), walking VLAN tags first. */
  private etherType(et: number, o: number): void {
    const b = this.b;
    const p = this.p;
    const end = this.capEnd;
    let tags = 0;
    while (et === 0x8100 || et === 0x88a8 || et === 0x9100 || et === 0x9200) {
      if (end - o < 4) return this.linkShort();
      if (++tags > MAX_TAGS) return this.bad(Malformed.Link);
      if (p.tunnelDepth === 0) {
        const id = be16(b, o) & 0x0fff;
        if (p.vlanCount === 0) p.vlan0 = id;
        else if (p.vlanCount === 1) p.vlan1 = id;
        p.vlanCount++;
      }
      et = be16(b, o + 2);
      o += 4;
    }
    p.etherType = et;
    switch (et) {
      case ETH_IPV4:
        this.ipv4(o, this.wireEnd());
        return;
      case ETH_IPV6:
        this.ipv6(o, this.wireEnd());
        return;
      case ETH_ARP:
        this.arp(o);
        return;
      case 0x8864: {
        // PPPoE session (RFC 2516): 6-byte header, then the PPP protocol.
        if (end - o < 8) return this.linkShort();
        if (b[o] !== 0x11 || b[o + 1] !== 0) {
          p.kind = PacketKind.OtherLink;
          return;
        }
        this.pppProto(be16(b, o + 6), o + 8);
        return;
      }
      case 0x8847:
      case 0x8848:
      case 0x8909: {
        // MPLS label stack (RFC 3032) then IP by its version nibble; Cisco MetaData then an EtherType.
        const ip = this.peekPayload(et, o, this.wireEnd());
        return this.linkIp(ip);
      }
      case 0x88e5: {
        // MACsec (IEEE 802.1AE): SecTAG of 8 bytes with its EtherType (+8 SCI with the SC bit); integrity-only frames
        // (E bit clear) carry the original EtherType next, encrypted ones nothing we can read.
        if (end - o < 8) return this.linkShort();
        const tci = b[o];
        if ((tci & 0x08) !== 0) {
          p.kind = PacketKind.OtherLink;
          return;
        }
        const hl = (tci & 0x20) !== 0 ? 14 : 6; // TCI/AN, SL, PN (+ SCI); the EtherType 88e5 is behind us
        if (end - o < hl + 2) return this.linkShort();
        return this.linkIp(this.peekPayload(be16(b, o + hl), o + hl + 2, this.wireEnd()));
      }
      default:
        // 802.3 length field (≤ 1500) with LLC, or an EtherType carrying no IP.
        p.kind = PacketKind.OtherLink;
    }
  }

  /** The IP header found by peekPayload at the link level (−1: none / cut). */
  private linkIp(ip: number): void {
    const p = this.p;
    if (ip < 0) {
      if (this.cut) p.truncated = true;
      p.kind = PacketKind.OtherLink;
      return;
    }
    p.etherType = this.peekEt;
    if (this.peekEt === ETH_IPV4) this.ipv4(ip, this.wireEnd());
    else this.ipv6(ip, this.wireEnd());
  }

  private ppp(o: number): void {
    const b = this.b;
    if (this.capEnd - o < 2) return this.linkShort();
    if (b[o] === 0xff && b[o + 1] === 0x03) o += 2; // address and control
    if (this.capEnd - o < 1) return this.linkShort();
    // Protocol field: one byte when compressed (odd first byte, RFC 1661 §6.5), else two.
    if (b[o] & 1) return this.pppProto(b[o], o + 1);
    if (this.capEnd - o < 2) return this.linkShort();
    this.pppProto(be16(b, o), o + 2);
  }

  private pppProto(proto: number, o: number): void {
    if (proto === 0x0021) {
      this.p.etherType = ETH_IPV4;
      this.ipv4(o, this.wireEnd());
    } else if (proto === 0x0057) {
      this.p.etherType = ETH_IPV6;
      this.ipv6(o, this.wireEnd());
    } else if (proto === 0x0281 || proto === 0x0283) {
      // MPLS unicast / multicast (RFC 3032 §4.3).
      this.linkIp(this.peekPayload(0x8847, o, this.wireEnd()));
    } else this.p.kind = PacketKind.OtherLink;
  }

  private rawIp(o: number): void {
    if (this.capEnd - o < 1) return this.linkShort();
    const v = this.b[o] >> 4;
    if (v === 4) {
      this.p.etherType = ETH_IPV4;
      this.ipv4(o, this.wireEnd());
    } else if (v === 6) {
      this.p.etherType = ETH_IPV6;
      this.ipv6(o, this.wireEnd());
    } else this.bad(Malformed.Network);
  }

  private arp(o: number): void {
    const p = this.p;
    p.kind = PacketKind.Arp;
    if (this.capEnd - o < 8) return this.short(PacketKind.Arp, Malformed.Network);
    p.arpOp = be16(this.b, o + 6);
  }

  // ------------------------------------------------------------------ network layer

  private netShort(): void {
    this.short(PacketKind.OtherIp, Malformed.Network);
  }

  /**
   * IPv4 header at o; `limit` is where the enclosing layer ends on the wire (frame end or the outer
   * IP packet's end).
   */
  private ipv4(o: number, limit: number): void {
    const b = this.b;
    const p = this.p;
    const avail = this.capEnd - o;
    p.ipVersion = 4;
    p.ipOffset = o;
    if (avail < 20) return this.netShort();
    const vihl = b[o];
    if (vihl >> 4 !== 4) return this.bad(Malformed.Network);
    const ihl = (vihl & 0x0f) << 2;
    if (ihl < 20) return this.bad(Malformed.Network);
    let total = be16(b, o + 2);
    const wire = limit - o;
    // Total length 0: TCP segmentation offload on the capturing host; the frame is the packet (as Wireshark assumes).
    if (total === 0) total = wire;
    if (total < ihl || total > wire) return this.bad(Malformed.Network);
    p.ipHeaderLen = ihl;
    p.ipLen = total;
    p.ttl = b[o + 8];
    p.ipId = be16(b, o + 4);
    const proto = b[o + 9];
    p.ipProto = proto;
    p.src4 = be32(b, o + 12);
    p.dst4 = be32(b, o + 16);
    const ff = be16(b, o + 6);
    p.dontFragment = (ff & 0x4000) !== 0;
    const fragOff = (ff & 0x1fff) << 3;
    const more = (ff & 0x2000) !== 0;
    if (avail < ihl) return this.netShort(); // options cut
    if (this.verify && checksum(b, o, o + ihl, 0) !== 0) p.ipChecksumBad = true;
    const ipEnd = o + total;
    if (fragOff !== 0 || more) {
      p.isFragment = true;
      p.fragOffset = fragOff;
      p.moreFragments = more;
    }
    this.ipPayload(proto, o + ihl, ipEnd);
  }

  private ipv6(o: number, limit: number): void {
    const b = this.b;
    const p = this.p;
    const end = this.capEnd;
    p.ipVersion = 6;
    p.ipOffset = o;
    if (end - o < 40) return this.netShort();
    if (b[o] >> 4 !== 6) return this.bad(Malformed.Network);
    const plen = be16(b, o + 4);
    let nh = b[o + 6];
    const wire = limit - o;
    let total = 40 + plen;
    // Payload length 0 with a hop-by-hop header: a jumbogram (RFC 2675); take the frame's length.
    if (plen === 0 && nh === 0) total = wire;
    if (total > wire) return this.bad(Malformed.Network);
    p.ipLen = total;
    p.ttl = b[o + 7];
    const s = p.src6;
    const d = p.dst6;
    for (let i = 0; i < 16; i++) {
      s[i] = b[o + 8 + i];
      d[i] = b[o + 24 + i];
    }
    const ipEnd = o + total;
    let q = o + 40;
    // Extension header chain (RFC 8200 §4).
    for (let n = 0; ; n++) {
      if (n > MAX_EXT_HEADERS) return this.bad(Malformed.Network);
      let len: number;
      if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140) {
        if (ipEnd - q < 8) return this.bad(Malformed.Network);
        if (end - q < 2) return this.netShort6(nh, q, o);
        len = (b[q + 1] + 1) << 3;
      } else if (nh === 44) {
        len = 8;
        if (ipEnd - q < 8) return this.bad(Malformed.Network);
        if (end - q < 8) return this.netShort6(nh, q, o);
        const fo = be16(b, q + 2);
        const fragOff = fo & 0xfff8;
        const more = (fo & 1) !== 0;
        p.ipId = be32(b, q + 4);
        // An atomic fragment (offset 0, M clear, RFC 6946) is a whole packet.
        if (fragOff !== 0 || more) {
          p.isFragment = true;
          p.fragOffset = fragOff;
          p.moreFragments = more;
        }
      } else if (nh === 51) {
        if (ipEnd - q < 8) return this.bad(Malformed.Network);
        if (end - q < 2) return this.netShort6(nh, q, o);
        len = (b[q + 1] + 2) << 2;
      } else break;
      if (q + len > ipEnd) return this.bad(Malformed.Network);
      if (q + len > end) return this.netShort6(nh, q, o);
      nh = b[q];
      q += len;
    }
    p.ipProto = nh;
    p.ipHeaderLen = q - o;
    this.ipPayload(nh, q, ipEnd);
  }

  /** The IP payload at o: a later fragment goes through the fragment table, a first one fills it. */
  private ipPayload(proto: number, o: number, ipEnd: number): void {
    if (!this.p.isFragment) return this.transport(proto, o, ipEnd);
    if (this.p.fragOffset !== 0) return this.laterFragment(o, ipEnd);
    this.transport(proto, o, ipEnd);
    this.rememberFragment();
  }

  /** IPv6 extension chain cut by the snaplen: what was parsed is kept. */
  private netShort6(nh: number, q: number, o: number): void {
    this.p.ipProto = nh;
    this.p.ipHeaderLen = q - o;
    this.netShort();
  }

  // ------------------------------------------------------------------ fragments

  /** Slot of the current packet's (version, proto, src, dst, id) key, and whether it holds that key. */
  private fragSlot(): number {
    const p = this.p;
    let h = Math.imul(p.ipId ^ (p.ipProto << 24) ^ (p.ipVersion << 16), 0x9e3779b1);
    if (p.ipVersion === 4) {
      h = Math.imul(h ^ p.src4, 0x85ebca6b);
      h = Math.imul(h ^ p.dst4, 0xc2b2ae35);
    } else {
      for (let i = 0; i < 16; i += 4) {
        h = Math.imul(h ^ word(p.src6, i), 0x85ebca6b);
        h = Math.imul(h ^ word(p.dst6, i), 0xc2b2ae35);
      }
    }
    h ^= h >>> 15;
    return h & (FRAG_SLOTS - 1);
  }

  /** The current packet's fragment key in `fragKey` (words 0–9 of a slot): version/proto, id, src, dst. */
  private makeFragKey(): void {
    const p = this.p;
    const k = this.fragKey;
    k[0] = 0x10000 | (p.ipVersion << 8) | p.ipProto;
    k[1] = p.ipId | 0;
    if (p.ipVersion === 4) {
      k[2] = p.src4 | 0;
      k[6] = p.dst4 | 0;
      k[3] = k[4] = k[5] = k[7] = k[8] = k[9] = 0;
    } else {
      for (let i = 0; i < 4; i++) {
        k[2 + i] = word(p.src6, i << 2);
        k[6 + i] = word(p.dst6, i << 2);
      }
    }
  }

  private fragMatches(slot: number): boolean {
    this.makeFragKey();
    const k = this.fragKeys;
    const base = slot * FRAG_WORDS;
    for (let i = 0; i < FRAG_KEY_WORDS; i++) if (k[base + i] !== this.fragKey[i]) return false;
    return true;
  }

  /** First fragment decoded: remember its ports (or ICMP type/code) for the later fragments. */
  private rememberFragment(): void {
    const p = this.p;
    const kind = p.kind;
    if (kind !== PacketKind.Tcp && kind !== PacketKind.Udp && kind !== PacketKind.Icmp && kind !== PacketKind.Icmp6) return;
    const slot = this.fragSlot();
    const k = this.fragKeys;
    const base = slot * FRAG_WORDS;
    this.makeFragKey();
    k.set(this.fragKey, base);
    k[base + 10] = kind === PacketKind.Tcp || kind === PacketKind.Udp ? (p.srcPort << 16) | p.dstPort : (p.icmpType << 8) | p.icmpCode;
    k[base + 11] = (p.icmpId << 16) | p.icmpSeq;
    this.fragKind[slot] = kind;
    this.fragTime[slot] = this.tsSec;
  }

  /** A fragment with offset > 0: attributed through the table, else OtherIp. */
  private laterFragment(data: number, ipEnd: number): void {
    const p = this.p;
    p.l4Offset = data;
    p.payloadOffset = data;
    p.payloadLen = ipEnd - data;
    p.payloadCaptured = clampLen(this.capEnd, ipEnd, data);
    const slot = this.fragSlot();
    const age = this.tsSec - this.fragTime[slot];
    if (this.fragKind[slot] === 0 || !this.fragMatches(slot) || age > FRAG_TIMEOUT || age < -FRAG_TIMEOUT) {
      p.kind = PacketKind.OtherIp;
      return;
    }
    const kind = this.fragKind[slot];
    const w = this.fragKeys[slot * FRAG_WORDS + 10];
    p.kind = kind;
    if (kind === PacketKind.Tcp || kind === PacketKind.Udp) {
      p.srcPort = w >>> 16;
      p.dstPort = w & 0xffff;
    } else {
      p.icmpType = (w >>> 8) & 0xff;
      p.icmpCode = w & 0xff;
      const w2 = this.fragKeys[slot * FRAG_WORDS + 11];
      p.icmpId = w2 >>> 16;
      p.icmpSeq = w2 & 0xffff;
    }
    // The last fragment (MF clear) ends the datagram: free the slot.
    if (!p.moreFragments) this.fragKind[slot] = 0;
  }

  // ------------------------------------------------------------------ transport layer

  private transport(proto: number, o: number, ipEnd: number): void {
    switch (proto) {
      case 6:
        return this.tcp(o, ipEnd);
      case 17:
        return this.udp(o, ipEnd);
      case 1:
        return this.icmp(o, ipEnd, false);
      case 58:
        return this.icmp(o, ipEnd, true);
      case 4:
      case 41:
        if (this.p.isFragment) break;
        return this.tunnelIp(proto === 4, o, ipEnd, TunnelKind.IPinIP);
      case 47:
        if (this.p.isFragment) break;
        return this.gre(o, ipEnd);
      case 143:
        // Ethernet in IPv6 (SRv6 L2 services, RFC 8986).
        if (this.p.isFragment) break;
        return this.innerIp(this.peekEther(o, ipEnd), ipEnd, TunnelKind.IPinIP, o);
    }
    const p = this.p;
    p.kind = PacketKind.OtherIp;
    p.l4Offset = o;
    p.payloadOffset = o;
    p.payloadLen = ipEnd - o;
    p.payloadCaptured = clampLen(this.capEnd, ipEnd, o);
  }

  private l4Short(): void {
    this.short(PacketKind.OtherIp, Malformed.Transport);
  }

  private tcp(o: number, ipEnd: number): void {
    const b = this.b;
    const p = this.p;
    const end = this.capEnd;
    p.l4Offset = o;
    const segLen = ipEnd - o;
    if (segLen < 20) return this.bad(Malformed.Transport);
    const avail = end - o;
    if (avail < 4) return this.l4Short();
    p.srcPort = be16(b, o);
    p.dstPort = be16(b, o + 2);
    if (avail < 20) return this.l4Short();
    const hl = (b[o + 12] >> 4) << 2;
    if (hl < 20 || hl > segLen) return this.bad(Malformed.Transport);
    p.seq = be32(b, o + 4);
    p.ack = be32(b, o + 8);
    p.flags = b[o + 13] | ((b[o + 12] & 1) << 8);
    p.window = be16(b, o + 14);
    p.urgent = be16(b, o + 18);
    p.tcpHeaderLen = hl;
    // Options cut by the snaplen: the payload starts past the captured bytes; point at their end.
    p.payloadOffset = o + hl <= end ? o + hl : end;
    p.payloadLen = segLen - hl;
    p.payloadCaptured = clampLen(end, ipEnd, o + hl);
    p.kind = PacketKind.Tcp;
    if (hl > 20) {
      if (avail < hl) p.truncated = true; // options cut by the snaplen: parse what is there
      this.tcpOptions(o + 20, avail < hl ? end : o + hl);
    }
    if (this.verify && end >= ipEnd && !p.isFragment) {
      if (this.l4Checksum(6, o, ipEnd) !== 0) p.tcpChecksumBad = true;
    }
  }

  /** TCP options in [q, e) (RFC 9293 §3.1, RFC 7323, RFC 2018, RFC 7413, RFC 8684). */
  private tcpOptions(q: number, e: number): void {
    const b = this.b;
    const p = this.p;
    while (q < e) {
      const kind = b[q];
      if (kind === 0) return; // end of option list
      if (kind === 1) {
        q++;
        continue;
      }
      if (q + 1 >= e) return;
      const len = b[q + 1];
      if (len < 2 || q + len > e) return; // malformed length: stop parsing, keep the packet
      switch (kind) {
        case 2:
          if (len === 4) p.optMss = be16(b, q + 2);
          break;
        case 3:
          if (len === 3) p.optWscale = b[q + 2];
          break;
        case 4:
          if (len === 2) p.optSackPermitted = true;
          break;
        case 5: {
          let n = (len - 2) >> 3;
          if (n > 4) n = 4;
          const sack = p.optSack;
          for (let i = 0; i < n; i++) {
            sack[2 * i] = be32(b, q + 2 + 8 * i);
            sack[2 * i + 1] = be32(b, q + 6 + 8 * i);
          }
          p.optSackCount = n;
          break;
        }
        case 8:
          if (len === 10) {
            p.optHasTimestamp = true;
            p.optTsVal = be32(b, q + 2);
            p.optTsEcr = be32(b, q + 6);
          }
          break;
        case 34:
          p.optTfo = true;
          break;
        case 254:
          // Experimental option with the TFO magic 0xF989 (RFC 6994 / RFC 7413 §4.1.1 before 34 was assigned).
          if (len >= 4 && b[q + 2] === 0xf9 && b[q + 3] === 0x89) p.optTfo = true;
          break;
        case 30:
          p.optMptcp = true;
          break;
      }
      q += len;
    }
  }

  private udp(o: number, ipEnd: number): void {
    const b = this.b;
    const p = this.p;
    const end = this.capEnd;
    p.l4Offset = o;
    const segLen = ipEnd - o;
    if (segLen < 8) return this.bad(Malformed.Transport);
    if (end - o < 8) {
      if (end - o >= 4) {
        p.srcPort = be16(b, o);
        p.dstPort = be16(b, o + 2);
      }
      return this.l4Short();
    }
    const sport = be16(b, o);
    const dport = be16(b, o + 2);
    const ulen = be16(b, o + 4);
    p.srcPort = sport;
    p.dstPort = dport;
    p.udpLen = ulen;
    let dataEnd = ipEnd;
    if (!p.isFragment) {
      // The UDP length must fit in the IP payload (0 is allowed over IPv6 jumbograms only: RFC 2675).
      if (ulen === 0 && p.ipVersion === 6) dataEnd = ipEnd;
      else if (ulen < 8 || ulen > segLen) return this.bad(Malformed.Transport);
      else dataEnd = o + ulen;
    }
    p.payloadOffset = o + 8;
    p.payloadLen = dataEnd - o - 8;
    p.payloadCaptured = clampLen(end, dataEnd, o + 8);
    p.kind = PacketKind.Udp;
    if (this.verify && end >= dataEnd && !p.isFragment) {
      const cs = be16(b, o + 6);
      if (!(cs === 0 && p.ipVersion === 4) && this.l4Checksum(17, o, dataEnd) !== 0) p.l4ChecksumBad = true;
    }
    if (p.isFragment) return;
    // Tunnels over UDP (by destination port): VXLAN (RFC 7348) and Geneve (RFC 8926).
    if (dport === 4789) this.vxlan(o + 8, dataEnd);
    else if (dport === 6081) this.geneve(o + 8, dataEnd);
  }

  private icmp(o: number, ipEnd: number, v6: boolean): void {
    const b = this.b;
    const p = this.p;
    const end = this.capEnd;
    p.l4Offset = o;
    const segLen = ipEnd - o;
    if (segLen < 8) return this.bad(Malformed.Transport);
    if (end - o < 8) {
      if (end - o >= 2) {
        p.icmpType = b[o];
        p.icmpCode = b[o + 1];
      }
      return this.l4Short();
    }
    const type = b[o];
    p.icmpType = type;
    p.icmpCode = b[o + 1];
    p.kind = v6 ? PacketKind.Icmp6 : PacketKind.Icmp;
    p.payloadOffset = o + 8;
    p.payloadLen = segLen - 8;
    p.payloadCaptured = clampLen(end, ipEnd, o + 8);
    if (this.verify && end >= ipEnd && !p.isFragment) {
      const cs = v6 ? this.l4Checksum(58, o, ipEnd) : checksum(b, o, ipEnd, 0);
      if (cs !== 0) p.l4ChecksumBad = true;
    }
    if (v6 ? type === 128 || type === 129 : type === 0 || type === 8) {
      p.icmpId = be16(b, o + 4);
      p.icmpSeq = be16(b, o + 6);
      return;
    }
    // Error messages quoting the offending packet: v4 unreachable 3, source quench 4, redirect 5,
    // time exceeded 11, parameter problem 12; v6 unreachable 1, too big 2, time exceeded 3, parameter problem 4.
    const err = v6 ? type >= 1 && type <= 4 : type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
    if (err && !p.isFragment) this.quoted(o + 8, end < ipEnd ? end : ipEnd);
  }

  /** The IP header (+ first transport bytes) an ICMP error quotes, in [o, e). */
  private quoted(o: number, e: number): void {
    const b = this.b;
    const p = this.p;
    if (e - o < 1) return;
    const v = b[o] >> 4;
    let proto: number;
    let l4: number;
    if (v === 4) {
      if (e - o < 20) return;
      const ihl = (b[o] & 0x0f) << 2;
      if (ihl < 20) return;
      proto = b[o + 9];
      p.quotedSrc4 = be32(b, o + 12);
      p.quotedDst4 = be32(b, o + 16);
      l4 = o + ihl;
      // A quoted non-first fragment has no transport header.
      if ((be16(b, o + 6) & 0x1fff) !== 0) l4 = e;
    } else if (v === 6) {
      if (e - o < 40) return;
      const s = p.quotedSrc6;
      const d = p.quotedDst6;
      for (let i = 0; i < 16; i++) {
        s[i] = b[o + 8 + i];
        d[i] = b[o + 24 + i];
      }
      proto = b[o + 6];
      l4 = o + 40;
      for (let n = 0; n < MAX_EXT_HEADERS && l4 + 8 <= e; n++) {
        if (proto === 0 || proto === 43 || proto === 60) {
          const len = (b[l4 + 1] + 1) << 3;
          proto = b[l4];
          l4 += len;
        } else if (proto === 44) {
          if ((be16(b, l4 + 2) & 0xfff8) !== 0) {
            proto = b[l4];
            l4 = e;
            break;
          }
          proto = b[l4];
          l4 += 8;
        } else if (proto === 51) {
          const len = (b[l4 + 1] + 2) << 2;
          proto = b[l4];
          l4 += len;
        } else break;
      }
    } else return;
    p.quotedValid = true;
    p.quotedIpVersion = v;
    p.quotedProto = proto;
    // TCP, UDP, SCTP, UDP-Lite: ports in the first 4 bytes.
    if ((proto === 6 || proto === 17 || proto === 132 || proto === 136) && l4 + 4 <= e) {
      p.quotedSrcPort = be16(b, l4);
      p.quotedDstPort = be16(b, l4 + 2);
    }
  }

  // ------------------------------------------------------------------ tunnels

  /** Enter one more encapsulation; false when the depth bound is reached (the packet stays as it is). */
  private enterTunnel(kind: number): boolean {
    const p = this.p;
    if (p.tunnelDepth >= MAX_TUNNEL_DEPTH) return false;
    if (p.tunnelDepth === 0) p.tunnelKind = kind;
    p.tunnelDepth++;
    resetNet(p);
    return true;
  }

  private tunnelIp(v4: boolean, o: number, ipEnd: number, kind: number): void {
    if (!this.enterTunnel(kind)) return this.otherIp(o, ipEnd);
    this.p.etherType = v4 ? ETH_IPV4 : ETH_IPV6;
    if (v4) this.ipv4(o, ipEnd);
    else this.ipv6(o, ipEnd);
  }

  private otherIp(o: number, ipEnd: number): void {
    const p = this.p;
    p.kind = PacketKind.OtherIp;
    p.l4Offset = o;
    p.payloadOffset = o;
    p.payloadLen = ipEnd - o;
    p.payloadCaptured = clampLen(this.capEnd, ipEnd, o);
  }

  /** GRE (RFC 2784, RFC 2890 key and sequence number). */
  private gre(o: number, ipEnd: number): void {
    const b = this.b;
    const end = this.capEnd;
    if (ipEnd - o < 4) return this.bad(Malformed.Transport);
    if (end - o < 4) return this.l4Short();
    const f = b[o];
    const ver = b[o + 1] & 7;
    if (ver !== 0 || (f & 0x40) !== 0) return this.otherIp(o, ipEnd); // PPTP enhanced GRE, source routing
    const hl = 4 + ((f & 0x80) !== 0 ? 4 : 0) + ((f & 0x20) !== 0 ? 4 : 0) + ((f & 0x10) !== 0 ? 4 : 0);
    if (ipEnd - o < hl) return this.bad(Malformed.Transport);
    if (end - o < hl) return this.l4Short();
    const proto = be16(b, o + 2);
    let inner = o + hl;
    if (proto === 0x88be) {
      // ERSPAN type II (GRE sequence number present): 8-byte header, then Ethernet;
      // type I (no sequence number): the Ethernet frame directly (as Wireshark tells them apart).
      inner = this.peekEther(inner + ((f & 0x10) !== 0 ? 8 : 0), ipEnd);
    } else if (proto === 0x22eb) {
      // ERSPAN type III: 12 bytes, + 8 when the O bit (platform-specific subheader) is set.
      inner = end - inner >= 12 ? this.peekEther(inner + 12 + ((b[inner + 11] & 1) !== 0 ? 8 : 0), ipEnd) : -1;
    } else if (proto === 0x883e) {
      // WCCP redirect: a 4-byte redirect header unless the IP header follows directly (Wireshark's test).
      if (end - inner >= 1 && b[inner] >> 4 !== 4) inner += 4;
      this.peekEt = ETH_IPV4;
    } else if (proto === 0x8909) {
      // Cisco MetaData in GRE: EtherType of the payload first, then version, length, options, SGT (8 bytes).
      inner = end - inner >= 8 && ipEnd - inner >= 8 ? this.peekPayload(be16(b, inner), inner + 8, ipEnd) : -1;
    } else inner = this.peekPayload(proto, inner, ipEnd);
    // Only an inner IP packet replaces the outer one (NHRP, keepalives, STP over ERSPAN … stay OtherIp).
    this.innerIp(inner, ipEnd, TunnelKind.GRE, o);
  }

  /**
   * Offset of the IP header carried as EtherType `et` at o (through Ethernet, MPLS and Cisco
   * metadata), with this.peekEt set to its EtherType; −1 when cut short or not found.
   */
  private peekPayload(et: number, o: number, limit: number): number {
    const b = this.b;
    const end = this.capEnd;
    for (let n = 0; n < MAX_TAGS; n++) {
      switch (et) {
        case ETH_IPV4:
        case ETH_IPV6:
          this.peekEt = et;
          return o;
        case 0x6558:
          o = this.peekEther(o, limit);
          if (o < 0) return -1;
          et = this.peekEt;
          break;
        case 0x8847:
        case 0x8848: {
          o = this.mplsEnd(o, limit);
          if (o < 0 || end - o < 1) return -1;
          const v = b[o] >> 4;
          et = v === 4 ? ETH_IPV4 : v === 6 ? ETH_IPV6 : 0;
          break;
        }
        case 0x8909:
          // Cisco MetaData: 8 bytes (version, length, option type, SGT), the EtherType last.
          if (end - o < 8 || limit - o < 8) return -1;
          et = be16(b, o + 6);
          o += 8;
          break;
        default:
          this.peekEt = et;
          return -1;
      }
    }
    return -1;
  }

  /** Offset after an MPLS label stack (RFC 3032) at o, or −1 when cut short or too deep. */
  private mplsEnd(o: number, limit: number): number {
    const b = this.b;
    for (let i = 0; i < MAX_TAGS; i++) {
      if (this.capEnd - o < 4 || limit - o < 4) return -1;
      const bos = b[o + 2] & 1;
      o += 4;
      if (bos) return o;
    }
    return -1;
  }

  /** Set by peekEther: the EtherType found after the inner Ethernet header and its tags. */
  private peekEt = 0;

  /** Offset of the network header of an inner Ethernet frame at o (tags skipped), or −1 if cut or bogus. */
  private peekEther(o: number, limit: number): number {
    const b = this.b;
    const end = this.capEnd;
    if (limit - o < 14 || end - o < 14) return -1;
    let et = be16(b, o + 12);
    o += 14;
    for (let i = 0; et === 0x8100 || et === 0x88a8 || et === 0x9100; i++) {
      if (i >= MAX_TAGS || limit - o < 4 || end - o < 4) return -1;
      et = be16(b, o + 2);
      o += 4;
    }
    this.peekEt = et;
    return o;
  }

  /**
   * Descend into the IP packet at `inner` (EtherType this.peekEt) of a tunnel whose own header
   * started at `outerL4`; when there is none (or the depth bound is reached) the outer packet stays
   * what the Packet describes (OtherIp, or Udp for VXLAN/Geneve).
   */
  private innerIp(inner: number, limit: number, kind: number, outerL4: number): void {
    const et = this.peekEt;
    const p = this.p;
    if (inner < 0 || (et !== ETH_IPV4 && et !== ETH_IPV6) || p.tunnelDepth >= MAX_TUNNEL_DEPTH) {
      // The inner headers were cut by the snaplen: say so (the outer packet is still described).
      if (inner < 0 && this.cut && limit > this.capEnd) p.truncated = true;
      if (kind === TunnelKind.GRE || kind === TunnelKind.IPinIP) this.otherIp(outerL4, limit);
      return;
    }
    this.enterTunnel(kind);
    p.etherType = et;
    if (et === ETH_IPV4) this.ipv4(inner, limit);
    else this.ipv6(inner, limit);
  }

  /** Linux cooked capture of a GRE device (ARPHRD_IPGRE): the protocol field is GRE's. */
  private greProto(proto: number, o: number, limit: number): void {
    this.p.etherType = proto;
    if (proto === ETH_IPV4) this.ipv4(o, limit);
    else if (proto === ETH_IPV6) this.ipv6(o, limit);
    else this.p.kind = PacketKind.OtherLink;
  }

  private vxlan(o: number, dataEnd: number): void {
    const b = this.b;
    // 8-byte header; the I flag (0x08) must be set for a valid VNI.
    if (dataEnd - o < 8 || this.capEnd - o < 8) return;
    if ((b[o] & 0x08) === 0) return;
    this.innerIp(this.peekEther(o + 8, dataEnd), dataEnd, TunnelKind.VXLAN, 0);
  }

  private geneve(o: number, dataEnd: number): void {
    const b = this.b;
    if (dataEnd - o < 8 || this.capEnd - o < 8) return;
    if (b[o] >> 6 !== 0) return; // version 0 only
    const hl = 8 + ((b[o] & 0x3f) << 2);
    const proto = be16(b, o + 2);
    if (dataEnd - o < hl) return;
    let inner = o + hl;
    if (proto === 0x6558) inner = this.peekEther(inner, dataEnd);
    else this.peekEt = proto;
    this.innerIp(inner, dataEnd, TunnelKind.Geneve, 0);
  }

  // ------------------------------------------------------------------ checksums

  /** One's-complement check of a TCP/UDP/ICMPv6 segment in [o, e) with its pseudo-header; 0 = good. */
  private l4Checksum(proto: number, o: number, e: number): number {
    const p = this.p;
    const len = e - o;
    let s: number;
    if (p.ipVersion === 4) {
      s = (p.src4 >>> 16) + (p.src4 & 0xffff) + (p.dst4 >>> 16) + (p.dst4 & 0xffff) + proto + len;
    } else {
      s = proto + (len >>> 16) + (len & 0xffff);
      const a = p.src6;
      const d = p.dst6;
      for (let i = 0; i < 16; i += 2) s += ((a[i] << 8) | a[i + 1]) + ((d[i] << 8) | d[i + 1]);
    }
    return checksum(this.b, o, e, s);
  }
}

// ------------------------------------------------------------------ helpers

const EMPTY = new Uint8Array(0);
const DUMMY = new Packet();

function be16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** 32-bit word of a 16-byte address, as a signed int (for Int32Array keys). */
function word(a: Uint8Array, i: number): number {
  return (a[i] << 24) | (a[i + 1] << 16) | (a[i + 2] << 8) | a[i + 3];
}

/** Bytes of [from, min(capEnd, dataEnd)) present, never negative. */
function clampLen(capEnd: number, dataEnd: number, from: number): number {
  const e = capEnd < dataEnd ? capEnd : dataEnd;
  return e > from ? e - from : 0;
}

/** Internet checksum over [o, e) plus an initial sum; returns the folded complement (0 when the data checks). */
function checksum(b: Uint8Array, o: number, e: number, s: number): number {
  let i = o;
  for (; i + 1 < e; i += 2) {
    s += (b[i] << 8) | b[i + 1];
    if (s > 0x3fffffff) s = (s & 0xffff) + (s >>> 16);
  }
  if (i < e) s += b[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Network and transport fields: reset for every packet and again when entering a tunnel. */
function resetNet(p: Packet): void {
  if (p.ipVersion === 6) {
    p.src6.fill(0);
    p.dst6.fill(0);
  }
  p.kind = PacketKind.OtherIp;
  p.malformed = Malformed.None;
  p.ipVersion = 0;
  p.src4 = 0;
  p.dst4 = 0;
  p.ipOffset = 0;
  p.ipHeaderLen = 0;
  p.ipLen = 0;
  p.ttl = 0;
  p.ipId = 0;
  p.ipProto = 0;
  p.isFragment = false;
  p.fragOffset = 0;
  p.moreFragments = false;
  p.ipChecksumBad = false;
  p.dontFragment = false;
  p.srcPort = 0;
  p.dstPort = 0;
  p.l4Offset = 0;
  p.payloadLen = 0;
  p.payloadCaptured = 0;
  p.payloadOffset = 0;
  p.seq = 0;
  p.ack = 0;
  p.flags = 0;
  p.window = 0;
  p.tcpHeaderLen = 0;
  p.urgent = 0;
  p.tcpChecksumBad = false;
  p.l4ChecksumBad = false;
  p.optMss = -1;
  p.optWscale = -1;
  p.optSackPermitted = false;
  p.optHasTimestamp = false;
  p.optTsVal = 0;
  p.optTsEcr = 0;
  if (p.optSackCount !== 0) {
    p.optSack.fill(0);
    p.optSackCount = 0;
  }
  p.optTfo = false;
  p.optMptcp = false;
  p.udpLen = 0;
  p.icmpType = 0;
  p.icmpCode = 0;
  p.icmpId = 0;
  p.icmpSeq = 0;
  if (p.quotedValid) {
    p.quotedSrc6.fill(0);
    p.quotedDst6.fill(0);
  }
  p.quotedValid = false;
  p.quotedIpVersion = 0;
  p.quotedProto = 0;
  p.quotedSrc4 = 0;
  p.quotedDst4 = 0;
  p.quotedSrcPort = 0;
  p.quotedDstPort = 0;
  p.arpOp = 0;
}

function resetAll(p: Packet): void {
  resetNet(p);
  p.kind = PacketKind.UnsupportedLink;
  p.truncated = false;
  p.linkType = 0;
  p.etherType = 0;
  p.vlanCount = 0;
  p.vlan0 = 0;
  p.vlan1 = 0;
  p.tunnelDepth = 0;
  p.tunnelKind = 0;
}
