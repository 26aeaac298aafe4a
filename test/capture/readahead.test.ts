/**
 * FileSource reads ahead into a second buffer and swaps (src/capture/source.ts). Files several
 * times the 4 MiB buffer, with records up to MAX_PACKET (256 KiB) so that the unconsumed tail at a
 * swap is anything from 0 bytes to a whole maximum record: every record must come out with the
 * bytes, timestamps and file offsets that were written (offsets computed here from the format:
 * 24-byte pcap header, 16-byte record headers).
 */
import { describe, expect, it } from 'vitest';
import { MAX_PACKET } from '../../src/capture/base.js';
import { openCapture } from '../../src/capture/open.js';
import { SOURCE_BUFFER_SIZE } from '../../src/capture/source.js';
import { writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { frame, tmpFile } from './helpers.js';

/** Sizes from a fixed LCG: mostly small, some near or at MAX_PACKET. */
function sizes(total: number): number[] {
  const out: number[] = [];
  let x = 12345;
  let sum = 0;
  while (sum < total) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = x % 100;
    const len = r < 70 ? 60 + (x >>> 8) % 1454 : r < 90 ? 1514 + (x >>> 8) % 60000 : r < 97 ? MAX_PACKET - (x >>> 8) % 4096 : MAX_PACKET;
    out.push(len);
    sum += 16 + len;
  }
  return out;
}

const lens = sizes(3.5 * SOURCE_BUFFER_SIZE);
const pkts: WritePacket[] = lens.map((len, i) => ({ tsSec: 1_000_000 + i, tsNsec: (i * 1000) % 1e9, data: frame(i, len) }));

/** Read every record, checking it against what was written as it goes (no copies kept). */
async function check(path: string, pcapOffsets: boolean): Promise<number> {
  const r = await openCapture(path);
  let i = 0;
  let off = 24;
  for (let guard = 0; guard < 1e6; guard++) {
    const x = r.next();
    if (x === null) {
      if (!(await r.fill())) break;
      continue;
    }
    const p = pkts[i];
    expect(x.tsSec).toBe(p.tsSec);
    expect(x.capLen).toBe(p.data.length);
    if (pcapOffsets) expect(x.fileOffset).toBe(off);
    off += 16 + p.data.length;
    const d = x.buf.subarray(x.offset, x.offset + x.capLen);
    // Every byte (Buffer.compare is one native call per record).
    expect(Buffer.compare(Buffer.from(d.buffer, d.byteOffset, d.length), Buffer.from(p.data))).toBe(0);
    i++;
  }
  await r.close();
  expect(r.info.error).toBeNull();
  return i;
}

describe('read-ahead across buffer swaps', () => {
  it(`pcap of ${lens.length} records (3.5 × the buffer)`, async () => {
    const path = tmpFile('big.pcap', writePcap(pkts));
    expect(await check(path, true)).toBe(pkts.length);
  });

  it('pcapng of the same records', async () => {
    const path = tmpFile('big.pcapng', writePcapng(pkts));
    expect(await check(path, false)).toBe(pkts.length);
  });

  it('a file cut inside a record past the first buffer: everything before it, then a warning at that record', async () => {
    const bytes = writePcap(pkts);
    // Cut 100 bytes into the data of the record that starts after 2 × the buffer.
    let off = 24;
    let k = 0;
    while (off < 2 * SOURCE_BUFFER_SIZE) off += 16 + pkts[k++].data.length;
    const path = tmpFile('cut.pcap', bytes.subarray(0, off + 16 + 100));
    const r = await openCapture(path);
    let n = 0;
    for (let guard = 0; guard < 1e6; guard++) {
      if (r.next() !== null) n++;
      else if (!(await r.fill())) break;
    }
    await r.close();
    expect(n).toBe(k);
    // A file that ends inside a record is a warning at that record's header (base.ts finish()).
    expect(r.info.error).toBeNull();
    expect(r.info.warnings.map((w) => w.offset)).toEqual([off]);
    expect(r.info.packets).toBe(k);
  });

  it('close() while a read-ahead is in flight', async () => {
    const path = tmpFile('early.pcap', writePcap(pkts));
    const r = await openCapture(path);
    expect(r.next()).not.toBeNull();
    await r.close(); // must neither throw nor leave the read to fail on a closed handle
    expect(r.info.error).toBeNull();
    expect(await r.fill()).toBe(false);
  });

  it('twelve files open at once (more than read ahead at a time), read round-robin, each byte for byte', async () => {
    const small = pkts.slice(0, 120); // ~5 MiB: more than one buffer each
    const bytes = writePcap(small);
    const readers = await Promise.all(Array.from({ length: 12 }, (_, k) => openCapture(tmpFile(`rr${k}.pcap`, bytes))));
    const seen = readers.map(() => 0);
    const done = readers.map(() => false);
    for (let guard = 0; guard < 1e6 && done.includes(false); guard++) {
      for (let k = 0; k < readers.length; k++) {
        if (done[k]) continue;
        const x = readers[k].next();
        if (x === null) {
          if (!(await readers[k].fill())) done[k] = true;
          continue;
        }
        const p = small[seen[k]++];
        const d = x.buf.subarray(x.offset, x.offset + x.capLen);
        expect(Buffer.compare(Buffer.from(d.buffer, d.byteOffset, d.length), Buffer.from(p.data))).toBe(0);
      }
    }
    for (const r of readers) await r.close();
    expect(seen).toEqual(readers.map(() => small.length));
    expect(readers.map((r) => r.info.error)).toEqual(readers.map(() => null));
  });
});

