/** pcap-parser (the user's package) as an independent reader for cross-checks. Tests only. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pcapParser = require('pcap-parser') as { parse(input: Readable): NodeJS.EventEmitter };

export interface PPRec {
  tsSec: number;
  tsUsec: number;
  capLen: number;
  origLen: number;
  data: number[];
}

/** Is this a µs-magic pcap (the only kind pcap-parser reads)? */
export function pcapParserReads(path: string): boolean {
  const b = readFileSync(path).subarray(0, 4);
  const hex = Buffer.from(b).toString('hex');
  return hex === 'a1b2c3d4' || hex === 'd4c3b2a1';
}

/** Every record pcap-parser emits for the file (stops quietly at a partial record). */
export function readWithPcapParser(path: string): Promise<PPRec[]> {
  return new Promise((resolve, reject) => {
    const out: PPRec[] = [];
    const p = pcapParser.parse(Readable.from([readFileSync(path)]));
    p.on('packet', (pk: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      out.push({
        tsSec: pk.header.timestampSeconds,
        tsUsec: pk.header.timestampMicroseconds,
        capLen: pk.header.capturedLength,
        origLen: pk.header.originalLength,
        data: Array.from(pk.data),
      });
    });
    p.on('error', reject);
    p.on('end', () => resolve(out));
  });
}
