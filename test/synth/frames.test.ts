/**
 * The frame builders against tshark: fixtures/decode/synth.pcapng was written from cases.ts and
 * dissected once by tshark with every checksum check enabled (regen.test.ts has the command).
 * Expected values below are what the cases ask for (cases.ts), checked in tshark's output.
 */
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { parseIPv4 } from '../../src/decode/addr.js';
import { fragment, internetChecksum, ipPacket, tcpFrame, udpFrame } from '../../src/synth/frames.js';
import { INTERFACES, synthCases } from './cases.js';
import { readTsharkTsv } from './tshark.js';

const cases = synthCases();
const rows = readTsharkTsv('fixtures/decode/synth-tshark.tsv');
const row = (name: string) => {
  const i = cases.findIndex((c) => c.name === name);
  expect(i).toBeGreaterThanOrEqual(0);
  return rows[i];
};

describe('frame builders (checked by tshark)', () => {
  it('still build exactly the frames tshark checked', async () => {
    // Read back through the project's reader (not the writer's byte layout): frame i is case i, same link type.
    const reader = await openCapture('fixtures/decode/synth.pcapng');
    let i = 0;
    for (;;) {
      const r = reader.next();
      if (r === null) {
        if (!(await reader.fill())) break;
        continue;
      }
      const c = cases[i++];
      expect(Buffer.from(r.buf.subarray(r.offset, r.offset + r.capLen)).equals(Buffer.from(c.frame))).toBe(true);
      expect(r.linkType).toBe(INTERFACES[c.ifIndex].linkType);
    }
    await reader.close();
    expect(i).toBe(cases.length);
    expect(rows.length).toBe(cases.length);
  });

  it('every IPv4 header checksum is good (status 1) in tshark', () => {
    for (const r of rows) for (const s of r['ip.checksum.status'].split(',').filter(Boolean)) expect(s).toBe('1');
  });

  it('every TCP/UDP/ICMP checksum is good except where the case says bad or the segment is cut', () => {
    cases.forEach((c, i) => {
      const r = rows[i];
      const tcp = r['tcp.checksum.status'];
      if (c.badChecksum) expect(tcp).toBe('0');
      else if (c.name === 'icmp6 packet too big') expect(tcp).toBe('0'); // quoted segment truncated to 1232 bytes
      else if (tcp) expect(tcp).toBe('1');
      const udp = r['udp.checksum.status'];
      // 2 = unverified: tshark cannot check a fragment's checksum without reassembly (disabled).
      if (udp) expect(c.name.includes('fragment') ? '2' : '1').toBe(udp);
      for (const k of ['icmp.checksum.status', 'icmpv6.checksum.status', 'gre.checksum.status'])
        if (r[k]) expect(r[k]).toBe('1');
    });
  });

  it('TCP fields and options are what was asked for', () => {
    let r = row('tcp4 syn options');
    expect([r['ip.src'], r['ip.dst'], r['tcp.srcport'], r['tcp.dstport']]).toEqual(['10.0.0.1', '10.0.0.2', '40000', '80']);
    expect(r['tcp.seq_raw']).toBe(String(0xfffffff0));
    expect(r['tcp.flags']).toBe('0x0002');
    expect(r['tcp.window_size_value']).toBe('64240');
    expect(r['tcp.options.mss_val']).toBe('1460');
    expect(r['tcp.options.wscale.shift']).toBe('7');
    expect(r['tcp.options.timestamp.tsval']).toBe('12345');
    expect(r['tcp.options.sack_perm']).not.toBe('');
    expect(r['ip.flags.df']).toBe('1');
    expect(r['ip.id']).toBe('0x0000');
    r = row('tcp4 synack tfo vlan');
    expect(r['vlan.id']).toBe('100');
    expect(r['tcp.flags']).toBe('0x0012');
    expect(r['tcp.ack_raw']).toBe(String(0xfffffff1));
    expect(r['tcp.options.tfo.cookie']).toBe('0102030405060708');
    r = row('tcp4 data qinq');
    expect([r['ieee8021ad.id'], r['vlan.id']]).toEqual(['10', '20']);
    expect([r['tcp.flags'], r['tcp.len'], r['ip.len']]).toEqual(['0x0018', '100', '140']);
    r = row('tcp6 syn mptcp');
    expect([r['ipv6.src'], r['ipv6.dst'], r['tcp.options.mptcp.subtype'], r['tcp.options.wscale.shift']]).toEqual([
      '2001:db8::1', '2001:db8::2', '0', '14',
    ]);
    r = row('tcp6 ext chain');
    expect(r['frame.protocols']).toContain('ipv6.hopopts:ipv6.dstopts:ipv6.routing:tcp');
    expect(r['tcp.len']).toBe('33');
    r = row('tcp4 ip options');
    expect(r['ip.hdr_len']).toBe('32');
    r = row('tcp4 sack');
    expect([r['tcp.options.sack_le'], r['tcp.options.sack_re']]).toEqual(['100,300', '200,400']);
    expect([r['tcp.options.timestamp.tsval'], r['tcp.options.timestamp.tsecr']]).toEqual(['1', '2']);
    r = row('tcp4 rst');
    expect([r['tcp.flags'], r['tcp.window_size_value']]).toEqual(['0x0014', '0']);
  });

  it('UDP, ICMP, ARP, fragments and tunnels are what was asked for', () => {
    expect(row('udp4 dns')['udp.length']).toBe('38');
    expect(row('udp6')['udp.length']).toBe('25');
    expect(row('icmp unreachable')['tcp.srcport']).toBe('40004'); // tshark decoded the quoted SYN's ports
    expect(row('icmp6 packet too big')['icmpv6.mtu']).toBe('1280');
    expect(row('arp request')['arp.opcode']).toBe('1');
    // 3000 + 8 UDP bytes in 1480-byte pieces: offsets 0, 1480, 2960 bytes = 0, 185, 370 units of 8.
    expect(['0', '1', '2'].map((i) => row(`udp4 fragment ${i}`)['ip.frag_offset'])).toEqual(['0', '185', '370']);
    expect(['0', '1', '2'].map((i) => row(`udp4 fragment ${i}`)['ip.flags.mf'])).toEqual(['1', '1', '0']);
    // 2008 bytes in 1232-byte pieces: offsets 0 and 1232 (154 units of 8).
    expect(row('udp6 fragment 1')['ipv6.fraghdr.offset']).toBe('154');
    expect(row('udp6 fragment 0')['ipv6.fraghdr.ident']).toBe('0x00abcdef');
    expect(row('gre key seq')['gre.key']).toBe('0x00001234');
    expect(row('gre key seq')['gre.sequence_number']).toBe('9');
    expect(row('gre teb')['frame.protocols']).toBe('eth:ethertype:ip:gre:eth:ethertype:ip:tcp');
    expect(row('ipip')['ip.proto']).toBe('4,6');
    expect(row('6in4')['ipv6.src']).toBe('fd00::1');
    expect(row('4in6')['ipv6.nxt']).toBe('4');
    expect(row('vxlan')['vxlan.vni']).toBe('5000');
    expect(parseInt(row('geneve')['geneve.vni'], 16)).toBe(77);
    for (const c of ['gre key seq', 'ipip', 'vxlan', 'geneve', '4in6']) expect(row(c)['tcp.srcport']).toBe('33333');
  });

  it('every link type carries the packet tshark expects', () => {
    for (const itf of INTERFACES.slice(1)) {
      expect(row(`tcp4 on ${itf.link}`)['ip.src']).toBe('10.0.0.1');
      expect(row(`tcp6 on ${itf.link}`)['ipv6.src']).toBe('2001:db8::1');
    }
  });
});

