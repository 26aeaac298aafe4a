/**
 * Terminal concerns: colour policy, the progress bar, a buffered stdout writer that treats EPIPE
 * (`synfin … | head`) as a quiet exit.
 */
import { writeSync } from 'node:fs';
import { COLOR, PLAIN, type Colors } from '../report/table.js';
import { formatBytes, formatCount } from '../report/fmt.js';

/** Colour only on a terminal and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  if (noColor) return false;
  if (flag === true) return true;
  return Boolean(stream.isTTY);
}

export function colors(flag: boolean | undefined): Colors {
  return useColor(flag) ? COLOR : PLAIN;
}

/** Width of the terminal for tables; 0 (no limit) when stdout is not a terminal. */
export function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns || 80 : 0;
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Progress on stderr: bytes read of the file size and packets/s, redrawn at most 10 times a second. */
export class Progress {
  private last = 0;
  private readonly t0 = Date.now();
  private drawn = false;
  readonly enabled: boolean;

  constructor(
    flag: boolean | undefined,
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = Number(process.env.SYNFIN_PROGRESS_DELAY_MS ?? 500),
  ) {
    this.enabled = flag === false ? false : flag === true ? true : Boolean(err.isTTY) && !isCI();
  }

  update = (bytesRead: number, total: number | null, packets: number): void => {
    if (!this.enabled) return;
    const now = Date.now();
    // Short reads never show a bar: the first draw waits half a second.
    if (now - this.t0 < this.delayMs || now - this.last < 100) return;
    this.last = now;
    const secs = Math.max(0.001, (now - this.t0) / 1000);
    const rate = `${formatCount(Math.round(packets / secs))} packets/s`;
    let line: string;
    if (total && total > 0) {
      const frac = Math.min(1, bytesRead / total);
      const w = 24;
      const full = Math.round(frac * w);
      line = `[${'#'.repeat(full)}${'.'.repeat(w - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${formatBytes(bytesRead)} of ${formatBytes(total)}  ${rate}`;
    } else {
      line = `${formatBytes(bytesRead)} read  ${formatCount(packets)} packets  ${rate}`;
    }
    this.err.write('\r' + line + '\x1b[K');
    this.drawn = true;
  };

  done(): void {
    if (this.drawn) this.err.write('\r\x1b[K');
    this.drawn = false;
  }
}

/**
 * Output is gathered as UTF-8 bytes in a Buffer and written ~64 KiB at a time. Was: a string grown
 * with `+=` (a cons-string per write, flattened at each flush, then encoded into a second copy by
 * stream.write): two heap copies of every output byte. Now each string is encoded once, straight
 * into the buffer.
 *
 * stdout is written with fs.writeSync on its descriptor, and a full pipe blocks the writer (as a C
 * tool's write(2) would). Through process.stdout, a pipe to a slower reader (`synfin flows big.pcap
 * | gzip`) queued everything not yet read in memory: 3 GB of heap on the big benchmark capture
 * before `write ENOBUFS`. Other streams (tests) still get stream.write, each chunk a fresh buffer.
 */
const OUT_FLUSH = 1 << 16;
const OUT_CAPACITY = 1 << 17;
/** A reader that takes nothing for this long is treated as gone (every loop is bounded). */
const STALL_LIMIT_MS = 3_600_000;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** Buffered writes to stdout; EPIPE (reader went away) ends the process quietly with code 0. */
export class Output {
  private buf = Buffer.allocUnsafeSlow(OUT_CAPACITY);
  private off = 0;
  private closed = false;
  /** stdout's descriptor, written synchronously; -1: through the stream. */
  private readonly fd: number;
  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    const fd = (stream as { fd?: unknown }).fd;
    this.fd = stream === process.stdout && typeof fd === 'number' ? fd : -1;
    stream.on('error', (e: NodeJS.ErrnoException) => this.fail(e));
  }

  private fail(e: NodeJS.ErrnoException): void {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      this.closed = true;
      process.exit(0);
    }
    process.stderr.write(`synfin: stdout: ${e.message}\n`);
    process.exit(2);
  }

  write(s: string): void {
    if (this.closed) return;
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
    if (!this.room(3 * s.length)) {
      this.sink(Buffer.from(s, 'utf8'));
      return;
    }
    this.off += this.buf.write(s, this.off);
    if (this.off >= OUT_FLUSH) this.flush();
  }

  /** Bytes already encoded (a line that waited in a Reorder as bytes): copied into the buffer. */
  writeBytes(b: Uint8Array, start = 0, end = b.length): void {
    if (this.closed) return;
    const n = end - start;
    if (!this.room(n)) {
      this.sink(Buffer.from(b.subarray(start, end)));
      return;
    }
    this.buf.set(b.subarray(start, end), this.off);
    this.off += n;
    if (this.off >= OUT_FLUSH) this.flush();
  }

  /** Room for n more bytes in the buffer, flushing it first if needed; false: n is more than it holds. */
  private room(n: number): boolean {
    if (this.off + n <= OUT_CAPACITY) return true;
    this.flush();
    return n <= OUT_CAPACITY;
  }

  flush(): void {
    if (this.off > 0 && !this.closed) {
      const chunk = this.buf.subarray(0, this.off);
      if (this.direct()) this.writeFd(chunk);
      else {
        // The stream may keep the chunk (queued, or a test's collector): it gets this buffer.
        this.buf = Buffer.allocUnsafeSlow(OUT_CAPACITY);
        this.stream.write(chunk);
      }
    }
    this.off = 0;
  }

  /** Flush and wait until the stream has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (this.closed || this.direct()) return;
    await new Promise<void>((res) => this.stream.write('', () => res()));
  }

  /** Write to the descriptor, unless something else left data queued in the stream (order). */
  private direct(): boolean {
    return this.fd >= 0 && (this.stream as NodeJS.WritableStream & { writableLength: number }).writableLength === 0;
  }

  private sink(b: Buffer): void {
    if (this.direct()) this.writeFd(b);
    else this.stream.write(b);
  }

  /** All of b, blocking while the reader is behind (EAGAIN: the descriptor is non-blocking). */
  private writeFd(b: Uint8Array): void {
    let off = 0;
    let stalled = 0;
    let nap = 1;
    while (off < b.length && !this.closed) {
      try {
        off += writeSync(this.fd, b, off, b.length - off);
        stalled = 0;
        nap = 1;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code !== 'EAGAIN' || stalled >= STALL_LIMIT_MS) {
          this.fail(stalled >= STALL_LIMIT_MS ? Object.assign(new Error(`the reader took nothing for ${STALL_LIMIT_MS / 1000} s`), { code: 'ESTALL' }) : err);
          return;
        }
        Atomics.wait(SLEEP, 0, 0, nap);
        stalled += nap;
        nap = Math.min(50, nap * 2);
      }
    }
  }
}
