/**
 * Decoder, layer by layer, on frames written by hand (test/decode/bytes.ts). Every expected value is
 * read off the bytes written there (field positions from the RFC cited), not from the decoder.
 */
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6 } from '../../src/decode/addr.js';
import { Decoder, MAX_TUNNEL_DEPTH, TunnelKind } from '../../src/decode/decoder.js';
import { Malformed, Packet, PacketKind, TcpFlag } from '../../src/decode/packet.js';
import { fragment, greFrame, ipPacket, tcpFrame, udpFrame, vxlanFrame } from '../../src/synth/frames.js';
import { cat, ETH, hex, IP6_EXT_TCP, IP_TCP_SYN, IP_UDP_WIKI } from './bytes.js';
import { decodeFrame, recordOf, snapshot } from './helpers.js';

const SYN = cat(ETH('0800'), IP_TCP_SYN);

function expectSyn(p: Packet, ipOffset: number) {
  expect(p.kind).toBe(PacketKind.Tcp);
  expect(p.malformed).toBe(Malformed.None);
  expect(p.ipVersion).toBe(4);
  expect(formatIPv4(p.src4)).toBe('192.168.0.104');
  expect(formatIPv4(p.dst4)).toBe('192.168.0.1');
  expect(p.ipOffset).toBe(ipOffset);
  expect([p.ipHeaderLen, p.ipLen, p.ttl, p.ipId, p.ipProto, p.dontFragment]).toEqual([20, 60, 64, 0x1c46, 6, true]);
  expect([p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.tcpHeaderLen]).toEqual([49153, 80, 0x12345678, 0, TcpFlag.SYN, 64240, 40]);
  expect([p.optMss, p.optWscale, p.optSackPermitted, p.optHasTimestamp, p.optTsVal, p.optTsEcr]).toEqual([1460, 7, true, true, 12345, 0]);
  expect([p.payloadLen, p.payloadCaptured, p.l4Offset, p.payloadOffset]).toEqual([0, 0, ipOffset + 20, ipOffset + 60]);
  expect([p.optSackCount, p.optTfo, p.optMptcp, p.truncated]).toEqual([0, false, false, false]);
}

