/**
 * Exact timestamp formatting: (seconds, nanoseconds) pairs are never combined into a float.
 */

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** "00" … "99", "000" … "999". */
const TWO: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
const THREE: readonly string[] = Array.from({ length: 1000 }, (_, i) => TWO[(i / 10) | 0] + (i % 10));
/** "000Z" … "999Z": the fraction's last group with the 'Z' (one intermediate string fewer per call). */
const THREE_Z: readonly string[] = THREE.map((t) => t + 'Z');

// "YYYY-MM-DDTHH:MM:SS." of recent seconds, and "YYYY-MM-DDTHH:MM:" of recent minutes (the only
// part that needs a Date), in small direct-mapped caches: a record asks for times of its start and
// of its end (a TIME_WAIT expiry is 60 s later, another minute), so one entry of each thrashed:
// 81 000 Dates for the 60 000 records of bench.pcap, now a few hundred. The rest comes from tables.
// Was: a Date and ~15 strings per call, 5–7 calls per record (2 KB of garbage per record).
const SEC_SLOTS = 16;
const secKey = new Float64Array(SEC_SLOTS).fill(Number.NaN);
const secPrefix: string[] = new Array<string>(SEC_SLOTS).fill('');
const MIN_SLOTS = 8;
const minKey = new Float64Array(MIN_SLOTS).fill(Number.NaN);
const minPrefix: string[] = new Array<string>(MIN_SLOTS).fill('');
// The last results: a record asks for the same instant more than once (start = handshake.syn,
// end = one side's stateSince), and handing out the same string also spares JSON.stringify
// flattening another copy.
const RECENT = 4;
const recentSec = new Float64Array(RECENT).fill(Number.NaN);
const recentNsec = new Float64Array(RECENT);
const recentStr: string[] = new Array<string>(RECENT).fill('');
let recentNext = 0;

/** "YYYY-MM-DDTHH:MM:" of minute `min` since the epoch. */
function minuteText(min: number): string {
  const m = min & (MIN_SLOTS - 1);
  if (minKey[m] === min) return minPrefix[m];
  // Date is exact on whole milliseconds; min*60000 is an exact integer for |sec| < 2^43.
  const d = new Date(min * 60_000);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : y < 0 ? '-' + pad(-y, 6) : '+' + pad(y, 6);
  const t = year + '-' + TWO[d.getUTCMonth() + 1] + '-' + TWO[d.getUTCDate()] + 'T' + TWO[d.getUTCHours()] + ':' + TWO[d.getUTCMinutes()] + ':';
  minKey[m] = min;
  minPrefix[m] = t;
  return t;
}

/**
 * ISO-8601 UTC, e.g. `2026-11-21T05:37:30.123456Z`: 6 fraction digits when `nsec` is a
 * multiple of 1000 (microsecond captures), else 9. `sec` is whole seconds since the epoch
 * (may be negative); `nsec` is 0 … 999 999 999.
 */
export function isoTime(sec: number, nsec: number): string {
  for (let i = 0; i < RECENT; i++) if (recentSec[i] === sec && recentNsec[i] === nsec) return recentStr[i];
  const k = sec & (SEC_SLOTS - 1);
  let prefix: string;
  if (secKey[k] === sec) prefix = secPrefix[k];
  else {
    const min = Math.floor(sec / 60);
    prefix = minuteText(min) + TWO[sec - min * 60] + '.';
    secKey[k] = sec;
    secPrefix[k] = prefix;
  }
  // Fraction and 'Z' (under 13 characters: one flat string), then one concatenation.
  const f =
    nsec % 1000 === 0
      ? THREE[(nsec / 1_000_000) | 0] + THREE_Z[((nsec / 1000) | 0) % 1000]
      : THREE[(nsec / 1_000_000) | 0] + THREE[((nsec / 1000) | 0) % 1000] + THREE_Z[nsec % 1000];
  const s = prefix + f;
  recentSec[recentNext] = sec;
  recentNsec[recentNext] = nsec;
  recentStr[recentNext] = s;
  recentNext = (recentNext + 1) % RECENT;
  return s;
}

/**
 * b − a in nanoseconds, as a number. Exact while |b − a| < 2^53 ns (about 104 days); beyond
 * that the error is under one part in 2^53.
 */
export function durationNs(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}
