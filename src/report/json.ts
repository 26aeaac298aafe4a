/**
 * JSON and NDJSON: the FlowRecord itself is the contract (issue 3). NDJSON is one record per line;
 * JSON is an array, written incrementally so it can be streamed too.
 *
 * ndjsonLine stays JSON.stringify: a hand-written serializer of the record's fixed shape (one
 * template string, flattened) took ~30% less CPU than JSON.stringify on the 60 000 benchmark
 * records in isolation, but in the whole pipeline it was no faster and allocated ~5× more (the
 * template's intermediate strings: 28 more scavenges per run); see docs/performance.md.
 * test/report/json-fast.test.ts holds any replacement to JSON.stringify's exact bytes.
 */
import type { FlowRecord } from '../flow/types.js';

export function ndjsonLine(r: FlowRecord): string {
  return JSON.stringify(r) + '\n';
}

/** Incremental JSON array writer: open(), item() for each record, close(). Output is valid JSON. */
export class JsonArrayWriter {
  private n = 0;
  constructor(private readonly write: (s: string) => void) {}
  open(): void {
    this.write('[');
  }
  item(v: unknown): void {
    this.itemText(JSON.stringify(v));
  }
  /** An item already serialised (JSON.stringify of it). */
  itemText(json: string): void {
    this.write((this.n++ ? ',\n' : '\n') + json);
  }
  close(): void {
    this.write(this.n ? '\n]\n' : ']\n');
  }
}