describe('link layers', () => {
  it('Ethernet II', () => {
    const p = decodeFrame(SYN, 1);
    expectSyn(p, 7 + 14); // records are placed at offset 7 (helpers.recordOf)
    expect([p.linkType, p.etherType, p.vlanCount]).toEqual([1, 0x0800, 0]);
  });

  it('802.1Q, 802.1ad + 802.1Q (QinQ), and three tags (ids kept for the first two)', () => {
    let p = decodeFrame(cat(hex('001122334455 66778899aabb 8100 2064'), hex('0800'), IP_TCP_SYN)); // PCP 1, VID 100
    expectSyn(p, 7 + 18);
    expect([p.vlanCount, p.vlan0]).toEqual([1, 100]);
    p = decodeFrame(cat(hex('001122334455 66778899aabb 88a8 000a 8100 0014 0800'), IP_TCP_SYN));
    expectSyn(p, 7 + 22);
    expect([p.vlanCount, p.vlan0, p.vlan1]).toEqual([2, 10, 20]);
    p = decodeFrame(cat(hex('001122334455 66778899aabb 9100 0001 88a8 0002 8100 0fff 0800'), IP_TCP_SYN));
    expectSyn(p, 7 + 26);
    expect([p.vlanCount, p.vlan0, p.vlan1]).toEqual([3, 1, 2]);
  });

  it('802.3 length field with LLC/SNAP is OtherLink, as are unknown EtherTypes', () => {
    const llc = hex('0180c2000000 66778899aabb 0026 424203 0000 00'); // STP BPDU: length 38, LLC 42 42 03
    expect(decodeFrame(llc).kind).toBe(PacketKind.OtherLink);
    expect(decodeFrame(cat(ETH('88cc'), new Uint8Array(30))).kind).toBe(PacketKind.OtherLink); // LLDP
  });

  it('Linux cooked v1 (113) and v2 (276)', () => {
    // SLL: packet type 0 (to us), ARPHRD 1, address length 6, address + 2 pad, protocol 0x0800.
    const sll = cat(hex('0000 0001 0006 66778899aabb 0000 0800'), IP_TCP_SYN);
    expectSyn(decodeFrame(sll, 113), 7 + 16);
    // SLL2: protocol 0x0800, reserved, ifindex 2, ARPHRD 1, packet type 4 (outgoing), address length 6, address.
    const sll2 = cat(hex('0800 0000 00000002 0001 04 06 66778899aabb 0000'), IP_TCP_SYN);
    expectSyn(decodeFrame(sll2, 276), 7 + 20);
    // SLL with a VLAN-tagged protocol field
    const sllVlan = cat(hex('0000 0001 0006 66778899aabb 0000 8100'), hex('0007 0800'), IP_TCP_SYN);
    const p = decodeFrame(sllVlan, 113);
    expectSyn(p, 7 + 20);
    expect(p.vlan0).toBe(7);
  });

  it('raw IP: 101, 12, 14 (version nibble), 228 (IPv4), 229 (IPv6)', () => {
    for (const lt of [101, 12, 14, 228]) expectSyn(decodeFrame(IP_TCP_SYN, lt), 7);
    for (const lt of [101, 12, 14, 229]) {
      const p = decodeFrame(IP6_EXT_TCP, lt);
      expect([p.kind, p.ipVersion]).toEqual([PacketKind.Tcp, 6]);
    }
    const bad = IP_TCP_SYN.slice();
    bad[0] = 0x55; // version 5
    expect([decodeFrame(bad, 101).kind, decodeFrame(bad, 101).malformed]).toEqual([PacketKind.Malformed, Malformed.Network]);
  });

  it('BSD null (0): AF in either byte order, AF_INET6 as 24, 28 and 30', () => {
    expectSyn(decodeFrame(cat(hex('02000000'), IP_TCP_SYN), 0), 7 + 4); // little-endian AF_INET
    expectSyn(decodeFrame(cat(hex('00000002'), IP_TCP_SYN), 0), 7 + 4); // big-endian AF_INET
    for (const af of ['18000000', '1c000000', '1e000000', '0000001e']) {
      const p = decodeFrame(cat(hex(af), IP6_EXT_TCP), 0);
      expect([p.kind, p.ipVersion, p.etherType]).toEqual([PacketKind.Tcp, 6, 0x86dd]);
    }
    expect(decodeFrame(cat(hex('07000000'), IP_TCP_SYN), 0).kind).toBe(PacketKind.OtherLink); // AF_ISO
  });

  it('OpenBSD loop (108): AF in network byte order', () => {
    expectSyn(decodeFrame(cat(hex('00000002'), IP_TCP_SYN), 108), 7 + 4);
    expect(decodeFrame(cat(hex('00000018'), IP6_EXT_TCP), 108).ipVersion).toBe(6);
  });

  it('PPP (9) with and without address/control, compressed protocol field; PPPoE; MPLS', () => {
    expectSyn(decodeFrame(cat(hex('ff03 0021'), IP_TCP_SYN), 9), 7 + 4);
    expectSyn(decodeFrame(cat(hex('0021'), IP_TCP_SYN), 9), 7 + 2);
    expectSyn(decodeFrame(cat(hex('21'), IP_TCP_SYN), 50), 7 + 1); // protocol compressed to one byte (RFC 1661 §6.5)
    expect(decodeFrame(cat(hex('ff03 c021'), new Uint8Array(10)), 9).kind).toBe(PacketKind.OtherLink); // LCP
    // PPPoE session: ver/type 0x11, code 0, session 0x1234, length 62, PPP protocol 0x0021
    expectSyn(decodeFrame(cat(ETH('8864'), hex('1100 1234 003e 0021'), IP_TCP_SYN)), 7 + 22);
    // MPLS: two labels (the second with bottom-of-stack), then IPv4
    expectSyn(decodeFrame(cat(ETH('8847'), hex('00010040 000211ff'), IP_TCP_SYN)), 7 + 22);
  });

  it('an unsupported link type is UnsupportedLink, not malformed', () => {
    const p = decodeFrame(SYN, 147);
    expect([p.kind, p.malformed, p.linkType]).toEqual([PacketKind.UnsupportedLink, Malformed.None, 147]);
  });
});

