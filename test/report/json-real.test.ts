/**
 * The NDJSON line (src/report/json.ts) must be byte-identical to JSON.stringify of the record on every
 * record real captures produce — all of them, with every field the tracker fills — so any faster
 * serializer that replaces it and forgets a field added to FlowRecord fails here.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { ndjsonLine } from '../../src/report/json.js';

const CAPTURES = ['fixtures/demo.pcapng', 'fixtures/kernel/scenarios.pcap'];

describe('ndjsonLine = JSON.stringify on real records', () => {
  for (const file of CAPTURES) {
    it(file, async () => {
      const { records } = await analyze(file);
      expect(records.length).toBeGreaterThan(5);
      for (const r of records) expect(ndjsonLine(r)).toBe(JSON.stringify(r) + '\n');
    });
  }
});
