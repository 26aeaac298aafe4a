/**
 * Terminal concerns: colour policy, the progress bar, a buffered stdout writer that treats EPIPE
 * (`synfin … | head`) as a quiet exit.
 */
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

/** Buffered writes to stdout; EPIPE (reader went away) ends the process quietly with code 0. */
export class Output {
  private buf = '';
  private closed = false;
  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        this.closed = true;
        process.exit(0);
      }
      process.stderr.write(`synfin: stdout: ${e.message}\n`);
      process.exit(2);
    });
  }

  write(s: string): void {
    if (this.closed) return;
    this.buf += s;
    if (this.buf.length >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.buf && !this.closed) this.stream.write(this.buf);
    this.buf = '';
  }

  /** Flush and wait until the stream has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (this.closed) return;
    await new Promise<void>((res) => this.stream.write('', () => res()));
  }
}