describe('IPv4', () => {
  it("Wikipedia's checksum example decodes, and verifies when asked", () => {
    const f = cat(ETH('0800'), IP_UDP_WIKI);
    const p = decodeFrame(f, 1, { verify: true });
    expect([p.kind, formatIPv4(p.src4), formatIPv4(p.dst4), p.ipLen, p.ipChecksumBad]).toEqual([PacketKind.Udp, '192.168.0.1', '192.168.0.199', 115, false]);
    expect([p.srcPort, p.dstPort, p.udpLen, p.payloadLen, p.l4ChecksumBad]).toEqual([1025, 53, 95, 87, false]); // UDP checksum 0 = none
    const bad = f.slice();
    bad[14 + 10] ^= 1;
    expect(decodeFrame(bad, 1, { verify: true }).ipChecksumBad).toBe(true);
    expect(decodeFrame(bad, 1).ipChecksumBad).toBe(false); // not checked by default
  });

  it('options: IHL 8 with a Record Route option', () => {
    const ip = hex(`
      48 00 00 34  00 01 00 00  40 06 00 00  0a 00 00 01  0a 00 00 02
      07 0b 04 00 00 00 00 00 00 00 00 00   # record route (11 bytes) + EOL
      04 d2 00 16  00 00 00 01  00 00 00 00  50 02 04 00  00 00 00 00  # TCP 1234 → 22 SYN
    `);
    const p = decodeFrame(cat(ETH('0800'), ip));
    expect([p.kind, p.ipHeaderLen, p.l4Offset, p.srcPort, p.dstPort, p.seq]).toEqual([PacketKind.Tcp, 32, 7 + 14 + 32, 1234, 22, 1]);
  });

  it('Ethernet padding after a short IP packet is ignored (lengths from the IP header)', () => {
    const p = decodeFrame(cat(SYN, new Uint8Array(20)));
    expectSyn(p, 21);
  });

  it('total length 0 (TSO on the capturing host) takes the frame length', () => {
    const f = SYN.slice();
    f[14 + 2] = 0;
    f[14 + 3] = 0;
    const p = decodeFrame(cat(f, new Uint8Array(100)));
    expect([p.kind, p.ipLen, p.payloadLen]).toEqual([PacketKind.Tcp, 160, 100]);
  });

  it('impossible lengths are malformed at the network layer', () => {
    const mut = (i: number, v: number) => {
      const f = SYN.slice();
      f[14 + i] = v;
      return decodeFrame(f);
    };
    expect([mut(0, 0x44).kind, mut(0, 0x44).malformed]).toEqual([PacketKind.Malformed, Malformed.Network]);
    expect(mut(3, 0x10).malformed).toBe(Malformed.Network); // total length 16 < IHL
    expect(mut(3, 0x3d).malformed).toBe(Malformed.Network); // total 61 > the 60 bytes on the wire
    expect(mut(2, 0x01).malformed).toBe(Malformed.Network); // total 316
    // IHL 15 (60 bytes) = total length: no room for TCP → the transport is malformed
    expect(mut(0, 0x4f).malformed).toBe(Malformed.Transport);
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop, destination options, routing, fragment (atomic) and AH to TCP', () => {
    const p = decodeFrame(cat(ETH('86dd'), IP6_EXT_TCP));
    expect([p.kind, p.ipVersion, p.ipProto, p.ipHeaderLen, p.ipLen, p.ttl]).toEqual([PacketKind.Tcp, 6, 6, 40 + 48, 108, 64]);
    expect([formatIPv6(p.src6), formatIPv6(p.dst6)]).toEqual(['2001:db8::1', '2001:db8::2']);
    expect([p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window]).toEqual([443, 54321, 100, 200, TcpFlag.ACK, 256]);
    expect([p.isFragment, p.ipId]).toEqual([false, 0xdeadbeef]); // atomic fragment (RFC 6946) is not a fragment
  });

  it('ESP and No Next Header stop the chain: OtherIp', () => {
    const esp = IP6_EXT_TCP.slice(0, 40 + 8 + 20);
    esp[5] = 28;
    esp[40] = 50; // HBH → ESP
    let p = decodeFrame(cat(ETH('86dd'), esp));
    expect([p.kind, p.ipProto, p.ipHeaderLen]).toEqual([PacketKind.OtherIp, 50, 48]);
    esp[40] = 59;
    p = decodeFrame(cat(ETH('86dd'), esp));
    expect([p.kind, p.ipProto]).toEqual([PacketKind.OtherIp, 59]);
  });

  it('payload length 0 with a hop-by-hop header is a jumbogram (RFC 2675): the frame gives the length', () => {
    const ip6 = hex(`
      60 00 00 00  00 00 00 40                       # payload length 0, next header 0 (HBH)
      20010db8000000000000000000000001 20010db8000000000000000000000002
      06 00 c2 04 00 00 00 1c                        # HBH: next 6, Jumbo Payload option, length 28 (8 + 20)
      c001 0050 00000001 00000000 5010 ffff 0000 0000 # TCP ACK, 20 bytes
    `);
    const p = decodeFrame(cat(ETH('86dd'), ip6));
    expect([p.kind, p.malformed, p.ipLen, p.ipHeaderLen, p.srcPort, p.dstPort, p.payloadLen]).toEqual([PacketKind.Tcp, Malformed.None, 68, 48, 49153, 80, 0]);
  });

  it('an extension header running past the payload length is malformed', () => {
    const f = IP6_EXT_TCP.slice();
    f[41] = 20; // HBH length 20 → 168 bytes
    const p = decodeFrame(cat(ETH('86dd'), f));
    expect([p.kind, p.malformed]).toEqual([PacketKind.Malformed, Malformed.Network]);
    const g = IP6_EXT_TCP.slice();
    g[5] = 0x50; // payload length 80 > 68 present
    expect(decodeFrame(cat(ETH('86dd'), g)).malformed).toBe(Malformed.Network);
  });
});

