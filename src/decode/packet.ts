/**
 * Decode stage output: one reusable, fixed-shape view of a decoded frame.
 *
 * The decoder overwrites a single Packet for every frame (gopacket's DecodingLayerParser idea):
 * every field is initialised in the constructor so V8 keeps one hidden class, variable parts live
 * in preallocated typed arrays, and addresses are numbers (IPv4) or copies into fixed 16-byte
 * arrays (IPv6). Nothing here is allocated per packet.
 *
 * Lengths: `ipLen` and `payloadLen` come from the IP header (the original packet), not from the
 * captured length, so a frame cut short by a snaplen still counts its real payload.
 */

/** Where decoding stopped because the bytes were wrong (counted per layer, never thrown). */
export enum Malformed {
  None = 0,
  Link = 1,
  Network = 2,
  Transport = 3,
}

/** TCP flag bits as on the wire (byte 13, plus NS from byte 12 in bit 8). */
export enum TcpFlag {
  FIN = 0x01,
  SYN = 0x02,
  RST = 0x04,
  PSH = 0x08,
  ACK = 0x10,
  URG = 0x20,
  ECE = 0x40,
  CWR = 0x80,
  NS = 0x100,
}

/** TCP flag names in Wireshark's order (bit order: FIN SYN RST PSH ACK URG ECE CWR). */
const TCP_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.CWR, 'CWR'],
];

/** Flag names joined by commas (e.g. `SYN,ACK`), or `none` when no flag is set. Not for the hot path. */
export function tcpFlagNames(flags: number, none: string): string {
  let s = '';
  for (const [bit, name] of TCP_FLAG_NAMES) if (flags & bit) s += (s ? ',' : '') + name;
  return s || none;
}

/** IP protocol numbers the pipeline dispatches on. */
export enum IpProto {
  ICMP = 1,
  IPIP = 4,
  TCP = 6,
  UDP = 17,
  IPV6 = 41,
  GRE = 47,
  ICMPV6 = 58,
}

/** What the frame turned out to be at the top layer decoded. */
export enum PacketKind {
  /** Link type not supported: counted per link type in the summary. */
  UnsupportedLink = 0,
  /** A link-layer frame that carries no IP (802.3/LLC, STP, LLDP, unknown EtherType …). */
  OtherLink = 1,
  Arp = 2,
  /** IP, but a transport we do not track (or a non-first fragment we could not attribute). */
  OtherIp = 3,
  Tcp = 4,
  Udp = 5,
  Icmp = 6,
  Icmp6 = 7,
  /** Malformed at layer `malformed`. */
  Malformed = 8,
}

export class Packet {
  kind: PacketKind = PacketKind.UnsupportedLink;
  malformed: Malformed = Malformed.None;
  /** True when capLen < origLen cut into a header we needed (what was present is decoded). */
  truncated = false;

  // ---- link ----
  linkType = 0;
  /** EtherType (or equivalent) of the network layer, 0 when none. */
  etherType = 0;
  /** Number of VLAN tags (802.1Q / 802.1ad), and the first two ids (outer first). */
  vlanCount = 0;
  vlan0 = 0;
  vlan1 = 0;

  // ---- tunnels: the fields below describe the innermost IP packet ----
  /** 0 = no tunnel; else number of encapsulations removed. */
  tunnelDepth = 0;
  /** Outermost tunnel kind: 0 none, 1 GRE, 2 IP-in-IP / 6in4 / 4in6, 3 VXLAN, 4 Geneve. */
  tunnelKind = 0;

  // ---- network ----
  /** 0 none, 4, 6. */
  ipVersion = 0;
  /** IPv4 addresses as unsigned 32-bit numbers (host order: 10.0.0.1 = 0x0a000001). */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses, copied (valid when ipVersion === 6). */
  readonly src6 = new Uint8Array(16);
  readonly dst6 = new Uint8Array(16);
  /** Offset of the (innermost) IP header in the record's buffer. */
  ipOffset = 0;
  /** IP header length including IPv6 extension headers. */
  ipHeaderLen = 0;
  /** Total IP packet length from the header (IPv4 total length; IPv6 40 + payload length). */
  ipLen = 0;
  ttl = 0;
  /** IPv4 identification, or the IPv6 fragment header's identification. */
  ipId = 0;
  /** Final transport protocol number (after the IPv6 extension chain). */
  ipProto = 0;
  /** Fragment: offset in bytes, more-fragments flag, and whether this is a fragment at all. */
  isFragment = false;
  fragOffset = 0;
  moreFragments = false;
  /** IPv4 header checksum is wrong (only checked when fully captured). */
  ipChecksumBad = false;
  /** IPv4 Don't Fragment bit. */
  dontFragment = false;

  // ---- transport (ports are valid for TCP and UDP, and for a non-first fragment attributed by IP id) ----
  srcPort = 0;
  dstPort = 0;
  /** Offset of the transport header in the record's buffer. */
  l4Offset = 0;
  /** Transport payload length from the IP header (original), and how much of it was captured. */
  payloadLen = 0;
  payloadCaptured = 0;
  payloadOffset = 0;

  // ---- TCP ----
  seq = 0; // uint32
  ack = 0; // uint32
  flags = 0; // TcpFlag bits
  /** Raw window field (unscaled). */
  window = 0;
  /** Header length in bytes (data offset × 4). */
  tcpHeaderLen = 0;
  urgent = 0;
  /** TCP checksum verified wrong (only checked when the segment was fully captured). */
  tcpChecksumBad = false;
  /** UDP / ICMP / ICMPv6 checksum verified wrong (same conditions; a UDP checksum of 0 over IPv4 means none). */
  l4ChecksumBad = false;
  // options (−1 / false when absent)
  optMss = -1;
  optWscale = -1;
  optSackPermitted = false;
  optHasTimestamp = false;
  optTsVal = 0;
  optTsEcr = 0;
  /** Number of SACK blocks (0–4) in `optSack` as [left0, right0, left1, right1, …]. */
  optSackCount = 0;
  readonly optSack = new Uint32Array(8);
  /** TCP Fast Open option present (cookie request or cookie). */
  optTfo = false;
  /** MPTCP option present (recognised, not analysed). */
  optMptcp = false;

  // ---- UDP ----
  /** UDP length field. */
  udpLen = 0;

  // ---- ICMP / ICMPv6 ----
  icmpType = 0;
  icmpCode = 0;
  /** Echo request/reply (ICMP 0/8, ICMPv6 128/129) identifier and sequence number; 0 otherwise. */
  icmpId = 0;
  icmpSeq = 0;
  /** An ICMP error quoting an IP header + 8 bytes: the flow it is about (as sent by the quoted sender). */
  quotedValid = false;
  quotedIpVersion = 0;
  quotedProto = 0;
  quotedSrc4 = 0;
  quotedDst4 = 0;
  readonly quotedSrc6 = new Uint8Array(16);
  readonly quotedDst6 = new Uint8Array(16);
  quotedSrcPort = 0;
  quotedDstPort = 0;

  // ---- ARP ----
  arpOp = 0;
}
