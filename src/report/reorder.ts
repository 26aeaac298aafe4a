/**
 * Puts streamed records back in id order with bounded memory. analyze() hands records over when
 * each connection's fate is final, which is not the order of their ids (a long connection finishes
 * after many short ones that began later). Records wait here until every smaller id has passed;
 * when more than `cap` wait, the smallest waiting one is released anyway (so memory stays bounded
 * and the order is then only nearly sorted; a later record with a smaller id goes out at once).
 * Filtered-out records pass through as `null` so that they do not hold the others back.
 *
 * Waiting ASCII strings (the formatted NDJSON / CSV / Zeek lines) are held as bytes in a Buffer,
 * not as JS strings: a waiting line otherwise survives young-generation collections (copied each
 * time), is promoted, and dies in the old generation. On the benchmark capture (~10 000 lines
 * waiting at any time, 60 000 lines of 2.3 KB) that cost ~0.3–0.6 s of CPU and ~100 MB of peak
 * RSS; as bytes the text lives outside the JS heap and is made a string again only to be written.
 */
/**
 * Buffers for waiting lines, reused by size class (multiples of 256 bytes up to 16 KiB; larger
 * lines get a buffer of their own). Freshly allocated buffers were freed only by V8's rare full
 * collections once the waiting lines had been promoted, or pinned Node's shared 8 KiB pool slabs:
 * ~100 MB of external memory at peak on the benchmark for ~23 MB of waiting text.
 */
const CLASS_BYTES = 256;
const CLASSES = 64;
const POOL_MAX = 4096;
const pools: Buffer[][] = Array.from({ length: CLASSES + 1 }, () => []);

function takeBuffer(len: number): Buffer {
  const c = Math.ceil(len / CLASS_BYTES);
  if (c > CLASSES) return Buffer.allocUnsafeSlow(len);
  const b = pools[c].pop();
  return b !== undefined ? b : Buffer.allocUnsafeSlow(c * CLASS_BYTES);
}

function giveBuffer(b: Buffer): void {
  const c = b.length / CLASS_BYTES;
  if (Number.isInteger(c) && c <= CLASSES && pools[c].length < POOL_MAX) pools[c].push(b);
}

export class Reorder<T> {
  private next = 1;
  private held = new Map<number, T | null>();
  /** Waiting ASCII strings, as latin1 bytes (see above); an id is in held or in bytes, not both. */
  private bytes = new Map<number, Buffer>();
  private heap: number[] = [];

  constructor(
    private readonly emit: (v: T) => void,
    readonly cap = 10_000,
  ) {}

  push(id: number, v: T | null): void {
    if (id < this.next) {
      if (v !== null) this.emit(v);
      return;
    }
    if (id !== this.next) {
      // Only plain ASCII round-trips through latin1 bytes whatever the string's representation.
      if (typeof v === 'string' && Buffer.byteLength(v, 'utf8') === v.length) {
        const b = takeBuffer(4 + v.length);
        b.writeUInt32LE(v.length, 0);
        b.write(v, 4, 'latin1');
        this.bytes.set(id, b);
      } else this.held.set(id, v);
      this.heapPush(id);
      if (this.held.size + this.bytes.size > this.cap) this.releaseSmallest();
      return;
    }
    if (v !== null) this.emit(v);
    this.next = id + 1;
    this.drain();
  }

  /** Everything still waiting, in id order. */
  flush(): void {
    while (this.heap.length) this.releaseSmallest();
  }

  get waiting(): number {
    return this.held.size + this.bytes.size;
  }

  /** Take id's waiting value out (undefined when none). */
  private take(id: number): T | null | undefined {
    const b = this.bytes.get(id);
    if (b !== undefined) {
      this.bytes.delete(id);
      const s = b.toString('latin1', 4, 4 + b.readUInt32LE(0));
      giveBuffer(b);
      return s as T;
    }
    const v = this.held.get(id);
    this.held.delete(id);
    return v;
  }

  private drain(): void {
    while (this.heap.length && this.heap[0] <= this.next) {
      const id = this.heapPop();
      if (id < this.next) continue; // already released
      const v = this.take(id);
      if (v !== undefined && v !== null) this.emit(v);
      this.next = id + 1;
    }
  }

  private releaseSmallest(): void {
    const id = this.heapPop();
    const v = this.take(id);
    if (v !== undefined && v !== null) this.emit(v);
    if (id >= this.next) this.next = id + 1;
    this.drain();
  }

  private heapPush(x: number): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= x) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = x;
  }

  private heapPop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r] < h[l] ? r : l;
        if (h[c] >= last) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