describe('frame builders (hand-checked)', () => {
  it('RFC 1071 example: the checksum of 00 01 f2 03 f4 f5 f6 f7 is ~0xddf2', () => {
    // RFC 1071 §3 worked example: the one's-complement sum is 0xddf2.
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(~0xddf2 & 0xffff);
  });

  it('a header checksummed with its checksum field sums to zero', () => {
    const ip = ipPacket(tcpFrame({ src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2, seq: 3, flags: 'S' }));
    expect(internetChecksum(ip, 0, 20)).toBe(0);
  });

  it('urgent pointer in TCP bytes 18–19 (RFC 9293 §3.1)', () => {
    const f = tcpFrame({ src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2, seq: 3, flags: 'AU', urgent: 0x1234 });
    expect([f[14 + 20 + 18], f[14 + 20 + 19]]).toEqual([0x12, 0x34]);
  });

  it('a UDP checksum that computes to 0 is sent as 0xffff (RFC 768)', () => {
    // One's-complement sum written here independently of the builder: pseudo-header (src, dst, 0:17,
    // UDP length) + header (ports, length, checksum 0) + payload, folded.
    const sum16 = (words: number[]) => {
      let s = words.reduce((a, w) => a + w, 0);
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      return s;
    };
    // 1.2.3.4 → 5.6.7.8, ports 1 → 2, a 2-byte payload word w: length 10
    const fixed = [0x0102, 0x0304, 0x0506, 0x0708, 17, 10, 1, 2, 10];
    // choose w so that the sum is 0xffff, i.e. the checksum (its complement) is 0
    const w = 0xffff - sum16(fixed);
    expect(sum16([...fixed, w])).toBe(0xffff);
    const f = udpFrame({ src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2, payload: Uint8Array.of(w >> 8, w & 0xff) });
    expect([f[14 + 20 + 6], f[14 + 20 + 7]]).toEqual([0xff, 0xff]);
  });

  it('ipPacket strips Ethernet and VLAN tags', () => {
    const f = udpFrame({ src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2, vlan: [1, 2, 3] });
    const ip = ipPacket(f);
    expect(ip.length).toBe(f.length - 14 - 12);
    expect(ip[0]).toBe(0x45);
    expect(((ip[12] << 24) | (ip[13] << 16) | (ip[14] << 8) | ip[15]) >>> 0).toBe(parseIPv4('1.2.3.4'));
  });

  it('fragment of a frame that fits returns it unchanged apart from the flags', () => {
    const f = udpFrame({ src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2, payload: 10 });
    const parts = fragment(f, 1500);
    expect(parts.length).toBe(1);
    expect(Buffer.from(parts[0]).equals(Buffer.from(f))).toBe(true);
  });
});