describe('TCP', () => {
  it('options: unknown kinds skipped by length, SACK blocks, TFO (34 and 254/F989), MPTCP', () => {
    const tcp = (opts: string) => {
      const o = hex(opts);
      const hl = 20 + o.length;
      const ip = hex(`45 00 00 ${(20 + hl).toString(16).padStart(2, '0')} 00 00 00 00 40 06 00 00 0a000001 0a000002`);
      const h = hex(`1f90 0050 00000001 00000002 ${((hl / 4) << 4).toString(16)}10 0100 0000 0000`);
      return decodeFrame(cat(ETH('0800'), ip, h, o));
    };
    let p = tcp('fd 06 01 02 03 04   05 12 00000064 000000c8 0000012c 00000190  01 01'); // unknown 253 (6 bytes), SACK 2 blocks
    expect([p.kind, p.optSackCount, ...p.optSack.slice(0, 4)]).toEqual([PacketKind.Tcp, 2, 100, 200, 300, 400]);
    p = tcp('05 22 00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008  0101'); // 4 blocks
    expect([p.optSackCount, p.optSack[6], p.optSack[7]]).toEqual([4, 7, 8]);
    p = tcp('22 0a 0102030405060708 0000'); // TFO cookie
    expect(p.optTfo).toBe(true);
    p = tcp('fe 04 f9 89'); // experimental TFO, cookie request
    expect(p.optTfo).toBe(true);
    p = tcp('fe 04 12 34'); // another experiment
    expect(p.optTfo).toBe(false);
    p = tcp('1e 0c 00 81 0102030405060708'); // MPTCP MP_CAPABLE
    expect(p.optMptcp).toBe(true);
  });

  it('a malformed option length stops option parsing but keeps the segment', () => {
    const base = (opts: string) => {
      const o = hex(opts);
      const hl = 20 + o.length;
      const ip = hex(`45 00 00 ${(20 + hl).toString(16).padStart(2, '0')} 00 00 00 00 40 06 00 00 0a000001 0a000002`);
      return decodeFrame(cat(ETH('0800'), ip, hex(`1f90 0050 00000001 00000002 ${((hl / 4) << 4).toString(16)}02 0100 0000 0000`), o));
    };
    let p = base('02 04 05 b4  08 01 00 00  03 03 07 00'); // timestamps with length 1: stop before the window scale
    expect([p.kind, p.optMss, p.optWscale, p.optHasTimestamp]).toEqual([PacketKind.Tcp, 1460, -1, false]);
    p = base('02 04 05 b4  03 09 07 00'); // window scale with a length past the header
    expect([p.kind, p.optMss, p.optWscale]).toEqual([PacketKind.Tcp, 1460, -1]);
    p = base('00 00 00 00  02 04 05 b4'); // EOL first: nothing after it is read
    expect(p.optMss).toBe(-1);
  });

  it('data offset under 5 words or past the segment is malformed transport', () => {
    const f = SYN.slice();
    f[14 + 32] = 0x40; // data offset 4
    expect([decodeFrame(f).kind, decodeFrame(f).malformed]).toEqual([PacketKind.Malformed, Malformed.Transport]);
    f[14 + 32] = 0xb0; // 44 bytes > 40 in the segment
    expect(decodeFrame(f).malformed).toBe(Malformed.Transport);
  });

  it('urgent pointer from bytes 18–19 (RFC 9293 §3.1), not the checksum before it', () => {
    // checksum bytes 16–17 set to 0xdddd by hand so a read two bytes early would show it
    const seg = hex('c001 0050 00000001 00000000 5020 ffff dddd 0123');
    const ip = hex('45 00 00 28 0000 0000 40 06 0000 0a000001 0a000002');
    const p = decodeFrame(cat(ETH('0800'), ip, seg));
    expect([p.kind, p.flags, p.urgent]).toEqual([PacketKind.Tcp, TcpFlag.URG, 0x0123]);
  });

  it('a window-scale option of the wrong length (RFC 7323 §2.2: length 3) is ignored, as a short MSS one', () => {
    const seg = (opts: string) => {
      const o = hex(opts);
      const hl = 20 + o.length;
      return cat(hex(`45 00 00 ${(20 + hl).toString(16).padStart(2, '0')} 0000 0000 40 06 0000 0a000001 0a000002`),
        hex(`c001 0050 00000001 00000000 ${(hl / 4).toString(16)}002 ffff 0000 0000`), o);
    };
    const good = decodeFrame(cat(ETH('0800'), seg('030307 00')));
    expect([good.kind, good.optWscale]).toEqual([PacketKind.Tcp, 7]);
    const long = decodeFrame(cat(ETH('0800'), seg('03040700'))); // length 4: bogus
    expect([long.kind, long.optWscale]).toEqual([PacketKind.Tcp, -1]); // -1: no option (packet.ts default)
    const mss = decodeFrame(cat(ETH('0800'), seg('020305 00'))); // MSS of length 3
    expect([mss.kind, mss.optMss]).toEqual([PacketKind.Tcp, -1]);
  });

  it('NS flag and every flag bit', () => {
    const f = SYN.slice();
    f[14 + 32] = 0xa1; // NS
    f[14 + 33] = 0xff;
    expect(decodeFrame(f).flags).toBe(0x1ff);
  });

  it('checksums verified only when asked; the synthetic bad checksum is caught', () => {
    const good = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 3, flags: 'PA', payload: 33 });
    const bad = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 3, flags: 'PA', payload: 33, badChecksum: true });
    expect(decodeFrame(good, 1, { verify: true }).tcpChecksumBad).toBe(false);
    expect(decodeFrame(bad, 1, { verify: true }).tcpChecksumBad).toBe(true);
    expect(decodeFrame(bad, 1).tcpChecksumBad).toBe(false);
    const good6 = tcpFrame({ src: '::1', dst: '::2', sport: 1, dport: 2, seq: 3, flags: 'A', payload: 7 });
    expect(decodeFrame(good6, 1, { verify: true }).tcpChecksumBad).toBe(false);
    const u = udpFrame({ src: '::1', dst: '::2', sport: 1, dport: 2, payload: 9, badChecksum: true });
    expect(decodeFrame(u, 1, { verify: true }).l4ChecksumBad).toBe(true);
  });
});

