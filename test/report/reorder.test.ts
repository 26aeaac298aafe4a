import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reorder } from '../../src/report/reorder.js';

describe('Reorder', () => {
  it('puts ids back in order, skipping the filtered-out (null) ones', () => {
    const out: number[] = [];
    const r = new Reorder<number>((v) => out.push(v));
    for (const id of [5, 1, 3, 2, 4, 7, 6]) r.push(id, id === 3 ? null : id);
    expect(out).toEqual([1, 2, 4, 5, 6, 7]);
    expect(r.waiting).toBe(0);
  });

  it('any arrival order of 1..n comes out sorted when it fits under the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }).chain((n) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n })), (ids) => {
        const out: number[] = [];
        const r = new Reorder<number>((v) => out.push(v), 1000);
        for (const id of ids) r.push(id, id);
        r.flush();
        expect(out).toEqual([...ids].sort((a, b) => a - b));
      }),
    );
  });

  it('never holds more than the cap, and still emits every record exactly once (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n })), fc.integer({ min: 1, max: 20 }), (ids, cap) => {
        const out: number[] = [];
        const r = new Reorder<number>((v) => out.push(v), cap);
        for (const id of ids) {
          r.push(id, id);
          expect(r.waiting).toBeLessThanOrEqual(cap);
        }
        r.flush();
        expect([...out].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      }),
    );
  });

  it('a missing id holds the rest only until the end (flush) or the cap', () => {
    const out: number[] = [];
    const r = new Reorder<number>((v) => out.push(v), 3);
    for (const id of [2, 3, 4]) r.push(id, id);
    expect(out).toEqual([]);
    r.push(5, 5); // 4 waiting > cap 3: the smallest (2) goes, then 3, 4, 5 follow in order
    expect(out).toEqual([2, 3, 4, 5]);
    r.push(1, 1); // late: out at once
    expect(out).toEqual([2, 3, 4, 5, 1]);
  });

  // Waiting ASCII strings are held as latin1 bytes (reorder.ts); whatever is waiting must come out
  // as the very string that went in. Expected values: the input strings themselves.
  it('strings come out unchanged and in order, ASCII (held as bytes) or not (property)', () => {
    const line = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('{"id":1}\n', 'é', 'ÿ\u0080', '😀', '\ud800', 'a\u0000b', ''),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }).chain((n) =>
          fc.tuple(fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n }), fc.array(line, { minLength: n, maxLength: n })),
        ),
        fc.integer({ min: 1, max: 200 }),
        ([ids, lines], cap) => {
          const out: string[] = [];
          const r = new Reorder<string>((v) => out.push(v), cap);
          for (const id of ids) r.push(id, lines[id - 1]);
          expect(r.waiting).toBeLessThanOrEqual(cap);
          r.flush();
          expect(r.waiting).toBe(0);
          // Every string exactly once; in id order when everything fitted under the cap.
          expect([...out].sort()).toEqual([...lines].sort());
          if (cap >= ids.length) expect(out).toEqual(lines);
        },
      ),
    );
  });

  it('a 2.3 KB ASCII line waiting behind a smaller id, and one with a non-latin1 character', () => {
    const big = '{"id":2,' + '"x":"' + 'a'.repeat(2300) + '"}\n';
    const out: string[] = [];
    const r = new Reorder<string>((v) => out.push(v));
    r.push(3, 'snow ☃\n');
    r.push(2, big);
    expect(r.waiting).toBe(2);
    r.push(1, 'first\n');
    expect(out).toEqual(['first\n', big, 'snow ☃\n']);
  });
});

