/**
 * The main thread's side of a sharded run keeps lines as bytes from the workers' batch buffers to
 * the output buffer: no JS string per line (a string per line, its id prefix concatenated, copied into the
 * output string and encoded again made the main thread the largest producer of garbage of the run).
 * A line points into its batch buffer while the batch is being handled; a line still waiting when
 * the buffer goes back to its worker (held by the merge or the Reorder) is copied into a chunk
 * of detached lines (detach()).
 */
import type { FlowRecord } from '../flow/types.js';
import { zeekUid } from '../report/zeek.js';

/**
 * Detached lines are copied into chunks, one after the other (a bump allocator): no buffer object
 * per line, and a chunk is reused once every line in it has been written. Most lines are written in
 * nearly the order they were detached, but some wait long (in the Reorder, behind the id of a
 * connection still open), a few per chunk: a full chunk whose waiting lines fill less than a
 * quarter of it has them moved into the current chunk, so chunks hold at most ~4× the bytes that
 * wait. (Without the move, 332 chunks (83 MB) on big.pcap; one pooled buffer per line by size
 * class kept ~60 MB of free buffers there.)
 */
export const CHUNK_BYTES = 256 << 10;

class Chunk {
  readonly buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  used = 0;
  /** Lines copied here and not written (or moved) since, and their bytes. */
  live = 0;
  liveBytes = 0;
  /** Every line copied here since the chunk was (re)started; those written or moved no longer point here. */
  readonly lines: LineBytes[] = [];
}

const freeChunks: Chunk[] = [];
/** Full chunks with lines still waiting. */
let retired: Chunk[] = [];
let current: Chunk | null = null;
/** Chunks allocated so far (for tests). */
export let chunksAllocated = 0;

function restart(c: Chunk): Chunk {
  c.used = 0;
  c.lines.length = 0;
  return c;
}

function startChunk(): Chunk {
  let c = freeChunks.pop();
  if (c === undefined) {
    c = new Chunk();
    chunksAllocated++;
  }
  current = restart(c);
  return c;
}

/** Retired chunks: the empty ones become free, the sparse ones have their lines moved into `current`. */
function sweepRetired(): void {
  const cur = current!;
  const keep: Chunk[] = [];
  for (const r of retired) {
    if (r.live > 0 && r.liveBytes <= CHUNK_BYTES >> 2 && r.liveBytes <= CHUNK_BYTES - cur.used) {
      for (const l of r.lines) l.moveFrom(r, cur);
    }
    if (r.live === 0) freeChunks.push(r);
    else keep.push(r);
  }
  retired = keep;
}

function chunkFor(len: number): Chunk {
  const c = current;
  if (c !== null && c.used + len <= CHUNK_BYTES) return c;
  if (c !== null) {
    if (c.live === 0) return restart(c); // nothing in it waits: start it over
    retired.push(c);
  }
  startChunk();
  sweepRetired();
  if (current!.used + len > CHUNK_BYTES) {
    retired.push(current!); // filled by the moved lines
    startChunk();
  }
  return current!;
}

/** One record's line without its id head: bytes [off, off + len) of buf. */
export class LineBytes {
  /** The final id (set by the merge). */
  id = 0;
  /** Zeek: bytes of the identity key (protocol.ts zeekKey) at the start, before the uid-less row. */
  keyLen = 0;
  written = false;
  /** The chunk holding the detached copy (null: still in the batch buffer, or a buffer of its own). */
  private chunk: Chunk | null = null;
  private own = false;

  constructor(
    public buf: Buffer,
    public off: number,
    readonly len: number,
  ) {}

  /** Copy the bytes out of the shared batch buffer (it is about to be reused). */
  detach(): void {
    if (this.own || this.written || this.chunk !== null) return;
    if (this.len > CHUNK_BYTES >> 2) {
      const b = Buffer.allocUnsafeSlow(this.len);
      this.buf.copy(b, 0, this.off, this.off + this.len);
      this.buf = b;
      this.off = 0;
      this.own = true;
      return;
    }
    this.copyInto(chunkFor(this.len));
  }

  private copyInto(c: Chunk): void {
    this.buf.copy(c.buf, c.used, this.off, this.off + this.len);
    this.buf = c.buf;
    this.off = c.used;
    c.used += this.len;
    c.live++;
    c.liveBytes += this.len;
    c.lines.push(this);
    this.chunk = c;
  }

  /** Compaction (sweepRetired): if this line still waits in `from`, copy it into `to`. */
  moveFrom(from: Chunk, to: Chunk): void {
    if (this.chunk !== from || this.written) return;
    from.live--;
    from.liveBytes -= this.len;
    this.copyInto(to);
  }

  /** Written out: its chunk space may be reused. */
  done(): void {
    this.written = true;
    const c = this.chunk;
    if (c !== null) {
      this.chunk = null;
      c.live--;
      c.liveBytes -= this.len;
    }
  }
}

/**
 * Writes `head + id + line` for each line through `writeBytes` (the CLI's Output, which copies the
 * bytes into its buffer and owns the ordering with the CSV header, blocking on a slow reader and
 * EPIPE): the head and the id's digits from a small scratch buffer, then the line's bytes.
 */
export class ByteSink {
  private readonly scratch = Buffer.allocUnsafe(64);
  private readonly headLen: number;

  constructor(
    head: string,
    private readonly writeBytes: (b: Uint8Array, start: number, end: number) => void,
  ) {
    if (head.length > 32) throw new Error('ByteSink: head too long');
    this.headLen = this.scratch.write(head, 0, 'latin1');
  }

  line(l: LineBytes): void {
    const c = this.scratch;
    let p = this.headLen;
    // The id's decimal digits (ids are positive integers below 2^53: at most 16 digits).
    let id = l.id;
    let digits = 1;
    for (let x = id; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let k = digits - 1; k >= 0; k--) {
      c[p + k] = 48 + (id % 10);
      id = Math.floor(id / 10);
    }
    p += digits;
    this.writeBytes(c, 0, p);
    this.writeBytes(l.buf, l.off, l.off + l.len);
    l.done();
  }
}

/**
 * Zeek rows: the worker sent `key` + the row without its uid (`ts \t \t id.orig_h …`); the uid is
 * report/zeek.ts zeekUid() of the identity in the key with the final id, written after the first tab.
 */
export class ZeekSink {
  constructor(private readonly writeBytes: (b: Uint8Array, start: number, end: number) => void) {}

  line(l: LineBytes): void {
    const b = l.buf;
    const from = l.off + l.keyLen;
    const to = l.off + l.len;
    const k = b.toString('latin1', l.off, from).split('|');
    // zeekUid reads these fields into a template string: the strings give the same text as the numbers did.
    const ident = { proto: k[0], client: { ip: k[1], port: k[2] }, server: { ip: k[3], port: k[4] }, startSec: k[5], startNsec: k[6], id: l.id };
    const uid = Buffer.from(zeekUid(ident as unknown as FlowRecord), 'latin1');
    const tab = b.indexOf(9, from);
    if (tab < 0 || tab >= to) throw new Error('a zeek row without a tab after its ts');
    this.writeBytes(b, from, tab + 1);
    this.writeBytes(uid, 0, uid.length);
    this.writeBytes(b, tab + 1, to);
    l.done();
  }
}
