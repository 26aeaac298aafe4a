/**
 * pcapng 64-bit timestamps → (seconds, nanoseconds), exactly, without BigInt on the common paths
 * and without rounding through a float.
 *
 * A timestamp is hi·2^32 + lo units, `units` per second (if_tsresol: 10^v or 2^k).
 *   sec  = ⌊ts / units⌋ + if_tsoffset
 *   nsec = ⌊(ts mod units) · 10^9 / units⌋      (truncated, as Wireshark's wiretap does)
 *
 * - 2^k: shifts on the two 32-bit halves, then nsec from 16-bit-safe products (all < 2^53).
 * - 10^v with units < 2^37: ts < 2^52 → one float division, corrected by the exact remainder;
 *   larger ts → long division over four 16-bit limbs (each partial dividend < 2^53).
 * - 10^v ≥ 2^37 (finer than 10 ps, never seen in practice): BigInt.
 */

export class TsResolution {
  /** Units per second (may be inexact as a double only for the BigInt cases). */
  readonly units: number;
  /** k for 2^-k resolutions, −1 for decimal ones. */
  readonly shift: number;
  /** Decimal: nsec = rem · mul when units divides 10^9 (0 otherwise). */
  readonly mul: number;
  /** Decimal: nsec = ⌊rem / div⌋ when 10^9 divides units (0 otherwise). */
  readonly div: number;
  /** Decimal exponent, for the BigInt path. */
  readonly exp10: number;
  /** The raw if_tsresol byte was unusable (fell back to µs). */
  readonly invalid: boolean;

  constructor(tsresol: number) {
    let invalid = false;
    if (tsresol & 0x80) {
      const k = tsresol & 0x7f;
      if (k > 63) {
        invalid = true;
        tsresol = 6;
      } else {
        this.shift = k;
        this.units = 2 ** k;
        this.mul = 0;
        this.div = 0;
        this.exp10 = -1;
        this.invalid = false;
        return;
      }
    }
    if (tsresol > 19) {
      invalid = true;
      tsresol = 6;
    }
    this.shift = -1;
    this.exp10 = tsresol;
    this.units = 10 ** tsresol;
    this.mul = tsresol <= 9 ? 10 ** (9 - tsresol) : 0;
    this.div = tsresol > 9 ? 10 ** (tsresol - 9) : 0;
    this.invalid = invalid;
  }
}

const TWO32 = 4294967296;

/** Output of toSecNsec (one shared object: no allocation per call). */
export const tsOut = { sec: 0, nsec: 0 };

/** Convert hi·2^32 + lo units into tsOut.sec / tsOut.nsec (tsoffset not added). */
export function toSecNsec(hi: number, lo: number, r: TsResolution): void {
  const k = r.shift;
  if (k >= 0) {
    let sec: number;
    let nsec: number;
    if (k === 0) {
      sec = hi * TWO32 + lo;
      nsec = 0;
    } else if (k < 32) {
      const rem = lo % 2 ** k;
      sec = hi * 2 ** (32 - k) + Math.floor(lo / 2 ** k);
      // rem < 2^k ≤ 2^31: rem·1953125 < 2^52, and /2^(k−9) is exact scaling.
      nsec = k <= 9 ? rem * (1e9 / 2 ** k) : Math.floor((rem * 1953125) / 2 ** (k - 9));
    } else {
      // k ≥ 32: rem = rh·2^32 + lo with rh = hi mod 2^(k−32)
      const rh = hi % 2 ** (k - 32);
      sec = Math.floor(hi / 2 ** (k - 32));
      // nsec = ⌊(rh·2^32 + lo)·1953125 / 2^m⌋, m = k − 9 ≥ 23
      const a = rh * 1953125; // < 2^(k−32+21) ≤ 2^52
      const b = lo * 1953125; // < 2^53
      const m = k - 9;
      if (m <= 32) nsec = a * 2 ** (32 - m) + Math.floor(b / 2 ** m);
      else nsec = Math.floor((a + Math.floor(b / TWO32)) / 2 ** (m - 32));
    }
    tsOut.sec = sec;
    tsOut.nsec = nsec;
    return;
  }
  const u = r.units;
  if (r.exp10 > 11) {
    bigConvert(hi, lo, r.exp10);
    return;
  }
  let sec: number;
  let rem: number;
  if (hi < 0x100000) {
    // ts < 2^52: exact as a double; correct the float quotient with the exact remainder.
    const ts = hi * TWO32 + lo;
    sec = Math.floor(ts / u);
    rem = ts - sec * u;
    if (rem < 0) {
      sec--;
      rem += u;
    } else if (rem >= u) {
      sec++;
      rem -= u;
    }
  } else {
    // Long division over 16-bit limbs; every partial dividend r·2^16 + limb < 2^37·2^16 = 2^53.
    let q = 0;
    let rr = 0;
    for (let i = 0; i < 4; i++) {
      const limb = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
      const cur = rr * 65536 + limb;
      let d = Math.floor(cur / u);
      rr = cur - d * u;
      if (rr < 0) {
        d--;
        rr += u;
      } else if (rr >= u) {
        d++;
        rr -= u;
      }
      q = q * 65536 + d;
    }
    sec = q;
    rem = rr;
  }
  let nsec: number;
  if (r.mul !== 0) nsec = rem * r.mul;
  else {
    const dv = r.div;
    nsec = Math.floor(rem / dv);
    if (nsec * dv > rem) nsec--;
    else if ((nsec + 1) * dv <= rem) nsec++;
  }
  tsOut.sec = sec;
  tsOut.nsec = nsec;
}

function bigConvert(hi: number, lo: number, exp10: number): void {
  const ts = (BigInt(hi) << 32n) | BigInt(lo);
  const u = 10n ** BigInt(exp10);
  tsOut.sec = Number(ts / u);
  tsOut.nsec = Number(((ts % u) * 1_000_000_000n) / u);
}
