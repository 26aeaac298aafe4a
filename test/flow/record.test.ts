/**
 * record.ts's cached ISO formatter must give exactly capture/time.ts's isoTime string (the
 * reference) for any (sec, nsec), in any call order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoTime } from '../../src/capture/time.js';
import { isoTimeCached } from '../../src/flow/record.js';

describe('isoTimeCached', () => {
  it('equals isoTime for every call, repeated seconds included', () => {
    const sec = fc.oneof(fc.constantFrom(0, -1, 1_700_000_000, 253402300799), fc.integer({ min: -1e10, max: 1e10 }));
    const nsec = fc.oneof(fc.constantFrom(0, 999_999_999, 123_456_000, 1), fc.integer({ min: 0, max: 999_999_999 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(sec, nsec), { minLength: 1, maxLength: 20 }), (calls) => {
        for (const [s, n] of calls) {
          expect(isoTimeCached(s, n)).toBe(isoTime(s, n));
          expect(isoTimeCached(s, (n + 7) % 1e9)).toBe(isoTime(s, (n + 7) % 1e9)); // same second again
        }
      }),
      { numRuns: 2000 },
    );
  });
});
