/**
 * Standard input (a Readable written in small chunks) gives the same records as the file;
 * memory stays bounded (the producer is never far ahead of the reader); merge of several files
 * orders by timestamp, ties by file order (expected order written out by hand).
 */
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mergeReaders } from '../../src/capture/merge.js';
import { openCapture, STDIN_NAME } from '../../src/capture/open.js';
import { writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { drain, frame, tmpFile } from './helpers.js';

const pkts: WritePacket[] = Array.from({ length: 50 }, (_, i) => ({ tsSec: 1000 + i, tsNsec: i * 1000, data: frame(i, 40 + ((i * 37) % 200)) }));

/** A stream fed asynchronously in `size`-byte pieces. */
function trickle(bytes: Uint8Array, size: number): PassThrough {
  const s = new PassThrough();
  let at = 0;
  const step = () => {
    if (at >= bytes.length) {
      s.end();
      return;
    }
    s.write(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
    setImmediate(step);
  };
  setImmediate(step);
  return s;
}

describe('standard input', () => {
  for (const [name, bytes] of [
    ['pcap', writePcap(pkts, { nanosecond: true })],
    ['pcapng', writePcapng(pkts, { extraBlocks: true, bigEndian: true })],
    ['gzip pcap', gzipSync(writePcap(pkts))],
  ] as const) {
    it(`${name} in 7-byte chunks = the file`, async () => {
      const fromFile = await drain(await openCapture(tmpFile('in', bytes)));
      const fromStdin = await drain(await openCapture('-', { stdin: trickle(bytes, 7) }));
      expect(fromStdin.info.file).toBe(STDIN_NAME);
      expect(fromStdin.info.fileSize).toBeNull();
      expect(fromStdin.recs).toEqual(fromFile.recs);
      expect(fromStdin.recs).toHaveLength(50);
      expect(fromStdin.info.warnings).toEqual([]);
    });
  }

  it('stream closed early (inside a record): warning, earlier packets delivered', async () => {
    const bytes = writePcap(pkts);
    const { recs, info } = await drain(await openCapture('-', { stdin: trickle(bytes.subarray(0, 24 + 16 + 40 + 10), 5) }));
    expect(recs).toHaveLength(1);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toMatchObject({ file: STDIN_NAME, offset: 24 + 16 + 40 });
  });

  it('backpressure: the producer stays within a few MiB of the reader', async () => {
    const rec = writePcap([{ tsSec: 1, tsNsec: 0, data: frame(1, 400) }]).subarray(24); // one 416-byte record
    const header = writePcap([]);
    const chunkRecords = 150; // ~62 KB chunks
    const chunks = 1000; // ~62 MB in total
    let produced = 0;
    async function* gen() {
      yield header;
      produced += header.length;
      const chunk = new Uint8Array(rec.length * chunkRecords);
      for (let i = 0; i < chunkRecords; i++) chunk.set(rec, i * rec.length);
      for (let c = 0; c < chunks; c++) {
        produced += chunk.length;
        yield chunk;
      }
    }
    const r = await openCapture('-', { stdin: Readable.from(gen(), { objectMode: false }) });
    let n = 0;
    let maxAhead = 0;
    for (;;) {
      const x = r.next();
      if (x === null) {
        if (!(await r.fill())) break;
        continue;
      }
      n++;
      maxAhead = Math.max(maxAhead, produced - (x.fileOffset + rec.length));
    }
    expect(n).toBe(chunkRecords * chunks);
    // 4 MiB reader buffer + one pending chunk + the Readable's own small buffer.
    expect(maxAhead).toBeLessThan(6 << 20);
    expect(produced).toBeGreaterThan(60e6);
  });
});

describe('mergeReaders', () => {
  it('orders by (sec, nsec), ties by file order; frames stay per file', async () => {
    const a = writePcap([
      { tsSec: 10, tsNsec: 0, data: frame(0, 20) },
      { tsSec: 12, tsNsec: 5, data: frame(1, 20) },
      { tsSec: 13, tsNsec: 0, data: frame(2, 20) },
    ], { nanosecond: true });
    const b = writePcapng([
      { tsSec: 11, tsNsec: 0, data: frame(3, 21) },
      { tsSec: 12, tsNsec: 5, data: frame(4, 21) },
      { tsSec: 14, tsNsec: 0, data: frame(5, 21) },
    ], { interfaces: [{ linkType: 1, tsresol: 9 }] });
    const c = writePcap([{ tsSec: 9, tsNsec: 999999000, data: frame(6, 22) }]);
    const readers = [await openCapture(tmpFile('a', a)), await openCapture(tmpFile('b', b)), await openCapture(tmpFile('c', c))];
    const { recs, info } = await drain(mergeReaders(readers));
    expect(recs.map((r) => [r.tsSec, r.tsNsec, r.fileIndex, r.frame])).toEqual([
      [9, 999999000, 2, 1],
      [10, 0, 0, 1],
      [11, 0, 1, 1],
      [12, 5, 0, 2], // tie: file 0 first
      [12, 5, 1, 2],
      [13, 0, 0, 3],
      [14, 0, 1, 3],
    ]);
    expect(recs.map((r) => r.capLen)).toEqual([22, 20, 21, 20, 21, 20, 21]);
    expect(info.packets).toBe(7);
    expect(info.format).toBe('pcap');
    expect(info.error).toBeNull();
  });

  it('within one second the smaller nsec goes first, from whichever file; file sizes add up', async () => {
    const a = writePcap([{ tsSec: 20, tsNsec: 900, data: frame(0, 20) }], { nanosecond: true }); // 24 + 16 + 20 = 60 bytes
    const b = writePcap([{ tsSec: 20, tsNsec: 100, data: frame(1, 30) }], { nanosecond: true }); // 24 + 16 + 30 = 70 bytes
    const { recs, info } = await drain(mergeReaders([await openCapture(tmpFile('a', a)), await openCapture(tmpFile('b', b))]));
    expect(recs.map((r) => [r.tsNsec, r.fileIndex])).toEqual([[100, 1], [900, 0]]);
    expect(info.fileSize).toBe(130);
  });

  it('a damaged file: its earlier packets merged, its error in info, the other file read to the end', async () => {
    const good = writePcap([1, 3, 5].map((s) => ({ tsSec: s, tsNsec: 0, data: frame(s, 30) })));
    const bad = writePcap([2, 4, 6].map((s) => ({ tsSec: s, tsNsec: 0, data: frame(s, 30) })));
    new DataView(bad.buffer).setUint32(24 + 46 + 8, 0xffffffff, true); // second record's caplen
    const badPath = tmpFile('bad', bad);
    const { recs, info } = await drain(mergeReaders([await openCapture(tmpFile('good', good)), await openCapture(badPath)]));
    expect(recs.map((r) => r.tsSec)).toEqual([1, 2, 3, 5]);
    expect(info.error).toMatchObject({ file: badPath, offset: 24 + 46 });
    expect(info.packets).toBe(4);
  });
});
