/**
 * isoTime keeps the date part of the last minute and builds the rest from tables (capture/time.ts).
 * Reference: the platform's own Date.prototype.toISOString (ECMA-262 §21.4.4.36: "YYYY-MM-DDTHH:mm:ss.sssZ",
 * six-digit signed years outside 0…9999), whose seconds part must be ours, followed by the fraction
 * written out by hand here (6 digits for whole microseconds, else 9).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/capture/time.js';

function reference(sec: number, nsec: number): string {
  const iso = new Date(sec * 1000).toISOString(); // "...:ss.000Z"
  const frac = nsec % 1000 === 0 ? String(nsec / 1000).padStart(6, '0') : String(nsec).padStart(9, '0');
  return iso.slice(0, iso.lastIndexOf('.')) + '.' + frac + 'Z';
}

describe('isoTime', () => {
  it('equals toISOString to the second, then the fraction, in any call order (minute cache)', () => {
    const sec = fc.oneof(
      fc.constantFrom(0, -1, -60, -61, 59, 60, 1_700_000_000, 253402300799, 253402300800, -62167219200, -62167219201),
      fc.integer({ min: -1e10, max: 1e10 }),
      fc.integer({ min: 1_763_700_000, max: 1_763_700_600 }),
    );
    const nsec = fc.oneof(fc.constantFrom(0, 999_999_999, 999_999_000, 123_456_000, 1, 1000, 10), fc.integer({ min: 0, max: 999_999_999 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(sec, nsec), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [s, n] of calls) {
          expect(isoTime(s, n)).toBe(reference(s, n));
          expect(isoTime(s + 1, n)).toBe(reference(s + 1, n)); // next second, often the same minute
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('worked examples', () => {
    // 1763703450 = 2025-11-21 05:37:30 UTC (date -u -d @1763703450)
    expect(isoTime(1763703450, 1000)).toBe('2025-11-21T05:37:30.000001Z');
    expect(isoTime(1763703459, 5)).toBe('2025-11-21T05:37:39.000000005Z');
    expect(isoTime(-1, 999_999_999)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(isoTime(253402300800, 0)).toBe('+010000-01-01T00:00:00.000000Z');
  });
});
