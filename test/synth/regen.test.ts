/**
 * Regenerates the tshark-checked fixture of the frame builders. Runs only with REGEN=1:
 *
 *   REGEN=1 npx vitest run test/synth/regen.test.ts
 *
 * writes fixtures/decode/synth.pcapng (every frame of cases.ts, one pcapng interface per link type)
 * and fixtures/decode/synth-tshark.tsv, tshark's field output for it with every checksum check on:
 *
 *   tshark -r fixtures/decode/synth.pcapng -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE
 *     -o ip.check_checksum:TRUE -o ip.defragment:FALSE -o ipv6.defragment:FALSE
 *     -o tcp.relative_sequence_numbers:FALSE -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=,
 *     -e <the FIELDS below>
 *
 * The committed files are the independent expectation; frames.test.ts and test/decode/ read them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writePcapng } from '../../src/capture/writer.js';
import { INTERFACES, synthCases } from './cases.js';

export const FIELDS = [
  'frame.number', 'frame.interface_id', 'frame.protocols', 'ieee8021ad.id', 'vlan.id',
  'ip.src', 'ip.dst', 'ip.id', 'ip.ttl', 'ip.len', 'ip.hdr_len', 'ip.proto', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.checksum.status',
  'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ipv6.plen', 'ipv6.fraghdr.ident', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.hdr_len', 'tcp.len',
  'tcp.checksum.status', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_perm',
  'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr', 'tcp.options.sack_le', 'tcp.options.sack_re',
  'tcp.options.tfo.cookie', 'tcp.options.mptcp.subtype',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum.status',
  'icmp.type', 'icmp.code', 'icmp.checksum.status', 'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum.status', 'icmpv6.mtu',
  'arp.opcode', 'gre.key', 'gre.sequence_number', 'gre.checksum.status', 'vxlan.vni', 'geneve.vni',
];

describe.skipIf(!process.env.REGEN)('regenerate fixtures/decode/synth.* (REGEN=1)', () => {
  it('writes the pcapng and tshark output', () => {
    const cases = synthCases();
    const pcap = writePcapng(
      cases.map((c, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: 0, data: c.frame, ifIndex: c.ifIndex })),
      { interfaces: INTERFACES.map((i) => ({ linkType: i.linkType })) },
    );
    writeFileSync('fixtures/decode/synth.pcapng', pcap);
    const args = ['-r', 'fixtures/decode/synth.pcapng', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
      '-o', 'ip.check_checksum:TRUE', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-E', 'header=y', '-E', 'separator=/t', '-E', 'occurrence=a',
      '-E', 'aggregator=,'];
    for (const f of FIELDS) args.push('-e', f);
    const out = execFileSync('tshark', args, { encoding: 'utf8' });
    writeFileSync('fixtures/decode/synth-tshark.tsv', out);
    expect(out.split('\n').length).toBeGreaterThan(cases.length);
  });
});
