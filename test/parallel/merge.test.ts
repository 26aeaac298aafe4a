/**
 * The ranking of a sharded run (src/parallel/merge.ts): shards number flows by their first
 * packet's global index; a flow's ordinary id is its rank among all flows' first packets. Expected
 * values are worked by hand below (a sorted list of first packets and each one's position), and in
 * the property test by sorting every shard's first packets together (an independent oracle: no
 * binary search, no watermarks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdRanker, ShardMerger } from '../../src/parallel/merge.js';

describe('IdRanker', () => {
  it('rank = number of flows over all shards whose first packet is ≤ the flow\'s own', () => {
    // Shard 0 created flows at packets 1, 4, 9; shard 1 at 2, 3, 7; shard 2 at 5.
    // All first packets sorted: 1 2 3 4 5 7 9 → ordinary ids 1 2 3 4 5 6 7.
    const r = new IdRanker(3);
    r.created(0, [1, 4, 9]);
    r.created(1, [2, 3, 7]);
    r.created(2, [5]);
    const want: [number, number][] = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [7, 6], [9, 7]];
    for (const [first, id] of want) expect(r.rank(first), `first packet ${first}`).toBe(id);
  });

  it('safe is the slowest shard\'s watermark; created ids must grow and watermarks must not go back', () => {
    const r = new IdRanker(2);
    expect(r.safe).toBe(0);
    r.watermark(0, 10);
    expect(r.safe).toBe(0);
    r.watermark(1, 7);
    expect(r.safe).toBe(7);
    r.watermark(1, Infinity);
    expect(r.safe).toBe(10);
    expect(() => r.watermark(0, 9)).toThrow(/went back/);
    r.created(0, [3, 5]);
    expect(() => r.created(0, [5])).toThrow(/out of order/);
    expect(() => r.created(1, [2, 2])).toThrow(/out of order/);
  });
});

describe('ShardMerger', () => {
  it('a hand-worked run of two shards: records wait for the slower shard, then go out in watermark order with their ranks', () => {
    // Packets 1..10. Shard 0 creates flows at packets 1, 4, 9; shard 1 at 2, 3, 7.
    // Ordinary ids (rank among 1 2 3 4 7 9): 1→1, 2→2, 3→3, 4→4, 7→5, 9→6.
    const out: [number, string][] = [];
    const m = new ShardMerger<string>(2, (id, v) => out.push([id, v]));
    // Shard 0, by packet 5: created 1 and 4; flow 4 ended ('a').
    m.created(0, [1, 4]);
    m.record(0, 4, 'a');
    m.watermark(0, 5);
    m.release();
    expect(out).toEqual([]); // shard 1 has reported nothing: flow 2 or 3 might exist
    // Shard 1, by packet 5: created 2 and 3; flow 2 ended ('b').
    m.created(1, [2, 3]);
    m.record(1, 2, 'b');
    m.watermark(1, 5);
    m.release();
    // Both segments close at 5: merged by provisional id (2 before 4).
    expect(out).toEqual([[2, 'b'], [4, 'a']]);
    // Shard 1 sends a batch before its next watermark (a size flush: the mark does not move): flow 3 ended ('c').
    m.created(1, [7]);
    m.record(1, 3, 'c');
    m.watermark(1, 5);
    m.release();
    expect(out.length).toBe(2); // 'c' was made after packet 5: its segment is still open
    m.watermark(1, 8);
    m.release();
    expect(out.length).toBe(2); // its segment closes at 8, but shard 0 is only at 5
    // Shard 0 by packet 10: created 9; flow 1 ended ('d').
    m.created(0, [9]);
    m.record(0, 1, 'd');
    m.watermark(0, 10);
    m.release();
    expect(out.slice(2)).toEqual([[3, 'c']]); // mark 8 ≤ min(10, 8); shard 0's segment (mark 10) waits for shard 1
    // Shard 1 ends: flow 7 ('f'). Then shard 0 ends: flow 9 ('e').
    m.record(1, 7, 'f');
    m.watermark(1, Infinity);
    m.release();
    expect(out.slice(3)).toEqual([[1, 'd']]);
    m.record(0, 9, 'e');
    m.watermark(0, Infinity);
    m.release();
    // Both end segments close at Infinity: merged by provisional id (7 before 9).
    expect(out.slice(4)).toEqual([[5, 'f'], [6, 'e']]);
    expect(m.waiting).toBe(0);
  });

  it('the capture-end bursts of two shards (each in id order) come out interleaved in id order, as one thread\'s finish()', () => {
    // Shard 0 holds flows first seen at packets 2, 5, 9; shard 1 at 3, 4, 10; all end with the capture.
    // One thread would release them in id order: ranks 1 (2), 2 (3), 3 (4), 4 (5), 5 (9), 6 (10).
    const out: number[] = [];
    const m = new ShardMerger<number>(2, (id, first) => out.push(id * 100 + first));
    m.created(0, [2, 5, 9]);
    m.created(1, [3, 4, 10]);
    for (const id of [2, 5, 9]) m.record(0, id, id);
    m.watermark(0, Infinity);
    m.release();
    expect(out).toEqual([]);
    for (const id of [3, 4, 10]) m.record(1, id, id);
    m.watermark(1, Infinity);
    m.release();
    expect(out).toEqual([102, 203, 304, 405, 509, 610]);
  });

  it('a shard done early: the other\'s end burst streams against its tail as it comes, smallest first, while ranks are known', () => {
    // Shard 0: flows first seen at 2, 5, 9, all ending with the capture (it is done). Shard 1: flows
    // at 3, 4, 10; it has read all 10 packets (watermark 10) and sends its end burst in two batches.
    // Sorted first packets 2 3 4 5 9 10 → ranks 1..6.
    const out: number[] = [];
    const m = new ShardMerger<number>(2, (id, first) => out.push(id * 100 + first));
    m.created(0, [2, 5, 9]);
    for (const id of [2, 5, 9]) m.record(0, id, id);
    m.watermark(0, Infinity);
    m.created(1, [3, 4, 10]);
    m.watermark(1, 10);
    m.release();
    expect(out).toEqual([]); // shard 1 may still send ids below 2
    m.record(1, 3, 3);
    m.record(1, 4, 4);
    m.release();
    expect(out).toEqual([102, 203, 304]); // 5 waits: shard 1's next could be smaller
    expect(m.waiting).toBe(2);
    m.record(1, 10, 10);
    m.release();
    expect(out).toEqual([102, 203, 304, 405, 509, 610]);
    m.watermark(1, Infinity);
    m.release();
    expect(out.length).toBe(6);
    expect(m.waiting).toBe(0);
  });

  it('waitingFrom counts each shard\'s records received and not emitted (run.ts bounds the main thread\'s by it)', () => {
    // Shard 0 created flows at packets 1, 3, 5; shard 1 at 2, 4. By packet 5 shard 0 ended all three;
    // shard 1 has reported nothing: its flows at packets 2 and 4 may precede them, so all three wait.
    const out: number[] = [];
    const m = new ShardMerger<string>(2, (id) => out.push(id));
    m.created(0, [1, 3, 5]);
    m.record(0, 1, 'a');
    m.record(0, 3, 'b');
    m.record(0, 5, 'c');
    m.watermark(0, 5);
    m.release();
    expect([m.waitingFrom(0), m.waitingFrom(1), m.waiting]).toEqual([3, 0, 3]);
    // Shard 1 by packet 3: created 2, ended it. Safe is 3: flows 1..3 have known ranks, but shard 0's
    // segment closed at 5 waits whole, and shard 1's record at 2 goes out (its segment closed at 3).
    m.created(1, [2]);
    m.record(1, 2, 'd');
    m.watermark(1, 3);
    m.release();
    expect(out).toEqual([2]); // first packet 2 is the second of 1 2 3 4 5
    expect([m.waitingFrom(0), m.waitingFrom(1)]).toEqual([3, 0]);
    // Shard 1 by packet 5: created 4. Shard 0's segment goes out: ranks 1, 3, 5.
    m.created(1, [4]);
    m.watermark(1, 5);
    m.release();
    expect(out).toEqual([2, 1, 3, 5]);
    expect([m.waitingFrom(0), m.waitingFrom(1), m.waiting]).toEqual([0, 0, 0]);
  });

  it('property: any split of flows over shards and any batching gives every record once, with the rank of its first packet', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ shard: fc.nat(3), life: fc.nat(30) }), { minLength: 0, maxLength: 60 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        (shards, flows, cuts, eager) => {
          // Flow k starts at packet 2k+1 in shard (shard % shards) and ends `life` packets later.
          const fl = flows.map((f, k) => ({ s: f.shard % shards, first: 2 * k + 1, end: 2 * k + 1 + f.life }));
          const last = 2 * fl.length + 40;
          // Oracle: sort every first packet; the ordinary id is the 1-based position.
          const sorted = fl.map((f) => f.first).sort((a, b) => a - b);
          const want = new Map(fl.map((f) => [f.first, sorted.indexOf(f.first) + 1]));
          const out: [number, number][] = [];
          const m = new ShardMerger<number>(shards, (id, first) => out.push([id, first]));
          // Each shard walks the packets; it flushes at the (shared) watermarks in `cuts`, reporting
          // the flows it created and the records it made since its last flush. Shards run one
          // after the other here (the most lag possible).
          const marks = [...new Set(cuts.map((c) => (c % last) + 1))].sort((a, b) => a - b);
          for (let s = 0; s < shards; s++) {
            const mine = fl.filter((f) => f.s === s);
            let from = 0;
            for (const w of [...marks, Infinity]) {
              m.created(s, mine.filter((f) => f.first > from && f.first <= w).map((f) => f.first));
              // Records in the order the shard makes them (by end packet), released now and then
              // between batches as the main thread would (`eager`).
              const made = mine.filter((f) => f.end > from && f.end <= w).sort((a, b) => a.end - b.end || a.first - b.first);
              for (const [j, f] of made.entries()) {
                m.record(s, f.first, f.first);
                if (eager[j % eager.length]) m.release();
              }
              m.watermark(s, w);
              m.release();
              from = w;
            }
          }
          expect(out.length).toBe(fl.length);
          for (const [id, first] of out) expect(id).toBe(want.get(first));
          expect(new Set(out.map((o) => o[0])).size).toBe(fl.length);
          expect(m.waiting).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
