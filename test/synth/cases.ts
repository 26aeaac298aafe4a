/**
 * A fixed set of frames built with src/synth/frames.ts, one of each kind the decoder reads.
 * They are written to fixtures/decode/synth.pcapng and checked once by tshark (see regen.test.ts);
 * test/synth/frames.test.ts asserts the builders still produce exactly these bytes and that tshark
 * found every checksum good, test/decode/ decodes them and compares with tshark's fields.
 */
import {
  arpFrame,
  fragment,
  fragment6,
  geneveFrame,
  greFrame,
  icmpFrame,
  ipipFrame,
  ipPacket,
  LINKTYPE,
  tcpFrame,
  udpFrame,
  vxlanFrame,
  type Link,
} from '../../src/synth/frames.js';

export interface SynthCase {
  name: string;
  /** pcapng interface index (see INTERFACES). */
  ifIndex: number;
  frame: Uint8Array;
  /** tshark must report a bad checksum for this one. */
  badChecksum?: boolean;
}

export const INTERFACES: { link: Link; linkType: number }[] = [
  { link: 'ether', linkType: LINKTYPE.ETHERNET },
  { link: 'raw', linkType: LINKTYPE.RAW },
  { link: 'null', linkType: LINKTYPE.NULL },
  { link: 'loop', linkType: LINKTYPE.LOOP },
  { link: 'sll', linkType: LINKTYPE.LINUX_SLL },
  { link: 'sll2', linkType: LINKTYPE.LINUX_SLL2 },
];

const C4 = '10.0.0.1';
const S4 = '10.0.0.2';
const C6 = '2001:db8::1';
const S6 = '2001:db8::2';

export function synthCases(): SynthCase[] {
  const out: SynthCase[] = [];
  const add = (name: string, frame: Uint8Array, extra: Partial<SynthCase> = {}) =>
    out.push({ name, ifIndex: 0, frame, ...extra });

  add(
    'tcp4 syn options',
    tcpFrame({ src: C4, dst: S4, sport: 40000, dport: 80, seq: 0xfffffff0, flags: 'S', window: 64240,
      options: { mss: 1460, sackPerm: true, ts: [12345, 0], wscale: 7 }, df: true, ttl: 64, ipId: 0 }),
  );
  add(
    'tcp4 synack tfo vlan',
    tcpFrame({ src: S4, dst: C4, sport: 80, dport: 40000, seq: 1000, ack: 0xfffffff1, flags: 'SA', window: 65160,
      options: { mss: 1400, tfo: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }, vlan: [100] }),
  );
  add(
    'tcp4 data qinq',
    tcpFrame({ src: C4, dst: S4, sport: 40000, dport: 80, seq: 0xfffffff1, ack: 1001, flags: 'PA', window: 502,
      payload: 100, vlan: [10, 20] }),
  );
  add(
    'tcp6 syn mptcp',
    tcpFrame({ src: C6, dst: S6, sport: 50000, dport: 443, seq: 7, flags: 'S', options: { mss: 1440, wscale: 14, mptcp: true } }),
  );
  add(
    'tcp6 ext chain',
    tcpFrame({ src: C6, dst: S6, sport: 50000, dport: 443, seq: 8, ack: 99, flags: 'PA', payload: 33,
      ip6Ext: [{ type: 0 }, { type: 60 }, { type: 43 }] }),
  );
  add(
    'tcp4 ip options',
    tcpFrame({ src: C4, dst: S4, sport: 40001, dport: 22, seq: 5, ack: 6, flags: 'A',
      ipOptions: Uint8Array.of(7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0) }),
  );
  add(
    'tcp4 sack',
    tcpFrame({ src: S4, dst: C4, sport: 22, dport: 40001, seq: 6, ack: 5, flags: 'A', window: 1000,
      options: { ts: [1, 2], sack: [[100, 200], [300, 400]] } }),
  );
  add(
    'tcp4 bad checksum',
    tcpFrame({ src: C4, dst: S4, sport: 40002, dport: 80, seq: 1, ack: 1, flags: 'FA', badChecksum: true }),
    { badChecksum: true },
  );
  add('tcp4 rst', tcpFrame({ src: S4, dst: C4, sport: 81, dport: 40003, seq: 0, ack: 2, flags: 'RA', window: 0 }));
  add('udp4 dns', udpFrame({ src: C4, dst: S4, sport: 53000, dport: 53, payload: 30 }));
  add('udp6', udpFrame({ src: C6, dst: S6, sport: 546, dport: 547, payload: 17 }));
  add('icmp echo', icmpFrame({ src: C4, dst: S4, type: 8, code: 0, id: 77, seq: 3, payload: 56 }));
  const syn = tcpFrame({ src: C4, dst: S4, sport: 40004, dport: 9999, seq: 123456, flags: 'S', options: { mss: 1460 } });
  add('icmp unreachable', icmpFrame({ src: S4, dst: C4, type: 3, code: 3, quote: ipPacket(syn) }));
  const syn6 = tcpFrame({ src: C6, dst: S6, sport: 50001, dport: 9999, seq: 1, flags: 'S' });
  add('icmp6 unreachable', icmpFrame({ src: S6, dst: C6, type: 1, code: 4, quote: ipPacket(syn6) }));
  const big6 = tcpFrame({ src: C6, dst: S6, sport: 50002, dport: 443, seq: 2, ack: 3, flags: 'A', payload: 1400 });
  add('icmp6 packet too big', icmpFrame({ src: S6, dst: C6, type: 2, code: 0, rest: 1280, quote: ipPacket(big6) }));
  add('arp request', arpFrame({ op: 1, senderIp: C4, targetIp: S4 }));
  const bigUdp = udpFrame({ src: C4, dst: S4, sport: 5000, dport: 5001, payload: 3000, ipId: 0x4242 });
  for (const [i, f] of fragment(bigUdp, 1500).entries()) add(`udp4 fragment ${i}`, f);
  const bigUdp6 = udpFrame({ src: C6, dst: S6, sport: 5000, dport: 5001, payload: 2000 });
  for (const [i, f] of fragment6(bigUdp6, 1280, 0xabcdef).entries()) add(`udp6 fragment ${i}`, f);
  const inner = tcpFrame({ src: '172.16.0.1', dst: '172.16.0.2', sport: 33333, dport: 8080, seq: 42, flags: 'S', options: { mss: 1360 } });
  add('gre key seq', greFrame(inner, { key: 0x1234, seq: 9 }));
  add('gre teb', greFrame(inner, { teb: true, checksum: true }));
  add('ipip', ipipFrame(inner));
  const inner6 = tcpFrame({ src: 'fd00::1', dst: 'fd00::2', sport: 33334, dport: 8081, seq: 43, flags: 'S' });
  add('6in4', ipipFrame(inner6));
  add('4in6', ipipFrame(inner, { outerSrc: '2001:db8:ff::1', outerDst: '2001:db8:ff::2' }));
  add('vxlan', vxlanFrame(inner, { vni: 5000 }));
  add('geneve', geneveFrame(inner, { vni: 77, options: Uint8Array.of(0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef) }));
  for (let i = 1; i < INTERFACES.length; i++) {
    const link = INTERFACES[i].link;
    add(`tcp4 on ${link}`, tcpFrame({ src: C4, dst: S4, sport: 41000 + i, dport: 80, seq: i, flags: 'S', link, options: { mss: 1460 } }), { ifIndex: i });
    add(`tcp6 on ${link}`, tcpFrame({ src: C6, dst: S6, sport: 51000 + i, dport: 80, seq: i, flags: 'SA', ack: 9, link }), { ifIndex: i });
  }
  return out;
}
