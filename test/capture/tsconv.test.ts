/**
 * pcapng timestamp conversion: every resolution, against BigInt arithmetic as the oracle
 * (sec = ts / U, nsec = (ts mod U)·10^9 / U, truncating, as Wireshark's wiretap computes it),
 * plus hand-worked values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TsResolution, toSecNsec, tsOut } from '../../src/capture/tsconv.js';
import { durationNs, isoTime } from '../../src/capture/time.js';

function oracle(ts: bigint, tsresol: number): [number, number] {
  const u = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return [Number(ts / u), Number(((ts % u) * 1_000_000_000n) / u)];
}

function conv(ts: bigint, tsresol: number): [number, number] {
  toSecNsec(Number(ts >> 32n), Number(ts & 0xffffffffn), new TsResolution(tsresol));
  return [tsOut.sec, tsOut.nsec];
}

const resolutions = [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 64 }, (_, k) => 0x80 | k)];

describe('pcapng timestamp conversion', () => {
  it('hand-worked values', () => {
    // µs: 1763703450.123456 s = 1763703450123456 units
    expect(conv(1763703450123456n, 6)).toEqual([1763703450, 123456000]);
    // ns, beyond 2^53 (long-division path): 1763703450.999999999 s
    expect(conv(1763703450999999999n, 9)).toEqual([1763703450, 999999999]);
    // 2^-10: 1023 units = 0.9990234375 s → 999023437 ns (truncated)
    expect(conv(1023n, 0x8a)).toEqual([0, 999023437]);
    // 2^-32: 2^32 units = 1 s; 2^31 units = 0.5 s
    expect(conv((5n << 32n) | (1n << 31n), 0xa0)).toEqual([5, 500000000]);
    // ps, 2^64 − 1 units = 18446744.073709551615 s
    expect(conv(2n ** 64n - 1n, 12)).toEqual([18446744, 73709551]);
    // 2^-63: 2^64 − 1 units = 1.999999999999999999891… s
    expect(conv(2n ** 64n - 1n, 0x80 | 63)).toEqual([1, 999999999]);
    // 10^-11 (limb path, units < 2^37), 2^64 − 1 units = 184467440.73709551615 s
    expect(conv(2n ** 64n - 1n, 11)).toEqual([184467440, 737095516]);
  });

  it('matches BigInt arithmetic for any 64-bit value and any resolution', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(...resolutions), (ts, r) => {
        expect(conv(ts, r)).toEqual(oracle(ts, r));
      }),
      { numRuns: 20000 },
    );
  });

  it('matches BigInt near unit boundaries (float-division corrections)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 52n }), fc.integer({ min: -3, max: 3 }), fc.constantFrom(...resolutions), (q, d, r) => {
        const u = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
        let ts = q * u + BigInt(d);
        if (ts < 0n) ts = 0n;
        if (ts >= 2n ** 64n) ts = 2n ** 64n - 1n;
        expect(conv(ts, r)).toEqual(oracle(ts, r));
      }),
      { numRuns: 20000 },
    );
  });
});

describe('isoTime / durationNs', () => {
  it('formats exactly (seconds checked with `date -u -d @S +%FT%T`)', () => {
    expect(isoTime(1763703450, 123456000)).toBe('2025-11-21T05:37:30.123456Z');
    expect(isoTime(1763703450, 123456789)).toBe('2025-11-21T05:37:30.123456789Z');
    expect(isoTime(4294967295, 500000000)).toBe('2106-02-07T06:28:15.500000Z');
    expect(isoTime(0, 5)).toBe('1970-01-01T00:00:00.000000005Z');
    expect(isoTime(-1, 0)).toBe('1969-12-31T23:59:59.000000Z');
    expect(isoTime(1763703450, 999999999)).toBe('2025-11-21T05:37:30.999999999Z');
  });
  it('durations in ns', () => {
    expect(durationNs(10, 999999999, 11, 1)).toBe(2);
    expect(durationNs(11, 1, 10, 999999999)).toBe(-2);
    expect(durationNs(1763703450, 123456789, 1763703450 + 86400, 123456789)).toBe(86400e9);
  });
});
