/**
 * The main thread's side of a sharded run keeps lines as bytes from the workers' batch buffers to
 * stdout: no JS string per line (a string per line, its id prefix concatenated, copied into the
 * output string and encoded again made the main thread the largest producer of garbage of the run).
 * A line points into its batch buffer while the batch is being handled; a line still waiting when
 * the buffer goes back to its worker (held by the merge or the Reorder) is copied into a pooled
 * buffer of its own (detach()).
 */

/** Pooled buffers by size class (multiples of 256 bytes up to 16 KiB), as report/reorder.ts does. */
const CLASS_BYTES = 256;
const CLASSES = 64;
const POOL_MAX = 4096;
const pools: Buffer[][] = Array.from({ length: CLASSES + 1 }, () => []);

function takeBuffer(len: number): Buffer {
  const c = Math.max(1, Math.ceil(len / CLASS_BYTES));
  if (c > CLASSES) return Buffer.allocUnsafeSlow(len);
  return pools[c].pop() ?? Buffer.allocUnsafeSlow(c * CLASS_BYTES);
}

function giveBuffer(b: Buffer): void {
  const c = b.length / CLASS_BYTES;
  if (Number.isInteger(c) && c >= 1 && c <= CLASSES && pools[c].length < POOL_MAX) pools[c].push(b);
}

/** One record's line without its id head: bytes [off, off + len) of buf. */
export class LineBytes {
  /** The final id (set by the merge). */
  id = 0;
  written = false;
  private own = false;

  constructor(
    public buf: Buffer,
    public off: number,
    readonly len: number,
  ) {}

  /** Copy the bytes out of the shared batch buffer (it is about to be reused). */
  detach(): void {
    if (this.own || this.written) return;
    const b = takeBuffer(this.len);
    this.buf.copy(b, 0, this.off, this.off + this.len);
    this.buf = b;
    this.off = 0;
    this.own = true;
  }

  /** Written out: give a private copy back to the pool. */
  done(): void {
    this.written = true;
    if (this.own) {
      giveBuffer(this.buf);
      this.own = false;
    }
  }
}

/**
 * Writes `head + id + line` for each line into 64 KiB chunks handed to `write`, which calls `done`
 * once the stream no longer needs the chunk; chunks are then reused (fresh ones would be ~2 000
 * external allocations on the benchmark, and V8 answers external memory growth with full GCs).
 */
export class ByteSink {
  private chunk: Buffer;
  private pos = 0;
  private readonly head: Buffer;
  private readonly free: Buffer[] = [];

  constructor(
    head: string,
    private readonly write: (b: Buffer, done: () => void) => void,
    private readonly size = 1 << 16,
  ) {
    this.head = Buffer.from(head, 'latin1');
    this.chunk = Buffer.allocUnsafeSlow(size);
  }

  line(l: LineBytes): void {
    const need = this.head.length + 20 + l.len;
    if (this.pos + need > this.chunk.length) {
      this.flush();
      if (need > this.chunk.length) this.chunk = Buffer.allocUnsafeSlow(need);
    }
    const c = this.chunk;
    let p = this.pos;
    p += this.head.copy(c, p);
    // The id's decimal digits (ids are positive integers below 2^53).
    let id = l.id;
    let digits = 1;
    for (let x = id; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let k = digits - 1; k >= 0; k--) {
      c[p + k] = 48 + (id % 10);
      id = Math.floor(id / 10);
    }
    p += digits;
    p += l.buf.copy(c, p, l.off, l.off + l.len);
    this.pos = p;
    l.done();
  }

  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.chunk;
    const full = chunk.subarray(0, this.pos);
    this.chunk = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.pos = 0;
    this.write(full, () => {
      if (chunk.length === this.size && this.free.length < 64) this.free.push(chunk);
    });
  }
}
