/**
 * The flow table: open addressing (linear probing, backward-shift deletion, no tombstones) over
 * numeric keys. A key is 12 32-bit words in one flat Int32Array (Smi-friendly for V8):
 *
 *   w0  proto | ipVersion << 8
 *   w1  VLAN ids (vlan0 << 12 | vlan1) when VLANs are part of the key, else 0
 *   w2  portLo << 16 | portHi
 *   w3…w6   address of the "lo" endpoint (IPv4: w3 only), w7…w10 the "hi" endpoint
 *   w11 the key's hash (kept so that probing compares one word first and growing never rehashes)
 *
 * The two endpoints are put in a canonical order (lo = the smaller (address, port)), so both
 * directions of a flow give the same key and the hash is symmetric. After keyV4/keyV6,
 * `srcIsLo` says whether the packet's source is the lo endpoint. No strings, no allocation per
 * lookup: the key is built in a scratch array that is overwritten every time.
 */

const W = 12;
const HASH = 11;

function mix(h: number, v: number): number {
  h ^= Math.imul(v, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  return (Math.imul(h, 0x1b873593) + 0xe6546b64) | 0;
}

function be32(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}

export class FlowTable<T> {
  private keys: Int32Array;
  private vals: (T | null)[];
  private mask: number;
  /** Number of entries. */
  size = 0;
  /** The key last built by keyV4 / keyV6. */
  readonly scratch = new Int32Array(W);
  /** After keyV4 / keyV6: the packet's source is the key's lo endpoint. */
  srcIsLo = true;
  private slot = -1;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Int32Array(cap * W);
    this.vals = new Array<T | null>(cap).fill(null);
    this.mask = cap - 1;
  }

  /** Build the key of an IPv4 flow (addresses as uint32 numbers). */
  keyV4(proto: number, vlan: number, src: number, sport: number, dst: number, dport: number): void {
    const k = this.scratch;
    src >>>= 0;
    dst >>>= 0;
    const lo = src < dst || (src === dst && sport <= dport);
    src |= 0;
    dst |= 0;
    this.srcIsLo = lo;
    k[0] = proto | (4 << 8);
    k[1] = vlan;
    k[2] = lo ? (sport << 16) | dport : (dport << 16) | sport;
    k[3] = lo ? src : dst;
    k[4] = 0;
    k[5] = 0;
    k[6] = 0;
    k[7] = lo ? dst : src;
    k[8] = 0;
    k[9] = 0;
    k[10] = 0;
    let h = mix(0x9747b28c, k[0]);
    h = mix(h, k[1]);
    h = mix(h, k[2]);
    h = mix(h, k[3]);
    h = mix(h, k[7]);
    k[HASH] = this.fin(h);
  }

  /** Build the key of an IPv6 flow (addresses as 16-byte arrays). */
  keyV6(proto: number, vlan: number, src: Uint8Array, sport: number, dst: Uint8Array, dport: number): void {
    const k = this.scratch;
    let cmp = 0;
    for (let i = 0; i < 16 && cmp === 0; i += 4) {
      const a = be32(src, i) >>> 0;
      const b = be32(dst, i) >>> 0;
      cmp = a < b ? -1 : a > b ? 1 : 0;
    }
    const lo = cmp < 0 || (cmp === 0 && sport <= dport);
    this.srcIsLo = lo;
    const a = lo ? src : dst;
    const b = lo ? dst : src;
    k[0] = proto | (6 << 8);
    k[1] = vlan;
    k[2] = lo ? (sport << 16) | dport : (dport << 16) | sport;
    let h = mix(0x9747b28c, k[0]);
    h = mix(h, k[1]);
    h = mix(h, k[2]);
    for (let i = 0; i < 4; i++) {
      k[3 + i] = be32(a, i * 4);
      k[7 + i] = be32(b, i * 4);
      h = mix(h, k[3 + i]);
      h = mix(h, k[7 + i]);
    }
    k[HASH] = this.fin(h);
  }

  private fin(h: number): number {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }

  /** Look up the scratch key. Remembers the slot for a following set(). */
  get(): T | null {
    const k = this.scratch;
    const keys = this.keys;
    const h = k[HASH];
    let i = h & this.mask;
    for (;;) {
      const v = this.vals[i];
      if (v === null) {
        this.slot = i;
        return null;
      }
      const o = i * W;
      if (
        keys[o + HASH] === h &&
        keys[o] === k[0] &&
        keys[o + 1] === k[1] &&
        keys[o + 2] === k[2] &&
        keys[o + 3] === k[3] &&
        keys[o + 7] === k[7] &&
        keys[o + 4] === k[4] &&
        keys[o + 5] === k[5] &&
        keys[o + 6] === k[6] &&
        keys[o + 8] === k[8] &&
        keys[o + 9] === k[9] &&
        keys[o + 10] === k[10]
      ) {
        this.slot = i;
        return v;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Insert `v` under the scratch key, which get() just reported absent. */
  set(v: T): void {
    if ((this.size + 1) * 2 > this.vals.length) {
      this.grow();
      this.get();
    }
    const i = this.slot;
    this.keys.set(this.scratch, i * W);
    this.vals[i] = v;
    this.size++;
  }

  /** Replace the value under the scratch key (found by the last get()). */
  replace(v: T): void {
    this.vals[this.slot] = v;
  }

  /** Hash of the scratch key (a connection keeps it, to be deleted later without a key copy). */
  hash(): number {
    return this.scratch[HASH];
  }

  /**
   * Remove the entry holding `v`, whose key hashed to `hash`. Backward-shift deletion. Does not
   * touch `scratch`, but entries may move: a get() must precede the next set().
   */
  delete(hash: number, v: T): boolean {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const x = vals[i];
      if (x === null) return false;
      if (x === v) break;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (vals[j] === null) break;
      const home = keys[j * W + HASH] & mask;
      // Move j back into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        keys.copyWithin(i * W, j * W, j * W + W);
        vals[i] = vals[j];
        i = j;
      }
    }
    vals[i] = null;
    this.size--;
    return true;
  }

  /** Every value (order unspecified). */
  values(): T[] {
    const out: T[] = [];
    for (const v of this.vals) if (v !== null) out.push(v);
    return out;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldVals.length * 2;
    this.keys = new Int32Array(cap * W);
    this.vals = new Array<T | null>(cap).fill(null);
    this.mask = cap - 1;
    for (let s = 0; s < oldVals.length; s++) {
      const v = oldVals[s];
      if (v === null) continue;
      let i = oldKeys[s * W + HASH] & this.mask;
      while (this.vals[i] !== null) i = (i + 1) & this.mask;
      this.keys.set(oldKeys.subarray(s * W, s * W + W), i * W);
      this.vals[i] = v;
    }
  }
}