describe('UDP', () => {
  it('length under 8 or past the IP payload is malformed transport', () => {
    const f = cat(ETH('0800'), IP_UDP_WIKI);
    f[14 + 20 + 5] = 7;
    expect(decodeFrame(f).malformed).toBe(Malformed.Transport);
    f[14 + 20 + 5] = 96; // 96 > 95 bytes of IP payload
    expect(decodeFrame(f).malformed).toBe(Malformed.Transport);
    f[14 + 20 + 5] = 50; // shorter than the IP payload: the UDP length rules
    expect([decodeFrame(f).kind, decodeFrame(f).payloadLen]).toEqual([PacketKind.Udp, 42]);
  });
});

describe('ICMP', () => {
  it('unreachable quoting a UDP datagram: the quoted flow (RFC 792)', () => {
    const quoted = IP_UDP_WIKI.slice(0, 28);
    const icmp = hex('03 03 0000 00000000');
    const ip = hex('45 00 00 38 00 00 00 00 40 01 00 00 c0 a8 00 c7 c0 a8 00 01');
    const p = decodeFrame(cat(ETH('0800'), ip, icmp, quoted));
    expect([p.kind, p.icmpType, p.icmpCode, p.quotedValid, p.quotedIpVersion, p.quotedProto]).toEqual([PacketKind.Icmp, 3, 3, true, 4, 17]);
    expect([formatIPv4(p.quotedSrc4), formatIPv4(p.quotedDst4), p.quotedSrcPort, p.quotedDstPort]).toEqual(['192.168.0.1', '192.168.0.199', 1025, 53]);
  });

  it('a quoted non-first fragment has no ports (its first bytes are data, RFC 791 §3.2)', () => {
    const quoted = IP_UDP_WIKI.slice(0, 28);
    quoted[6] = 0x00; // flags/offset 0x0010: offset 16 × 8 bytes; the "ports" 1025 → 53 are then payload
    quoted[7] = 0x10;
    const icmp = hex('03 03 0000 00000000');
    const ip = hex('45 00 00 38 00 00 00 00 40 01 00 00 c0 a8 00 c7 c0 a8 00 01');
    const p = decodeFrame(cat(ETH('0800'), ip, icmp, quoted));
    expect([p.quotedValid, p.quotedProto, p.quotedSrcPort, p.quotedDstPort]).toEqual([true, 17, 0, 0]);
  });

  it('echo request: id and sequence, no quote', () => {
    const ip = hex('45 00 00 1c 00 00 00 00 40 01 00 00 0a000001 0a000002');
    const p = decodeFrame(cat(ETH('0800'), ip, hex('08 00 0000 1234 0007')));
    expect([p.kind, p.icmpType, p.icmpId, p.icmpSeq, p.quotedValid]).toEqual([PacketKind.Icmp, 8, 0x1234, 7, false]);
  });

  it('ICMPv6 packet too big quoting an IPv6 packet with extension headers (RFC 4443 §3.2)', () => {
    const quoted = IP6_EXT_TCP.slice(0, 40 + 48 + 8);
    const icmp = cat(hex('02 00 0000 000004d8'), quoted); // MTU 1240
    const ip = hex(`60000000 ${icmp.length.toString(16).padStart(4, '0')} 3a 40 20010db8000000000000000000000002 20010db8000000000000000000000001`);
    const p = decodeFrame(cat(ETH('86dd'), ip, icmp));
    expect([p.kind, p.icmpType, p.quotedValid, p.quotedIpVersion, p.quotedProto]).toEqual([PacketKind.Icmp6, 2, true, 6, 6]);
    expect([formatIPv6(p.quotedSrc6), p.quotedSrcPort, p.quotedDstPort]).toEqual(['2001:db8::1', 443, 54321]);
  });

  it('under 8 bytes is malformed transport', () => {
    const ip = hex('45 00 00 1a 00 00 00 00 40 01 00 00 0a000001 0a000002');
    expect(decodeFrame(cat(ETH('0800'), ip, hex('0800 0000 0000'))).malformed).toBe(Malformed.Transport);
  });
});

