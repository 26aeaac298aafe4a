/**
 * TCP sequence-number arithmetic on uint32 values, modulo 2^32 (RFC 1982 serial-number
 * arithmetic, as RFC 9293 §3.4 requires: "the comparison operators … are modulo 2**32").
 *
 * a < b when the forward distance from a to b is in (0, 2^31). Inputs may be any numbers
 * that represent uint32 values (e.g. p.seq + p.payloadLen, which may exceed 2^32): every
 * function reduces them with `| 0` / `>>> 0` first. No allocation.
 */

/** (b − a) mod 2^32 as a signed 32-bit number: positive when b is after a. */
export function seqDiff(a: number, b: number): number {
  return (b - a) | 0;
}

/** a < b (mod 2^32). */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a ≤ b (mod 2^32). */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a > b (mod 2^32). */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a ≥ b (mod 2^32). */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** (a + n) mod 2^32, as an unsigned number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
