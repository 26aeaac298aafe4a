/**
 * Regenerates fixtures/decode/corpus-tshark.tsv: tshark's per-frame fields for every capture of
 * ../shared/corpus/tcpdump/ whose link type the decoder supports. Runs only with REGEN=1:
 *
 *   REGEN=1 npx vitest run test/decode/corpus-regen.test.ts
 *
 * For each file: tshark -r FILE -o ip.defragment:FALSE -o ipv6.defragment:FALSE
 *   -o tcp.desegment_tcp_streams:FALSE -o tcp.relative_sequence_numbers:FALSE -T fields -E separator=/t
 *   -E occurrence=a -E aggregator=, -e <FIELDS>
 * (every frame dissected on its own, raw sequence numbers). Lines are "file<TAB>fields…".
 * Only frames with an IP layer are kept. corpus.test.ts compares the decoder with these lines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, CORPUS_FIELDS } from './corpus-fields.js';

/** pcap/pcapng link-type names (as capinfos -T -E prints them) the decoder supports. */
const SUPPORTED = new Set(['ether', 'linux-sll', 'linux-sll2', 'ppp', 'rawip', 'rawip4', 'rawip6', 'null', 'loop']);

describe.skipIf(!process.env.REGEN || !existsSync(CORPUS))('regenerate fixtures/decode/corpus-tshark.tsv (REGEN=1)', () => {
  it('runs tshark over the corpus', () => {
    const out: string[] = [['file', ...CORPUS_FIELDS].join('\t')];
    for (const f of readdirSync(CORPUS).sort()) {
      let encap = '';
      try {
        encap = execFileSync('capinfos', ['-T', '-E', '-r', `${CORPUS}/${f}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
          .trim().split('\t').at(-1)!;
      } catch {
        continue; // unreadable capture (tested elsewhere)
      }
      if (!SUPPORTED.has(encap)) continue;
      const args = ['-r', `${CORPUS}/${f}`, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
        '-o', 'tcp.desegment_tcp_streams:FALSE', '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields',
        '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
      for (const x of CORPUS_FIELDS) args.push('-e', x);
      let text = '';
      try {
        text = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
      } catch (e) {
        text = String((e as { stdout?: string }).stdout ?? ''); // tshark exits non-zero on a cut-short file: keep what it printed
      }
      for (const line of text.split('\n')) {
        const c = line.split('\t');
        if (c.length < CORPUS_FIELDS.length) continue;
        if (!c[5] && !c[7]) continue; // no IP layer
        out.push(`${f}\t${line}`);
      }
    }
    writeFileSync('fixtures/decode/corpus-tshark.tsv', out.join('\n') + '\n');
    expect(out.length).toBeGreaterThan(100);
  }, 600_000);
});