describe('ARP', () => {
  it('request and reply operation (RFC 826)', () => {
    const arp = (op: string) => hex(`0001 0800 06 04 ${op} 66778899aabb 0a000001 000000000000 0a000002`);
    expect([decodeFrame(cat(ETH('0806'), arp('0001'))).kind, decodeFrame(cat(ETH('0806'), arp('0001'))).arpOp]).toEqual([PacketKind.Arp, 1]);
    expect(decodeFrame(cat(ETH('0806'), arp('0002'))).arpOp).toBe(2);
  });
});

describe('fragments', () => {
  const big = (id: number) => udpFrame({ src: '10.1.1.1', dst: '10.2.2.2', sport: 7000, dport: 7001, payload: 3000, ipId: id });

  it('later fragments take the ports of the first by (src, dst, proto, id)', () => {
    const d = new Decoder();
    const parts = fragment(big(77), 1000);
    expect(parts.length).toBe(4); // 3008 bytes in 976-byte pieces
    const got = parts.map((f) => {
      const p = decodeFrame(f, 1, { decoder: d });
      return [p.kind, p.srcPort, p.dstPort, p.isFragment, p.fragOffset, p.moreFragments, p.payloadLen, p.seq];
    });
    expect(got).toEqual([
      [PacketKind.Udp, 7000, 7001, true, 0, true, 968, 0],
      [PacketKind.Udp, 7000, 7001, true, 976, true, 976, 0],
      [PacketKind.Udp, 7000, 7001, true, 1952, true, 976, 0],
      [PacketKind.Udp, 7000, 7001, true, 2928, false, 80, 0],
    ]);
  });

  it('a later fragment before the first, another id, or after 30 s is not attributed', () => {
    const d = new Decoder();
    const a = fragment(big(1), 1000);
    const b = fragment(big(2), 1000);
    expect(decodeFrame(a[1], 1, { decoder: d }).kind).toBe(PacketKind.OtherIp);
    decodeFrame(a[0], 1, { decoder: d });
    expect(decodeFrame(b[1], 1, { decoder: d }).kind).toBe(PacketKind.OtherIp);
    const late = recordOf(a[2]);
    late.tsSec += 31;
    const p = new Packet();
    d.decode(late, p);
    expect([p.kind, p.isFragment, p.fragOffset]).toEqual([PacketKind.OtherIp, true, 1952]);
  });

  it('the key includes the destination, and a later fragment 31 s before the first is not attributed either', () => {
    const d = new Decoder();
    const toOther = udpFrame({ src: '10.1.1.1', dst: '10.9.9.9', sport: 7000, dport: 7001, payload: 3000, ipId: 5 });
    decodeFrame(fragment(toOther, 1000)[0], 1, { decoder: d });
    // same src, proto and id, another destination: another datagram (RFC 791 §3.2)
    expect(decodeFrame(fragment(big(5), 1000)[1], 1, { decoder: d }).kind).toBe(PacketKind.OtherIp);
    // The table is direct-mapped (4096 slots): among 20 000 other destinations some share the first
    // fragment's slot, and only the key comparison keeps them apart.
    const later = fragment(toOther, 1000)[1]; // MF set: does not free the slot
    let attributed = 0;
    for (let i = 1; i <= 20_000; i++) {
      later[14 + 18] = i >> 8; // destination address bytes 3–4 (IPv4 header bytes 16–19)
      later[14 + 19] = i & 0xff;
      if (i === 0x0909) continue; // 10.9.9.9 itself
      if (decodeFrame(later, 1, { decoder: d }).kind !== PacketKind.OtherIp) attributed++;
    }
    expect(attributed).toBe(0);
    const a = fragment(big(6), 1000);
    decodeFrame(a[0], 1, { decoder: d });
    const early = recordOf(a[1]);
    early.tsSec -= 31;
    const p = new Packet();
    d.decode(early, p);
    expect(p.kind).toBe(PacketKind.OtherIp);
  });

  it('the last fragment (MF clear) ends the datagram: a fragment of it after that is not attributed', () => {
    const d = new Decoder();
    const a = fragment(big(8), 1000);
    decodeFrame(a[0], 1, { decoder: d });
    expect(decodeFrame(a[3], 1, { decoder: d }).kind).toBe(PacketKind.Udp);
    expect(decodeFrame(a[1], 1, { decoder: d }).kind).toBe(PacketKind.OtherIp);
  });

  it('offset fields decoded to the bit: IPv4 13 bits × 8 (RFC 791), IPv6 13 bits above M (RFC 8200 §4.5)', () => {
    // IPv4: flags/offset 0x1fff → offset 8191 × 8 = 65528, MF clear
    const v4 = cat(ETH('0800'), hex('45 00 00 1c 0001 1fff 40 11 0000 0a000001 0a000002'), hex('0000 0000 0000 0000'));
    expect([decodeFrame(v4).isFragment, decodeFrame(v4).fragOffset, decodeFrame(v4).moreFragments]).toEqual([true, 65528, false]);
    // IPv6 fragment header offset/flags 0x0019: offset field 3 → 24 bytes, M set
    const v6 = cat(ETH('86dd'), hex(`60000000 0010 2c 40 20010db8000000000000000000000001 20010db8000000000000000000000002
      11 00 0019 0000abcd  0000000000000000`));
    const p = decodeFrame(v6);
    expect([p.isFragment, p.fragOffset, p.moreFragments, p.ipId, p.ipProto]).toEqual([true, 24, true, 0xabcd, 17]);
  });

  it('TCP first fragment carries the header, later ones get the ports and zero TCP fields', () => {
    const d = new Decoder();
    const t = tcpFrame({ src: '10.1.1.1', dst: '10.2.2.2', sport: 5555, dport: 80, seq: 1000, ack: 5, flags: 'PA', payload: 2000 });
    const [f0, f1] = fragment(t, 1500);
    const p0 = decodeFrame(f0, 1, { decoder: d });
    expect([p0.kind, p0.seq, p0.flags, p0.payloadLen]).toEqual([PacketKind.Tcp, 1000, TcpFlag.PSH | TcpFlag.ACK, 1480 - 20]);
    const p1 = decodeFrame(f1, 1, { decoder: d });
    expect([p1.kind, p1.srcPort, p1.dstPort, p1.seq, p1.ack, p1.flags, p1.payloadLen]).toEqual([PacketKind.Tcp, 5555, 80, 0, 0, 0, 2020 - 1480]);
  });
});

