/**
 * Property tests: whatever the bytes, the reader never throws anything but CaptureError from
 * openCapture, always terminates, and every delivered record lies inside its buffer with
 * sane fields. Damage shows up only in info.error / info.warnings.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/types.js';
import { writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { frame, tmpFile } from './helpers.js';

/** Drain with checks; returns the number of records. Throws only on a contract violation. */
async function check(bytes: Uint8Array, viaStdin = false): Promise<number> {
  let reader;
  try {
    if (viaStdin) {
      const s = new PassThrough();
      s.end(Buffer.from(bytes));
      reader = await openCapture('-', { stdin: s });
    } else reader = await openCapture(tmpFile('fuzz', bytes));
  } catch (e) {
    if (e instanceof CaptureError && e.offset === 0) return -1;
    throw e;
  }
  let n = 0;
  let lastOffset = -1;
  for (let steps = 0; ; steps++) {
    if (steps > 1e6) throw new Error('reader does not terminate');
    const r = reader.next();
    if (r === null) {
      if (!(await reader.fill())) break;
      continue;
    }
    n++;
    if (r.offset < 0 || r.capLen < 0 || r.offset + r.capLen > r.buf.length) throw new Error('record outside its buffer');
    if (r.capLen > 262144) throw new Error('capLen above the limit');
    if (!(r.tsNsec >= 0 && r.tsNsec < 1e9 && Number.isInteger(r.tsNsec))) throw new Error(`bad tsNsec ${r.tsNsec}`);
    if (r.fileOffset <= lastOffset) throw new Error('offsets not increasing');
    if (r.frame !== n) throw new Error('frame numbers');
    lastOffset = r.fileOffset;
  }
  const info = reader.info;
  if (info.packets !== n) throw new Error('info.packets');
  if (info.error !== null && !(info.error instanceof CaptureError)) throw new Error('info.error type');
  for (const w of info.warnings) if (typeof w.offset !== 'number' || typeof w.message !== 'string') throw new Error('warning shape');
  await reader.close();
  return n;
}

const packets = fc.array(
  fc.record({
    tsSec: fc.nat({ max: 0xffffffff }),
    tsNsec: fc.nat({ max: 999999999 }),
    len: fc.nat({ max: 300 }),
    ifIndex: fc.nat({ max: 2 }),
  }),
  { maxLength: 12 },
);

function build(kind: number, ps: { tsSec: number; tsNsec: number; len: number; ifIndex: number }[]): Uint8Array {
  const w: WritePacket[] = ps.map((p, i) => ({ tsSec: p.tsSec, tsNsec: p.tsNsec, data: frame(i, p.len), ifIndex: p.ifIndex }));
  switch (kind) {
    case 0:
      return writePcap(w);
    case 1:
      return writePcap(w, { nanosecond: true, bigEndian: true });
    case 2:
      return writePcap(w, { modified: true });
    case 3:
      return writePcapng(w.map((p) => ({ ...p, tsSec: p.tsSec % 100000 })), {
        interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 0x80 | 30 }, { linkType: 101, tsresol: 9, tsoffset: 5 }],
        extraBlocks: true,
      });
    case 4:
      return writePcapng(w, { bigEndian: true, obsoletePacketBlock: true, interfaces: [{ linkType: 1 }, { linkType: 1 }, { linkType: 1 }] });
    default:
      return writePcapng(w.map((p) => ({ ...p, ifIndex: 0 })), { simple: true });
  }
}

const valid = fc.tuple(fc.nat({ max: 5 }), packets).map(([k, ps]) => build(k, ps));

describe('reader fuzzing', () => {
  it('valid captures read back every packet', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 5 }), packets, async (k, ps) => {
        expect(await check(build(k, ps))).toBe(ps.length);
      }),
      { numRuns: 150 },
    );
  });

  it('random bytes (with and without a capture magic)', async () => {
    const magics = [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x34, 0xcd, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a], []];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), async (m, rest) => {
        await check(Uint8Array.from([...m, ...rest]));
      }),
      { numRuns: 300 },
    );
  });

  it('bit flips in valid captures', async () => {
    await fc.assert(
      fc.asyncProperty(valid, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { minLength: 1, maxLength: 6 }), async (b, flips) => {
        const c = b.slice();
        for (const [at, bit] of flips) c[at % c.length] ^= 1 << bit;
        await check(c);
      }),
      { numRuns: 300 },
    );
  });

  it('absurd 32-bit values written over valid captures', async () => {
    await fc.assert(
      fc.asyncProperty(valid, fc.nat(), fc.constantFrom(0, 0xffffffff, 0xfffffffc, 0x7fffffff, 0x40000, 0x40001, 12, 13), async (b, at, v) => {
        const c = b.slice();
        const pos = (at % Math.max(1, c.length - 3)) & ~3;
        if (c.length >= 4) new DataView(c.buffer).setUint32(pos, v, true);
        await check(c);
      }),
      { numRuns: 300 },
    );
  });

  it('truncations (file and stdin agree), gzip too', async () => {
    await fc.assert(
      fc.asyncProperty(valid, fc.nat(), async (b, cut) => {
        const c = b.subarray(0, cut % (b.length + 1));
        const n = await check(c);
        expect(await check(c, true)).toBe(n);
        if (c.length > 0) await check(gzipSync(b).subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 200 },
    );
  });
});
