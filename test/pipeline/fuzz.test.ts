/**
 * Issue 5: property-based fuzzing of the whole pipeline (capture bytes → analyze() → every output
 * formatter in src/report/). Nothing may throw out of analyze() except a CaptureError at open for
 * input that is not a capture; everything read before damage stays in the results.
 *
 * Expected values come from the capture formats (the pcap draft's 24-byte file header and 16-byte
 * record headers: which records are whole before a cut or a flipped byte is arithmetic on the
 * offsets we wrote), not from synfin's output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { tcpFrame } from '../../src/synth/frames.js';
import { C, S, missingFormatters, pcapRecordOffsets, runWholePipeline, sampleConversation } from './helpers.js';

const PKTS = sampleConversation();
const PCAP = writePcap(PKTS);
const OFFS = pcapRecordOffsets(PKTS);
const PCAPNG = writePcapng(PKTS, { extraBlocks: true });
const PCAPNG_BE = writePcapng(PKTS, { bigEndian: true });

/** Number of records wholly inside the first `k` bytes of PCAP. */
function wholeRecordsBefore(k: number): number {
  let n = 0;
  while (n < PKTS.length && OFFS[n + 1] <= k) n++;
  return n;
}

const RUNS = { numRuns: 60, seed: 5, endOnFailure: true } as const;

