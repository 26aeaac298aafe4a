/**
 * Real frames: the captures of ../shared/corpus/tcpdump/ (tcpdump's own test suite, many of them
 * deliberately broken) decoded and compared with tshark's dissection of each frame on its own
 * (fixtures/decode/corpus-tshark.tsv; the command is in corpus-regen.test.ts).
 *
 * Compared for every frame where tshark found the layer and the decoder neither called the frame
 * truncated nor malformed: the innermost IP addresses, TCP ports / raw seq / raw ack / flags / window /
 * payload length / MSS / window scale, UDP ports, ICMP type. Frames where the two disagree for a
 * reason reviewed by hand are listed in KNOWN with the reason; any other difference fails.
 * Skipped, visibly, when ../shared is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6 } from '../../src/decode/addr.js';
import { Malformed, PacketKind, type Packet } from '../../src/decode/packet.js';
import { CORPUS } from './corpus-fields.js';
import { eachPacket } from './helpers.js';

/** "file#frame" or "file" (every frame) → why the decoder and tshark differ there (reviewed by hand). */
const KNOWN: Record<string, string> = {
  'arista_ether.pcap': 'Arista vendor header (EtherType 0xd28b AVSP) in front of the EtherType: not decoded, frames are OtherLink',
  'PIM_register_register-stop.pcap': 'PIM Register carries a whole IP packet; PIM is not a tunnel we decode (outer packet reported)',
  'pim-packet-assortment.pcap': 'PIM Register encapsulation, as above',
  'nhrp-trace.pcap': 'NHRP error carrying the offending IP packet: tshark shows the quoted packet, we the outer one',
  'nsh.pcap': 'Network Service Header (EtherType 0x894f) not decoded: OtherLink',
  'nsh-over-vxlan-gpe.pcap': 'VXLAN-GPE (UDP 4790) with NSH not decoded: the outer UDP packet is reported',
  'of13_ericsson.pcapng': 'OpenFlow messages carrying frames inside TCP: we report the TCP packet',
  'sflow-print-v6.pcap': 'sFlow samples carry frame headers inside UDP: we report the UDP packet',
  'sflow_expanded.pcap': 'sFlow sample, as above',
  'mpls-over-udp.pcap': 'MPLS over UDP (RFC 7510, port 6635) not decoded: the outer UDP packet is reported',
};

interface Row {
  [k: string]: string;
}

function load(): Map<string, Map<number, Row>> {
  const lines = readFileSync('fixtures/decode/corpus-tshark.tsv', 'utf8').split('\n').filter(Boolean);
  const head = lines[0].split('\t');
  const byFile = new Map<string, Map<number, Row>>();
  for (const l of lines.slice(1)) {
    const c = l.split('\t');
    const r: Row = {};
    head.forEach((h, i) => (r[h] = c[i] ?? ''));
    let m = byFile.get(r.file);
    if (!m) byFile.set(r.file, (m = new Map()));
    m.set(Number(r['frame.number']), r);
  }
  return byFile;
}

const first = (s: string) => (s === '' ? '' : s.split(',')[0]);
const single = (s: string) => s !== '' && !s.includes(',');

/**
 * Which value of tshark's ip.src / ipv6.src lists describes the same IP header as the decoder: for a
 * frame with ICMP, the IP header just before the (outer) ICMP layer; otherwise the innermost one.
 */
function whichIp(protos: string): { v6: boolean; index: number } | null {
  const t = protos.split(':');
  let end = t.length;
  const icmp = t.findIndex((x) => x === 'icmp' || x === 'icmpv6');
  if (icmp >= 0) end = icmp;
  let v4 = 0;
  let v6 = 0;
  let lastV6: boolean | null = null;
  for (let i = 0; i < end; i++) {
    if (t[i] === 'ip') {
      v4++;
      lastV6 = false;
    } else if (t[i] === 'ipv6') {
      v6++;
      lastV6 = true;
    }
  }
  if (lastV6 === null) return null;
  return { v6: lastV6, index: (lastV6 ? v6 : v4) - 1 };
}