describe('tunnels', () => {
  const inner = tcpFrame({ src: '172.16.0.1', dst: '172.16.0.2', sport: 1, dport: 2, seq: 3, flags: 'S' });
  it('GRE inside GRE: depth 2, kind of the outermost', () => {
    const p = decodeFrame(greFrame(greFrame(inner, { key: 1 }), { outerSrc: '2001:db8::1', outerDst: '2001:db8::2' }));
    expect([p.kind, p.tunnelDepth, p.tunnelKind, formatIPv4(p.src4), p.srcPort]).toEqual([PacketKind.Tcp, 2, TunnelKind.GRE, '172.16.0.1', 1]);
  });

  it(`nesting is bounded at ${MAX_TUNNEL_DEPTH}`, () => {
    let f = inner;
    for (let i = 0; i < MAX_TUNNEL_DEPTH + 2; i++) f = greFrame(f);
    const p = decodeFrame(f);
    expect([p.tunnelDepth, p.kind, p.ipProto]).toEqual([MAX_TUNNEL_DEPTH, PacketKind.OtherIp, 47]);
  });

  it('GRE carrying something that is not IP stays the outer packet', () => {
    const ip = hex('45 00 00 20 00 00 00 00 40 2f 00 00 0a000001 0a000002');
    const p = decodeFrame(cat(ETH('0800'), ip, hex('0000 2001'), new Uint8Array(8))); // NHRP
    expect([p.kind, p.tunnelDepth, formatIPv4(p.src4), p.ipProto]).toEqual([PacketKind.OtherIp, 0, '10.0.0.1', 47]);
  });

  it('VXLAN without the I flag (RFC 7348 §5: VNI not valid) is not entered', () => {
    const v = vxlanFrame(inner);
    expect([decodeFrame(v).tunnelDepth, decodeFrame(v).tunnelKind, decodeFrame(v).srcPort]).toEqual([1, TunnelKind.VXLAN, 1]);
    v[14 + 20 + 8] = 0x00; // the flags byte of the VXLAN header after Ethernet, IPv4 and UDP headers
    const p = decodeFrame(v);
    expect([p.kind, p.tunnelDepth, p.dstPort]).toEqual([PacketKind.Udp, 0, 4789]);
  });

  it('ipPacket of a tunnel frame quotes the outer header', () => {
    expect(ipPacket(greFrame(inner))[9]).toBe(47);
  });
});

describe('reuse', () => {
  it('every field is overwritten: an ARP after a full TCP/IPv6 packet looks like a fresh decode', () => {
    const d = new Decoder();
    const p = new Packet();
    const t6 = tcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', sport: 1, dport: 2, seq: 3, flags: 'S', vlan: [5, 6],
      options: { mss: 1, wscale: 2, sackPerm: true, ts: [1, 2], sack: [[1, 2]], tfo: true, mptcp: true } });
    d.decode(recordOf(t6), p);
    expect([p.optSackCount, p.vlanCount, p.ipVersion]).toEqual([1, 2, 6]); // it decoded fully
    const arp = cat(ETH('0806'), hex('0001 0800 06 04 0001 66778899aabb 0a000001 000000000000 0a000002'));
    d.decode(recordOf(arp), p);
    expect(snapshot(p)).toEqual(snapshot(decodeFrame(arp)));
  });
});
