/**
 * Golden files: the exact output of every format for the hand-worked capture of scenario.ts, kept in
 * fixtures/golden/. They were read line by line against the scenario when first written (see the
 * commit that added them); `UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts` rewrites them,
 * after which the diff must be checked by hand again before committing.
 *
 * The capture itself is fixtures/golden/scenario.pcap (regenerated here and compared byte for byte,
 * so a change to the writer or the scenario shows up as a failure, not as silently new goldens).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, cleanup, ROOT, synfin } from './run.js';
import { scenarioPcap } from './scenario.js';

const GOLDEN = join(ROOT, 'fixtures/golden');
const CAP = 'fixtures/golden/scenario.pcap'; // relative: the path appears in some outputs
const UPDATE = process.env.UPDATE_GOLDEN === '1';

afterAll(cleanup);

beforeAll(() => {
  build();
});

/** Zeek's #open/#close carry the wall clock; masked like Zeek's own btest canonifiers do. */
function maskZeekTimes(s: string): string {
  return s.replace(/^#(open|close)\t.*$/gm, '#$1\tXXXX-XX-XX-XX-XX-XX');
}

function golden(name: string, actual: string): void {
  const p = join(GOLDEN, name);
  if (UPDATE || !existsSync(p)) {
    if (!UPDATE) throw new Error(`missing golden file ${name}; run with UPDATE_GOLDEN=1 and check it by hand`);
    writeFileSync(p, actual);
    return;
  }
  expect(actual).toBe(readFileSync(p, 'utf8'));
}

describe('golden outputs of the scenario capture', () => {
  it('the capture is what scenario.ts writes', () => {
    const bytes = Buffer.from(scenarioPcap());
    const p = join(ROOT, CAP);
    if (UPDATE || !existsSync(p)) writeFileSync(p, bytes);
    expect(readFileSync(p).equals(bytes)).toBe(true);
  });

  const cases: [string, string[], (s: string) => string][] = [
    ['flows.table.txt', ['flows', CAP, '--format', 'table'], (s) => s],
    ['flows.ndjson', ['flows', CAP, '--format', 'ndjson', '--sort', 'id'], (s) => s],
    ['flows.json', ['flows', CAP, '--format', 'json'], (s) => s],
    ['flows.csv', ['flows', CAP, '--format', 'csv', '--sort', 'id'], (s) => s],
    ['conn.log', ['flows', CAP, '--format', 'zeek', '--sort', 'id'], maskZeekTimes],
    ['stuck.txt', ['stuck', CAP], (s) => s],
    ['stuck.json', ['stuck', CAP, '--format', 'json'], (s) => s],
    ['trace-1.txt', ['trace', CAP, '--flow', '1'], (s) => s],
    ['trace-2.txt', ['trace', CAP, '--flow', '10.0.0.5:8080-10.0.0.2:40001'], (s) => s],
    ['trace-1.json', ['trace', CAP, '--flow', '1', '--format', 'json'], (s) => s],
    ['summary.txt', ['summary', CAP], (s) => s],
    ['summary.json', ['summary', CAP, '--format', 'json'], (s) => s],
  ];
  it.each(cases)('%s', (name, args, canon) => {
    const r = synfin(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    golden(name, canon(r.stdout));
  });
});