/** Differences between the decoded packet and tshark's row, as strings (empty = agree). */
export function compare(p: Packet, r: Row): string[] {
  const d: string[] = [];
  const protos = r['frame.protocols'];
  const w = whichIp(protos);
  if (w) {
    const k = w.v6 ? 'ipv6' : 'ip';
    const src = r[`${k}.src`].split(',')[w.index];
    const dst = r[`${k}.dst`].split(',')[w.index];
    const gsrc = w.v6 ? formatIPv6(p.src6) : formatIPv4(p.src4);
    const gdst = w.v6 ? formatIPv6(p.dst6) : formatIPv4(p.dst4);
    if (p.ipVersion !== (w.v6 ? 6 : 4) || gsrc !== src || gdst !== dst) d.push(`${k} ${p.ipVersion} ${gsrc}→${gdst} vs ${src}→${dst}`);
  }
  const icmpType = r['icmp.type'] || r['icmpv6.type'];
  if (icmpType !== '') {
    const want = Number(first(icmpType));
    if (p.kind !== (r['icmp.type'] ? PacketKind.Icmp : PacketKind.Icmp6) || p.icmpType !== want) d.push(`icmp kind ${p.kind} type ${p.icmpType} vs ${want}`);
    return d;
  }
  if (single(r['tcp.srcport']) && r['tcp.flags'] !== '') {
    const got = [p.kind, p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.payloadLen, p.optMss, p.optWscale];
    // tshark's tcp.flags has 12 bits (3 reserved + AE/NS + 8); Packet.flags keeps NS and the 8 flags.
    const want = [PacketKind.Tcp, Number(r['tcp.srcport']), Number(r['tcp.dstport']), Number(r['tcp.seq_raw']),
      Number(r['tcp.ack_raw']), parseInt(r['tcp.flags'], 16) & 0x1ff, Number(r['tcp.window_size_value']), Number(r['tcp.len']),
      r['tcp.options.mss_val'] ? Number(first(r['tcp.options.mss_val'])) : -1,
      r['tcp.options.wscale.shift'] ? Number(first(r['tcp.options.wscale.shift'])) : -1];
    if (got.join() !== want.join()) d.push(`tcp ${got.join()} vs ${want.join()}`);
  } else if (single(r['udp.srcport'])) {
    const got = [p.kind, p.srcPort, p.dstPort];
    const want = [PacketKind.Udp, Number(r['udp.srcport']), Number(r['udp.dstport'])];
    if (got.join() !== want.join()) d.push(`udp ${got.join()} vs ${want.join()}`);
  }
  return d;
}

const have = existsSync(CORPUS);
if (!have) console.warn(`SKIPPED: ${CORPUS} is absent: decoder vs tshark on the tcpdump corpus not run`);

describe.skipIf(!have)('decoder vs tshark on the tcpdump corpus', () => {
  it('agrees on every frame tshark dissected, except the reviewed ones', async () => {
    const expected = load();
    const diffs: string[] = [];
    let compared = 0;
    let skipped = 0;
    for (const [file, rows] of expected) {
      await eachPacket(`${CORPUS}/${file}`, (rec, p) => {
        const r = rows.get(rec.frame);
        if (!r) return;
        if (p.truncated || p.kind === PacketKind.Malformed || r['_ws.malformed'] !== '') {
          skipped++;
          return;
        }
        compared++;
        const d = compare(p, r);
        const key = `${file}#${rec.frame}`;
        if (d.length > 0 && !(key in KNOWN) && !(file in KNOWN)) diffs.push(`${key} [${r['frame.protocols']}] ${d.join('; ')}`);
      });
    }
    console.log(`corpus: ${compared} frames compared with tshark, ${skipped} truncated/malformed skipped`);
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
  }, 120_000);
});
