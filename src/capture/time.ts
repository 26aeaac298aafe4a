/**
 * Exact timestamp formatting: (seconds, nanoseconds) pairs are never combined into a float.
 */

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/**
 * ISO-8601 UTC, e.g. `2026-11-21T05:37:30.123456Z`: 6 fraction digits when `nsec` is a
 * multiple of 1000 (microsecond captures), else 9. `sec` is whole seconds since the epoch
 * (may be negative); `nsec` is 0 … 999 999 999.
 */
export function isoTime(sec: number, nsec: number): string {
  // Date is exact on whole milliseconds; sec*1000 is an exact integer for |sec| < 2^43.
  const d = new Date(sec * 1000);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' + pad(-y, 6) : '+' + pad(y, 6));
  const base =
    year + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) +
    'T' + pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2);
  const frac = nsec % 1000 === 0 ? pad(nsec / 1000, 6) : pad(nsec, 9);
  return base + '.' + frac + 'Z';
}

/**
 * b − a in nanoseconds, as a number. Exact while |b − a| < 2^53 ns (about 104 days); beyond
 * that the error is under one part in 2^53.
 */
export function durationNs(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}
