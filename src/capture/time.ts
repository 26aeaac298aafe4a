/**
 * Exact timestamp formatting: (seconds, nanoseconds) pairs are never combined into a float.
 */

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** "00" … "99". */
const TWO: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
/** Zeros that pad a fraction of n digits to 6 (microseconds) or 9 (nanoseconds). */
const Z6: readonly string[] = ['000000', '00000', '0000', '000', '00', '0', ''];
const Z9: readonly string[] = ['000000000', '00000000', '0000000', '000000', '00000', '0000', '000', '00', '0', ''];

// Times come in capture order, so consecutive calls mostly fall in the same minute: keep its
// "YYYY-MM-DDTHH:MM:" (the only part that needs a Date) and add seconds and fraction from tables.
// Was: a Date and ~15 strings per call, 5–7 calls per record (2 KB of garbage per record).
let cacheMin = Number.NaN;
let cachePrefix = '';

/**
 * ISO-8601 UTC, e.g. `2026-11-21T05:37:30.123456Z`: 6 fraction digits when `nsec` is a
 * multiple of 1000 (microsecond captures), else 9. `sec` is whole seconds since the epoch
 * (may be negative); `nsec` is 0 … 999 999 999.
 */
export function isoTime(sec: number, nsec: number): string {
  const min = Math.floor(sec / 60);
  if (min !== cacheMin) {
    // Date is exact on whole milliseconds; min*60000 is an exact integer for |sec| < 2^43.
    const d = new Date(min * 60_000);
    const y = d.getUTCFullYear();
    const year = y >= 0 && y <= 9999 ? pad(y, 4) : y < 0 ? '-' + pad(-y, 6) : '+' + pad(y, 6);
    cachePrefix =
      year + '-' + TWO[d.getUTCMonth() + 1] + '-' + TWO[d.getUTCDate()] + 'T' + TWO[d.getUTCHours()] + ':' + TWO[d.getUTCMinutes()] + ':';
    cacheMin = min;
  }
  let f: string;
  if (nsec % 1000 === 0) {
    f = '' + nsec / 1000;
    f = Z6[f.length] + f;
  } else {
    f = '' + nsec;
    f = Z9[f.length] + f;
  }
  return cachePrefix + TWO[sec - min * 60] + '.' + f + 'Z';
}

/**
 * b − a in nanoseconds, as a number. Exact while |b − a| < 2^53 ns (about 104 days); beyond
 * that the error is under one part in 2^53.
 */
export function durationNs(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}
