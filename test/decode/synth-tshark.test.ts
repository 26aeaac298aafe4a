/**
 * Decoding the frames of test/synth/cases.ts, compared field by field with tshark's dissection of the
 * same bytes (fixtures/decode/synth-tshark.tsv; command in test/synth/regen.test.ts). Where tshark
 * shows several values (tunnels, ICMP quotes) the innermost / the quoted packet's is meant.
 */
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6 } from '../../src/decode/addr.js';
import { Decoder, TunnelKind } from '../../src/decode/decoder.js';
import { Packet, PacketKind } from '../../src/decode/packet.js';
import { INTERFACES, synthCases } from '../synth/cases.js';
import { readTsharkTsv } from '../synth/tshark.js';
import { recordOf } from './helpers.js';

const cases = synthCases();
const rows = readTsharkTsv('fixtures/decode/synth-tshark.tsv');
const last = (s: string) => (s === '' ? '' : s.split(',').at(-1)!);
const first = (s: string) => (s === '' ? '' : s.split(',')[0]);

describe('decoder vs tshark on the synthetic frames', () => {
  const decoder = new Decoder({ verifyChecksums: true });
  const p = new Packet();
  cases.forEach((c, i) => {
    it(`${i + 1}: ${c.name}`, () => {
      const r = rows[i];
      decoder.decode(recordOf(c.frame, INTERFACES[c.ifIndex].linkType), p);
      const isQuote = c.name.startsWith('icmp') && c.name !== 'icmp echo';
      // Network layer: the innermost IP header tshark shows (the outer one for ICMP errors: tshark lists the quote second).
      const pick = isQuote ? first : last;
      if (r['ipv6.src'] && (!r['ip.src'] || c.name === '6in4' || (isQuote && c.name.startsWith('icmp6')))) {
        expect(p.ipVersion).toBe(6);
        expect(formatIPv6(p.src6)).toBe(pick(r['ipv6.src']));
        expect(formatIPv6(p.dst6)).toBe(pick(r['ipv6.dst']));
      } else if (r['ip.src']) {
        expect(p.ipVersion).toBe(4);
        expect(formatIPv4(p.src4)).toBe(pick(r['ip.src']));
        expect(formatIPv4(p.dst4)).toBe(pick(r['ip.dst']));
        expect(p.ipLen).toBe(Number(pick(r['ip.len'])));
        expect(p.ipHeaderLen).toBe(Number(pick(r['ip.hdr_len'])));
        expect(p.ttl).toBe(Number(pick(r['ip.ttl'])));
        expect(p.ipId).toBe(parseInt(pick(r['ip.id']), 16));
        expect(p.ipProto).toBe(Number(pick(r['ip.proto'])));
        expect(p.moreFragments).toBe(pick(r['ip.flags.mf']) === '1');
        expect(p.dontFragment).toBe(pick(r['ip.flags.df']) === '1');
        expect(p.fragOffset).toBe(Number(pick(r['ip.frag_offset'])) * 8);
        expect(p.ipChecksumBad).toBe(false); // tshark: every ip.checksum.status is 1
      }
      if (r['ipv6.fraghdr.ident']) {
        expect(p.isFragment).toBe(true);
        expect(p.ipId).toBe(parseInt(r['ipv6.fraghdr.ident'], 16));
        expect(p.fragOffset).toBe(Number(r['ipv6.fraghdr.offset']) * 8);
        expect(p.moreFragments).toBe(r['ipv6.fraghdr.more'] === '1');
      }
      if (r['ieee8021ad.id']) {
        expect([p.vlanCount, p.vlan0, p.vlan1]).toEqual([2, Number(r['ieee8021ad.id']), Number(r['vlan.id'])]);
      } else if (r['vlan.id']) expect([p.vlanCount, p.vlan0]).toEqual([1, Number(r['vlan.id'])]);
      else expect(p.vlanCount).toBe(0);

      if (r['tcp.flags'] && !isQuote) {
        expect(p.kind).toBe(PacketKind.Tcp);
        expect(p.srcPort).toBe(Number(r['tcp.srcport']));
        expect(p.dstPort).toBe(Number(r['tcp.dstport']));
        expect(p.seq).toBe(Number(r['tcp.seq_raw']));
        expect(p.ack).toBe(Number(r['tcp.ack_raw']));
        expect(p.flags).toBe(parseInt(r['tcp.flags'], 16));
        expect(p.window).toBe(Number(r['tcp.window_size_value']));
        expect(p.tcpHeaderLen).toBe(Number(r['tcp.hdr_len']));
        expect(p.payloadLen).toBe(Number(r['tcp.len']));
        expect(p.payloadCaptured).toBe(Number(r['tcp.len']));
        expect(p.tcpChecksumBad).toBe(r['tcp.checksum.status'] === '0');
        expect(p.optMss).toBe(r['tcp.options.mss_val'] ? Number(r['tcp.options.mss_val']) : -1);
        expect(p.optWscale).toBe(r['tcp.options.wscale.shift'] ? Number(r['tcp.options.wscale.shift']) : -1);
        expect(p.optSackPermitted).toBe(r['tcp.options.sack_perm'] !== '');
        expect(p.optHasTimestamp).toBe(r['tcp.options.timestamp.tsval'] !== '');
        if (p.optHasTimestamp) {
          expect(p.optTsVal).toBe(Number(r['tcp.options.timestamp.tsval']));
          expect(p.optTsEcr).toBe(Number(r['tcp.options.timestamp.tsecr']));
        }
        const le = r['tcp.options.sack_le'] ? r['tcp.options.sack_le'].split(',').map(Number) : [];
        const re = r['tcp.options.sack_re'] ? r['tcp.options.sack_re'].split(',').map(Number) : [];
        expect(p.optSackCount).toBe(le.length);
        for (let k = 0; k < le.length; k++) expect([p.optSack[2 * k], p.optSack[2 * k + 1]]).toEqual([le[k], re[k]]);
        expect(p.optTfo).toBe(r['tcp.options.tfo.cookie'] !== '');
        expect(p.optMptcp).toBe(r['tcp.options.mptcp.subtype'] !== '');
      } else if (r['udp.srcport'] && !r['vxlan.vni'] && !r['geneve.vni']) {
        expect(p.kind).toBe(PacketKind.Udp);
        expect(p.srcPort).toBe(Number(r['udp.srcport']));
        expect(p.dstPort).toBe(Number(r['udp.dstport']));
        expect(p.udpLen).toBe(Number(r['udp.length']));
        expect(p.l4ChecksumBad).toBe(false);
      }
      if (r['icmp.type']) {
        expect(p.kind).toBe(PacketKind.Icmp);
        expect([p.icmpType, p.icmpCode]).toEqual([Number(r['icmp.type']), Number(r['icmp.code'])]);
        expect(p.l4ChecksumBad).toBe(false);
      }
      if (r['icmpv6.type']) {
        expect(p.kind).toBe(PacketKind.Icmp6);
        expect([p.icmpType, p.icmpCode]).toEqual([Number(r['icmpv6.type']), Number(r['icmpv6.code'])]);
        expect(p.l4ChecksumBad).toBe(false);
      }
      if (isQuote && c.name !== 'icmp echo') {
        expect(p.quotedValid).toBe(true);
        expect(p.quotedSrcPort).toBe(Number(r['tcp.srcport']));
        expect(p.quotedDstPort).toBe(Number(r['tcp.dstport']));
        expect(p.quotedProto).toBe(6);
        if (p.quotedIpVersion === 4) {
          expect(formatIPv4(p.quotedSrc4)).toBe(last(r['ip.src']));
          expect(formatIPv4(p.quotedDst4)).toBe(last(r['ip.dst']));
        } else {
          expect(formatIPv6(p.quotedSrc6)).toBe(last(r['ipv6.src']));
          expect(formatIPv6(p.quotedDst6)).toBe(last(r['ipv6.dst']));
        }
      }
      if (c.name.includes('fragment')) {
        // Later fragments carry no UDP header: attributed by IP id to the ports tshark read in the first one.
        const firstRow = rows[cases.findIndex((x) => x.name === c.name.replace(/\d+$/, '0'))];
        expect(p.isFragment).toBe(true);
        expect(p.kind).toBe(PacketKind.Udp);
        expect([p.srcPort, p.dstPort]).toEqual([Number(firstRow['udp.srcport']), Number(firstRow['udp.dstport'])]);
      }
      if (r['arp.opcode']) expect([p.kind, p.arpOp]).toEqual([PacketKind.Arp, Number(r['arp.opcode'])]);
      // Tunnels: tshark's protocol stack names the encapsulation.
      const protos = r['frame.protocols'];
      const kind = protos.includes(':gre:') ? TunnelKind.GRE : protos.includes(':vxlan:') ? TunnelKind.VXLAN
        : protos.includes(':geneve:') ? TunnelKind.Geneve
        : /ip:ip:|ipv6:ip:|ip:ipv6:/.test(protos) ? TunnelKind.IPinIP : TunnelKind.None;
      expect(p.tunnelKind).toBe(kind);
      expect(p.tunnelDepth).toBe(kind === TunnelKind.None ? 0 : 1);
      expect(p.malformed).toBe(0);
      expect(p.truncated).toBe(false);
    });
  });
});
