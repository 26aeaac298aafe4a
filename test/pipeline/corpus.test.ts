/**
 * Issue 5: the whole pipeline (analyze() + the NDJSON formatter) over every capture of tcpdump's
 * test suite (../shared/corpus/tcpdump/, 830 files, many crafted to crash decoders): no crash,
 * nothing but a CaptureError at open escapes, each file under 5 s. Skipped visibly when the corpus
 * is absent. (Packet counts against capinfos are the reading issue's test, test/capture/.)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { CaptureError } from '../../src/capture/types.js';
import { ndjsonLine } from '../../src/report/json.js';
import { ROOT } from './helpers.js';

const CORPUS = resolve(ROOT, '../shared/corpus/tcpdump');
const files = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((f) => statSync(join(CORPUS, f)).isFile())
      .sort()
  : [];

describe.skipIf(files.length === 0)(`tcpdump corpus (${CORPUS}, ${files.length} files)`, () => {
  it('every file: no crash, no hang (each under 5 s), one-line errors', async () => {
    const slow: string[] = [];
    const crashed: string[] = [];
    let read = 0;
    let refused = 0;
    for (const f of files) {
      const path = join(CORPUS, f);
      const t0 = performance.now();
      try {
        const res = await analyze(path, { transitions: true, trace: () => true, onPacket: () => undefined });
        let out = 0;
        for (const r of res.records) out += ndjsonLine(r).length;
        expect(out).toBeGreaterThanOrEqual(0);
        if (res.error) expect(res.error.message).not.toContain('\n');
        read++;
      } catch (e) {
        if (e instanceof CaptureError) {
          expect(e.message).not.toContain('\n');
          refused++;
        } else crashed.push(`${f}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      }
      const ms = performance.now() - t0;
      if (ms > 5000) slow.push(`${f}: ${ms.toFixed(0)} ms`);
    }
    expect(crashed).toEqual([]);
    expect(slow).toEqual([]);
    expect(read + refused).toBe(files.length);
    // most of the corpus are real pcap/pcapng files
    expect(read).toBeGreaterThan(files.length / 2);
  }, 600_000);
});

if (files.length === 0) {
  describe('tcpdump corpus', () => {
    it.skip(`skipped: ${CORPUS} not found`, () => undefined);
  });
}