describe('whole pipeline on random and damaged captures', () => {
  it('lists the formatters it exercises', async () => {
    const out = await runWholePipeline(PCAP, 'valid.pcap');
    expect(out.result).not.toBeNull();
    // The valid sample: 14 frames written (independent count: sampleConversation builds 14 frames).
    expect(out.result!.layers.frames).toBe(14);
    // 2 TCP connections (4-tuples 40000 and 40001) + 1 UDP conversation: 3 records.
    expect(out.result!.records.length).toBe(3);
    // every formatter of src/report/ is exercised: NDJSON, JSON, CSV, table, conn.log, stuck, HTML
    expect(missingFormatters).toEqual([]);
    expect(Object.keys(out.outputs).sort()).toEqual(['csv', 'html', 'json', 'ndjson', 'stuck', 'table', 'zeek']);
  });

  it('a zero-length file is one CaptureError line at byte 0', async () => {
    const out = await runWholePipeline(new Uint8Array(0), 'empty.pcap');
    expect(out.openError).not.toBeNull();
    expect(out.openError!.offset).toBe(0);
  });

  it('random bytes: never throws (except CaptureError at open), every output well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), async (bytes) => {
        await runWholePipeline(bytes);
      }),
      RUNS,
    );
  });

  it('random bytes behind a valid pcap / pcapng header: never throws, reading stops with a one-line error or warning', async () => {
    // pcap: the 24-byte file header; pcapng: the Section Header Block and the first Interface Description Block
    const d = new DataView(PCAPNG.buffer, PCAPNG.byteOffset);
    const shb = d.getUint32(4, true);
    const heads = [PCAP.subarray(0, 24), PCAPNG.subarray(0, shb + d.getUint32(shb + 4, true))];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), fc.uint8Array({ minLength: 0, maxLength: 4000 }), async (h, body) => {
        const bytes = new Uint8Array(heads[h].length + body.length);
        bytes.set(heads[h]);
        bytes.set(body, heads[h].length);
        const out = await runWholePipeline(bytes, h ? 'rnd.pcapng' : 'rnd.pcap');
        expect(out.openError).toBeNull();
      }),
      RUNS,
    );
  });

  it('truncation of a valid pcap at any byte: every whole record before the cut is analysed, the partial one is a warning at its offset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: PCAP.length }), async (k) => {
        const out = await runWholePipeline(PCAP.subarray(0, k), 'cut.pcap');
        if (k < 4) {
          // fewer bytes than a magic number: not a capture
          expect(out.openError).not.toBeNull();
          return;
        }
        if (out.openError) {
          // only a cut inside the 24-byte file header may be refused at open
          expect(k).toBeLessThan(24);
          return;
        }
        const res = out.result!;
        const want = k < 24 ? 0 : wholeRecordsBefore(k);
        expect(res.layers.frames).toBe(want);
        const onBoundary = OFFS.includes(k);
        if (k >= 24 && !onBoundary) {
          // a partial record at the end: a warning (or error) at the byte where that record starts
          const problems = [...res.captures[0].warnings.map((w) => w.offset), ...(res.error ? [res.error.offset] : [])];
          expect(problems).toContain(OFFS[want]);
        }
        if (onBoundary && k >= 24) {
          expect(res.error).toBeNull();
          expect(res.captures[0].warnings).toEqual([]);
        }
      }),
      { ...RUNS, numRuns: 80 },
    );
  });

  it('truncation of a valid pcapng: frames never decrease as the cut moves right, the whole file reads every frame', async () => {
    const full = await runWholePipeline(PCAPNG, 'full.pcapng');
    expect(full.result!.layers.frames).toBe(PKTS.length);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: PCAPNG.length }), fc.integer({ min: 0, max: PCAPNG.length }), async (a, b) => {
        const [k1, k2] = a <= b ? [a, b] : [b, a];
        const o1 = await runWholePipeline(PCAPNG.subarray(0, k1), 'cut1.pcapng');
        const o2 = await runWholePipeline(PCAPNG.subarray(0, k2), 'cut2.pcapng');
        const f1 = o1.result?.layers.frames ?? 0;
        const f2 = o2.result?.layers.frames ?? 0;
        expect(f1).toBeLessThanOrEqual(f2);
        if (k2 < PCAPNG.length) expect(f2).toBeLessThan(PKTS.length + 1);
      }),
      { ...RUNS, numRuns: 30 },
    );
  });

  it('bit flips in a valid pcap: records wholly before the first flipped byte are all analysed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: PCAP.length * 8 - 1 }), { minLength: 1, maxLength: 8 }), async (bits) => {
        const b = PCAP.slice();
        for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
        const first = Math.min(...bits) >> 3;
        const out = await runWholePipeline(b, 'flip.pcap');
        if (out.openError) {
          expect(first).toBeLessThan(4); // only a damaged magic number makes it "not a capture"
          return;
        }
        if (first >= 24) expect(out.result!.layers.frames).toBeGreaterThanOrEqual(wholeRecordsBefore(first));
      }),
      RUNS,
    );
  });

  it('bit flips in valid pcapng (little- and big-endian, with extra blocks): never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(PCAPNG, PCAPNG_BE),
        fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 8 }),
        async (src, bits) => {
          const b = src.slice();
          for (const x of bits) {
            const bit = x % (b.length * 8);
            b[bit >> 3] ^= 1 << (bit & 7);
          }
          await runWholePipeline(b, 'flip.pcapng');
        },
      ),
      RUNS,
    );
  });

  it('absurd record lengths in pcap: caplen 0xFFFFFFFF, caplen > snaplen, origLen < caplen, caplen 0', async () => {
    const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: PKTS.length - 1 }),
        fc.constantFrom(0xffffffff, 0x7fffffff, 262145, 70000, 0, 1, 13),
        fc.constantFrom('cap', 'orig', 'both'),
        async (i, v, which) => {
          const b = PCAP.slice();
          const at = OFFS[i];
          if (which !== 'orig') dv(b).setUint32(at + 8, v, true);
          if (which !== 'cap') dv(b).setUint32(at + 12, v, true);
          const out = await runWholePipeline(b, 'len.pcap');
          // every record before the damaged one is delivered (pcap draft: records are sequential)
          expect(out.result!.layers.frames).toBeGreaterThanOrEqual(i);
          if (which === 'orig') expect(out.result!.layers.frames).toBe(PKTS.length); // origLen never moves the reader
        },
      ),
      { ...RUNS, examples: [[3, 0xffffffff, 'cap'], [0, 0xffffffff, 'both'], [PKTS.length - 1, 0x7fffffff, 'cap']] },
    );
  });

  it('pcapng block lengths 0xFFFFFFFC, 0, 12, unaligned: a one-line error at that block, earlier packets kept', async () => {
    // walk the blocks of PCAPNG (pcapng draft §3.1: type, total length, body, total length)
    const blocks: { at: number; type: number }[] = [];
    const d = new DataView(PCAPNG.buffer, PCAPNG.byteOffset, PCAPNG.byteLength);
    for (let at = 0; at < PCAPNG.length; at += d.getUint32(at + 4, true)) blocks.push({ at, type: d.getUint32(at, true) });
    const epbs = blocks.filter((x) => x.type === 6);
    expect(epbs.length).toBe(PKTS.length);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: blocks.length - 1 }), fc.constantFrom(0xfffffffc, 0, 4, 12, 13, 0x80000000), async (bi, len) => {
        const b = PCAPNG.slice();
        new DataView(b.buffer).setUint32(blocks[bi].at + 4, len, true);
        const out = await runWholePipeline(b, 'blk.pcapng');
        if (bi === 0) return; // the SHB itself: open may refuse it
        const before = epbs.filter((x) => x.at < blocks[bi].at).length;
        const res = out.result!;
        expect(res.layers.frames).toBeGreaterThanOrEqual(before);
        if (len === 0xfffffffc || len === 0 || len === 4 || len === 13) {
          // impossible lengths: reading stops with one line naming the byte offset of the block
          const problems = [...(res.error ? [res.error.offset] : []), ...res.captures[0].warnings.map((w) => w.offset)];
          expect(problems).toContain(blocks[bi].at);
          expect(res.layers.frames).toBe(before);
        }
      }),
      // always include: 0xFFFFFFFC on the first EPB and on the IDB, 0 on the last EPB
      { ...RUNS, numRuns: 40, examples: [[blocks.indexOf(epbs[0]), 0xfffffffc], [1, 0xfffffffc], [blocks.indexOf(epbs[epbs.length - 1]), 0]] },
    );
  });

  it('timestamps going backwards: never throws, durations stay finite and ≥ 0', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4_000_000 }), { minLength: PKTS.length, maxLength: PKTS.length }), async (ts) => {
        const pk: WritePacket[] = PKTS.map((p, i) => ({ ...p, tsSec: 1_700_000_000 + Math.floor(ts[i] / 1000), tsNsec: (ts[i] % 1000) * 1_000_000 }));
        const out = await runWholePipeline(writePcap(pk, { nanosecond: true }), 'back.pcap');
        expect(out.result!.layers.frames).toBe(PKTS.length);
      }),
      { ...RUNS, numRuns: 40 },
    );
  });

  it('sequence numbers near 2^32: an in-order transfer across the wrap counts its bytes exactly and has no retransmissions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.integer({ min: 1, max: 1460 }), { minLength: 1, maxLength: 12 }),
        async (below, sizes) => {
          const isn = (2 ** 32 - below) >>> 0;
          const sisn = 0xfffffff0;
          const f: Uint8Array[] = [];
          const t = (fromC: boolean, flags: string, seq: number, ack: number, payload = 0) =>
            tcpFrame({ src: fromC ? C : S, dst: fromC ? S : C, sport: fromC ? 50000 : 443, dport: fromC ? 443 : 50000, seq: seq >>> 0, ack: ack >>> 0, flags, payload });
          f.push(t(true, 'S', isn, 0), t(false, 'SA', sisn, isn + 1), t(true, 'A', isn + 1, sisn + 1));
          let seq = isn + 1;
          for (const n of sizes) {
            f.push(t(true, 'PA', seq, sisn + 1, n));
            seq += n;
            f.push(t(false, 'A', sisn + 1, seq));
          }
          f.push(t(true, 'FA', seq, sisn + 1), t(false, 'FA', sisn + 1, seq + 1), t(true, 'A', seq + 1, sisn + 2));
          const out = await runWholePipeline(writePcap(f.map((data, i) => ({ tsSec: 1_700_000_000, tsNsec: i * 1000, data }))), 'wrap.pcap');
          const recs = out.result!.records;
          expect(recs.length).toBe(1);
          const total = sizes.reduce((a, b) => a + b, 0); // the bytes we sent, summed by hand
          expect(recs[0].bytes.client).toBe(total);
          expect(recs[0].bytes.server).toBe(0);
          expect(recs[0].retransmissions).toEqual({ client: 0, server: 0 });
          expect(recs[0].teardown).toBe('graceful');
        },
      ),
      { ...RUNS, numRuns: 40 },
    );
  });
});
