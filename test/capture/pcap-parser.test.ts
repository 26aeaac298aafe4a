/**
 * Independent cross-check: every classic (µs-magic) pcap under fixtures/ yields the same records
 * through pcap-parser and through our reader (count, timestamps, lengths, bytes). pcap-parser
 * has no nanosecond magic, no modified pcap and no pcapng, so those files are not compared here
 * (tshark.test.ts covers them).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { drain, ROOT } from './helpers.js';
import { pcapParserReads, readWithPcapParser } from './pcapparser.js';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.pcap$/.test(e)) out.push(p);
  }
  return out;
}

const files = walk(join(ROOT, 'fixtures')).filter(pcapParserReads);

describe('pcap-parser and synfin read the same records', () => {
  it('has classic pcap fixtures to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });
  for (const f of files) {
    it(relative(ROOT, f), async () => {
      const theirs = await readWithPcapParser(f);
      const { recs } = await drain(await openCapture(f));
      expect(recs.length).toBe(theirs.length);
      recs.forEach((r, i) => {
        const t = theirs[i];
        // pcap-parser gives the raw µs field; normalise as the format defines (µs < 10^6).
        expect([r.tsSec, r.tsNsec, r.capLen, r.origLen]).toEqual([
          t.tsSec + Math.floor(t.tsUsec / 1e6),
          (t.tsUsec % 1e6) * 1000,
          t.capLen,
          t.origLen,
        ]);
        expect(r.data).toEqual(t.data);
      });
    });
  }
});
