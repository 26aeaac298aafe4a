/**
 * Address formatting (for reports) and parsing (for filters and the frame builders).
 *
 * formatIPv6 follows RFC 5952 §4: lower-case hex, leading zeros of each group dropped, the longest
 * run of two or more all-zero groups replaced by "::" (the first such run on a tie), a single zero
 * group is not compressed; an IPv4-mapped address (::ffff:0:0/96) is written ::ffff:a.b.c.d (§5).
 * Formatting is not on the per-packet hot path (it runs once per connection).
 */

/** 0x0a000001 → "10.0.0.1". The number may be signed or unsigned; only its low 32 bits count. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** 16 bytes at b[off] → RFC 5952 text. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  // IPv4-mapped: 80 zero bits, 16 one bits, then the IPv4 address (RFC 5952 §5).
  let mapped = b[off + 10] === 0xff && b[off + 11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) if (b[off + i] !== 0) mapped = false;
  if (mapped) return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;

  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  // Longest run of zero groups (length ≥ 2), first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestLen = j - i;
      bestStart = i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += g[i].toString(16);
  }
  return out;
}

/** "10.0.0.1" → 0x0a000001 (unsigned), or null when not a dotted quad of 0–255 decimal parts. */
export function parseIPv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/**
 * IPv6 text (RFC 4291 §2.2: full, "::"-compressed, or with a trailing dotted quad; an optional
 * "%zone" suffix is ignored) → 16 bytes, or null when not an IPv6 address.
 */
export function parseIPv6(s: string): Uint8Array | null {
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.length === 0 || s.length > 45) return null;
  // A trailing dotted quad stands for the last two groups: rewrite it as two hex groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.indexOf('.', lastColon) > 0) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = s.slice(0, lastColon + 1) + (v4 >>> 16).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && dbl !== s.lastIndexOf('::')) return null;
  const parseGroups = (t: string): number[] | null => {
    if (t === '') return [];
    const out: number[] = [];
    for (const p of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  const head = parseGroups(dbl >= 0 ? s.slice(0, dbl) : s);
  const tail = dbl >= 0 ? parseGroups(s.slice(dbl + 2)) : [];
  if (head === null || tail === null) return null;
  const have = head.length + tail.length;
  if (dbl >= 0 ? have > 7 : have !== 8) return null;
  const groups = [...head];
  for (let i = have; i < 8; i++) groups.push(0);
  for (const g of tail) groups.push(g);
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    b[2 * i] = groups[i] >> 8;
    b[2 * i + 1] = groups[i] & 0xff;
  }
  return b;
}
