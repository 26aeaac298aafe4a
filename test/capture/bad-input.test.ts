/**
 * Bad input: every failure names the file and the byte offset; what was read before the damage
 * is delivered. Offsets are computed by hand from the formats (24-byte pcap file header,
 * 16-byte record headers; pcapng SHB 28 bytes, IDB 20 bytes, EPB 32 + padded data).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/types.js';
import { writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { drain, frame, tmpFile } from './helpers.js';

const pkts: WritePacket[] = [60, 1514, 42, 64, 60].map((len, i) => ({ tsSec: 1000 + i, tsNsec: 0, data: frame(i, len) }));
const pcap = writePcap(pkts);
// Record header offsets (24 + Σ(16 + len)).
const off = [24, 100, 1630, 1688, 1768];
expect(pcap.length).toBe(1768 + 16 + 60);

async function openErr(path: string): Promise<CaptureError> {
  try {
    await openCapture(path);
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error('openCapture did not throw');
}

function mutate(b: Uint8Array, f: (dv: DataView) => void): Uint8Array {
  const c = b.slice();
  f(new DataView(c.buffer));
  return c;
}

describe('not a capture', () => {
  it('HTML file: one line with the first bytes', async () => {
    const path = tmpFile('page.pcap', new TextEncoder().encode('<!DOCTYPE html><html></html>'));
    const e = await openErr(path);
    expect(e.file).toBe(path);
    expect(e.offset).toBe(0);
    expect(e.message).toBe(`${path}: byte 0: not a capture file (starts with 3c 21 44 4f "<!DO")`);
    expect(e.message).not.toContain('\n');
  });
  it('empty file', async () => {
    const path = tmpFile('empty.pcap', new Uint8Array(0));
    const e = await openErr(path);
    expect([e.file, e.offset]).toEqual([path, 0]);
    expect(e.reason).toMatch(/empty/);
  });
  it('missing file', async () => {
    const e = await openErr('/nonexistent/dir/x.pcap');
    expect([e.file, e.offset]).toEqual(['/nonexistent/dir/x.pcap', 0]);
    expect(e.reason).toMatch(/no such file/);
  });
  it('3 bytes', async () => {
    const e = await openErr(tmpFile('short', Uint8Array.of(0xd4, 0xc3, 0xb2)));
    expect(e.reason).toBe('not a capture file (only 3 bytes: d4 c3 b2 "...")');
  });
  it('gzip of something that is not a capture', async () => {
    const e = await openErr(tmpFile('t.gz', gzipSync(new TextEncoder().encode('hello world'))));
    expect(e.reason).toBe('not a capture file (gzip data that decompresses to bytes starting with 68 65 6c 6c "hell")');
  });
  it('gzip magic followed by garbage', async () => {
    const e = await openErr(tmpFile('bad.gz', Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
    expect(e.offset).toBe(0);
    expect(e.reason).toMatch(/^gzip/);
  });
});

describe('classic pcap damage', () => {
  it('truncated inside the file header: warning, no packets', async () => {
    const path = tmpFile('hdr.pcap', pcap.subarray(0, 20));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toEqual([]);
    expect(info.error).toBeNull();
    expect(info.warnings).toEqual([{ file: path, offset: 0, message: 'file ends inside the pcap file header (20 of 24 bytes)' }]);
  });

  it('truncated inside a record: warning at the record, every earlier packet delivered', async () => {
    const path = tmpFile('mid.pcap', pcap.subarray(0, off[3] + 16 + 10));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs.map((r) => r.tsSec)).toEqual([1000, 1001, 1002]);
    expect(info.error).toBeNull();
    expect(info.packets).toBe(3);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toMatchObject({ file: path, offset: off[3] });
    expect(info.warnings[0].message).toMatch(/^file ends inside a record \(10 of 64 packet bytes/);
  });

  it('truncated inside a record header', async () => {
    const path = tmpFile('midhdr.pcap', pcap.subarray(0, off[4] + 5));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(4);
    expect(info.warnings[0]).toMatchObject({ file: path, offset: off[4] });
    expect(info.warnings[0].message).toMatch(/record header \(5 of 16 bytes/);
  });

  for (const cap of [0xffffffff, 0x7fffffff, 262145]) {
    it(`captured length ${cap}: error at the record, earlier packets delivered`, async () => {
      const path = tmpFile('absurd.pcap', mutate(pcap, (dv) => dv.setUint32(off[2] + 8, cap, true)));
      const { recs, info } = await drain(await openCapture(path));
      expect(recs).toHaveLength(2);
      expect(info.error).toBeInstanceOf(CaptureError);
      expect(info.error!.file).toBe(path);
      expect(info.error!.offset).toBe(off[2]);
      expect(info.error!.reason).toBe(`record captured length ${cap} is larger than 262144 bytes`);
      expect(info.warnings).toEqual([]);
    });
  }

  it('captured length under 256 KiB but larger than the file: error', async () => {
    const path = tmpFile('past.pcap', mutate(pcap, (dv) => dv.setUint32(off[1] + 8, 200000, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(1);
    expect(info.error!.offset).toBe(off[1]);
    expect(info.error!.reason).toBe(`record length 200016 is larger than the file (${pcap.length} bytes)`);
  });

  it('gzip truncated: warning, the packets decompressed before it delivered', async () => {
    const big = writePcap(Array.from({ length: 400 }, (_, i) => ({ tsSec: i, tsNsec: 0, data: frame(i, 300) })));
    const gz = gzipSync(big);
    const path = tmpFile('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const { recs, info } = await drain(await openCapture(path));
    expect(info.gzip).toBe(true);
    expect(info.error).toBeNull();
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.length).toBeLessThan(400);
    recs.forEach((r, i) => expect([r.tsSec, r.data]).toEqual([i, Array.from(frame(i, 300))]));
    expect(info.warnings.map((w) => w.file)).toContain(path);
    expect(info.warnings.some((w) => /gzip data ends early/.test(w.message))).toBe(true);
  });
});

describe('pcapng damage', () => {
  const ng = writePcapng(pkts);
  // SHB 28 + IDB 20 → first EPB at 48; EPB = 32 + data padded to 4: 92, 1548, 76, 96, 92.
  const blk = [48, 140, 1688, 1764, 1860];
  expect(ng.length).toBe(1860 + 92);

  it('block length 0xFFFFFFFC: error at that block', async () => {
    const path = tmpFile('huge.pcapng', mutate(ng, (dv) => dv.setUint32(blk[2] + 4, 0xfffffffc, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(2);
    expect(info.error).toMatchObject({ file: path, offset: blk[2] });
    expect(info.error!.reason).toMatch(/^block length 4294967292 is larger than/);
  });

  it('trailing length differs from leading length: corrupt', async () => {
    const path = tmpFile('trail.pcapng', mutate(ng, (dv) => dv.setUint32(blk[1] + 1548 - 4, 1552, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(1);
    expect(info.error).toMatchObject({ file: path, offset: blk[1] });
    expect(info.error!.reason).toBe('block trailing length 1552 differs from its leading length 1548');
  });

  it('block length not a multiple of 4', async () => {
    const path = tmpFile('odd.pcapng', mutate(ng, (dv) => dv.setUint32(blk[3] + 4, 95, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(3);
    expect(info.error).toMatchObject({ offset: blk[3] });
  });

  it('packet on an undefined interface', async () => {
    const path = tmpFile('ifid.pcapng', mutate(ng, (dv) => dv.setUint32(blk[0] + 8, 7, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(0);
    expect(info.error).toMatchObject({ offset: blk[0], reason: 'packet on interface 7, but the section has 1 interface(s)' });
  });

  it('captured length larger than its block', async () => {
    const path = tmpFile('caplen.pcapng', mutate(ng, (dv) => dv.setUint32(blk[4] + 20, 61, true)));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(4);
    expect(info.error).toMatchObject({ offset: blk[4], reason: 'packet captured length 61 does not fit in its 92-byte block' });
  });

  it('file ends inside a block: warning, earlier packets delivered', async () => {
    const path = tmpFile('cut.pcapng', ng.subarray(0, blk[3] + 40));
    const { recs, info } = await drain(await openCapture(path));
    expect(recs).toHaveLength(3);
    expect(info.error).toBeNull();
    expect(info.warnings).toEqual([
      { file: path, offset: blk[3], message: 'file ends inside a block (40 of 96 bytes; capture cut short or still being written)' },
    ]);
  });

  it('bad byte-order magic in a second section', async () => {
    const two = new Uint8Array(ng.length * 2);
    two.set(ng);
    two.set(ng, ng.length);
    new DataView(two.buffer).setUint32(ng.length + 8, 0x11223344, true);
    const { recs, info } = await drain(await openCapture(tmpFile('bom.pcapng', two)));
    expect(recs).toHaveLength(5);
    expect(info.error).toMatchObject({ offset: ng.length });
    expect(info.error!.reason).toMatch(/byte-order magic/);
  });
});
