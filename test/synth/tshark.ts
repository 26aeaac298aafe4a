/** Reads fixtures/decode/synth-tshark.tsv (tshark's field output, see regen.test.ts) into one map per frame. */
import { readFileSync } from 'node:fs';

export function readTsharkTsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const row: Record<string, string> = {};
    head.forEach((h, i) => (row[h] = cells[i] ?? ''));
    return row;
  });
}
