/**
 * The NDJSON line is written by a template of the record's fixed shape (src/report/json.ts) for speed.
 * Its reference is JSON.stringify: on every record real captures produce — all of them, with every
 * field the tracker fills — the line must be byte-identical, so a field added to FlowRecord and
 * forgotten in the template fails here.
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
