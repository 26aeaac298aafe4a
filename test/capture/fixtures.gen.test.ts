/**
 * Regenerates fixtures/capture/*.pcap* from specs.ts when REGEN_CAPTURE_FIXTURES=1 (then run
 * the tshark commands in fixtures/capture/README.md). Otherwise checks that the writer still
 * produces the committed files byte for byte, so the tshark expectations stay about these bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';
import { fixtureFiles } from './specs.js';

describe('capture fixtures', () => {
  const files = fixtureFiles();
  if (process.env.REGEN_CAPTURE_FIXTURES === '1') {
    it('regenerates', () => {
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(FIXTURES, name), bytes);
      writeFileSync(join(FIXTURES, 'us-le.pcap.gz'), gzipSync(files['us-le.pcap']));
      expect(Object.keys(files).length).toBeGreaterThan(0);
    });
  } else {
    for (const [name, bytes] of Object.entries(files)) {
      it(`writer reproduces ${name}`, () => {
        expect(Buffer.from(bytes).equals(readFileSync(join(FIXTURES, name)))).toBe(true);
      });
    }
  }
});
