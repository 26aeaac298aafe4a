/**
 * RFC 1982 serial-number comparisons on uint32 sequence numbers (RFC 9293 §3.4: "arithmetic … modulo 2**32").
 * Expected values: RFC 1982 §3.2 — i1 < i2 iff (i1 < i2 and i2 − i1 < 2^31) or (i1 > i2 and i1 − i2 > 2^31).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../../src/flow/seq.js';

const MAX = 0xffffffff;

/** RFC 1982 §3.2 definition, written with plain (non-modular) arithmetic on exact integers. */
function rfcLt(i1: number, i2: number): boolean {
  return (i1 < i2 && i2 - i1 < 2 ** 31) || (i1 > i2 && i1 - i2 > 2 ** 31);
}

describe('seq.ts', () => {
  it('orders across the 2^32 wrap', () => {
    expect(seqLt(MAX, 0)).toBe(true); // 4294967295 + 1 wraps to 0
    expect(seqGt(0, MAX)).toBe(true);
    expect(seqLt(MAX - 10, 5)).toBe(true);
    expect(seqLe(5, 5)).toBe(true);
    expect(seqGe(5, 5)).toBe(true);
    expect(seqLt(5, 5)).toBe(false);
    expect(seqDiff(MAX - 1, 3)).toBe(5); // from 4294967294 to 3: 2 steps to 0, then 3
    expect(seqDiff(3, MAX - 1)).toBe(-5);
    expect(seqAdd(MAX, 2)).toBe(1);
    // Values past 2^32 (seq + len computed in a double) reduce the same way.
    expect(seqGe(MAX + 3, 1)).toBe(true);
    expect(seqLt(2 ** 32 + 1, 2)).toBe(true);
  });

  it('agrees with RFC 1982 §3.2 for any pair not exactly 2^31 apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX }), (a, b) => {
        fc.pre(Math.abs(a - b) !== 2 ** 31);
        expect(seqLt(a, b)).toBe(rfcLt(a, b));
        expect(seqGt(a, b)).toBe(rfcLt(b, a));
        expect(seqLe(a, b)).toBe(a === b || rfcLt(a, b));
        expect(seqGe(a, b)).toBe(a === b || rfcLt(b, a));
      }),
      { numRuns: 5000 },
    );
  });
});
