/**
 * openCapture(path | '-'): detect gzip, then pcap / pcapng, by magic bytes (never by name).
 *
 * Throws CaptureError (offset 0) only when there is nothing to read: missing / unreadable
 * file, empty input, or input that is not a capture. Everything after that is reported through
 * the reader's info (warnings, error), never thrown.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PcapReader, isPcapMagic } from './pcap.js';
import { PCAPNG_SHB, PcapngReader } from './pcapng.js';
import { ByteSource, FileSource, StreamSource } from './source.js';
import { CaptureError } from './types.js';
import type { CaptureReader } from './types.js';

export interface OpenOptions {
  /** Stream read for the path '-' (default process.stdin). */
  stdin?: Readable;
}

/** The name used in messages for standard input. */
export const STDIN_NAME = '<stdin>';

function describeStart(b: Uint8Array): string {
  const n = Math.min(4, b.length);
  const hex: string[] = [];
  let text = '';
  for (let i = 0; i < n; i++) {
    hex.push(b[i].toString(16).padStart(2, '0'));
    text += b[i] >= 0x20 && b[i] < 0x7f ? String.fromCharCode(b[i]) : '.';
  }
  return `${hex.join(' ')} ${JSON.stringify(text)}`;
}

/** Buffer at least n bytes (or everything, if the stream is shorter). */
async function want(src: ByteSource, n: number): Promise<number> {
  while (src.end - src.pos < n && (await src.fill()));
  return src.end - src.pos;
}

function gunzipSource(input: AsyncIterable<Uint8Array>): StreamSource {
  const gz = createGunzip({ chunkSize: 256 << 10 });
  const from = Readable.from(input, { objectMode: false });
  pipeline(from, gz, () => undefined); // errors surface through the iteration of gz
  return new StreamSource(gz, () => {
    from.destroy();
    gz.destroy();
  });
}

export async function openCapture(path: string, opts: OpenOptions = {}): Promise<CaptureReader> {
  const isStdin = path === '-';
  const file = isStdin ? STDIN_NAME : path;
  let src: ByteSource;
  let fileSize: number | null = null;
  let fh: FileHandle | null = null;

  if (isStdin) {
    const stdin = opts.stdin ?? process.stdin;
    src = new StreamSource(stdin, () => stdin.destroy());
  } else {
    try {
      fh = await open(path, 'r');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
      throw new CaptureError(file, 0, `cannot open: ${why}`);
    }
    let st;
    try {
      st = await fh.stat();
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw new CaptureError(file, 0, `cannot stat: ${(e as Error).message}`);
    }
    if (st.isDirectory()) {
      await fh.close().catch(() => undefined);
      throw new CaptureError(file, 0, 'is a directory, not a capture file');
    }
    if (st.isFile()) {
      fileSize = st.size;
      if (st.size === 0) {
        await fh.close().catch(() => undefined);
        throw new CaptureError(file, 0, 'empty file (0 bytes), not a capture');
      }
      src = new FileSource(fh, st.size);
    } else {
      // FIFO, character device, process substitution: read as a stream.
      const rs = fh.createReadStream({ highWaterMark: 1 << 20 });
      src = new StreamSource(rs, () => rs.destroy());
    }
  }

  const fail = async (reason: string): Promise<never> => {
    await src.close();
    throw new CaptureError(file, 0, reason);
  };

  let gzip = false;
  let have = await want(src, 4);
  if (have === 0) return fail(src.readError ? src.readError.message : 'empty input (0 bytes), not a capture');
  if (have >= 2 && src.buf[src.pos] === 0x1f && src.buf[src.pos + 1] === 0x8b) {
    gzip = true;
    let input: AsyncIterable<Uint8Array>;
    if (src instanceof FileSource) {
      // Restart from byte 0 as a stream through zlib (the FileHandle is still open).
      const rs = fh!.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false });
      input = rs;
    } else {
      input = (src as StreamSource).drain();
    }
    const outer = src;
    const inner = gunzipSource(input);
    const close = inner.close.bind(inner);
    inner.close = async () => {
      await close();
      await outer.close();
    };
    src = inner;
    fileSize = null; // bytesRead counts decompressed bytes: a compressed size would make progress wrong
    have = await want(src, 4);
    if (have === 0) {
      const why = src.readError ? src.readError.message : 'decompresses to nothing';
      return fail(`gzip file ${why}, not a capture`);
    }
  }
  const b = src.buf;
  const p = src.pos;
  const where = gzip ? 'gzip data that decompresses to bytes starting with' : 'starts with';
  if (have < 4) return fail(`not a capture file (only ${have} byte${have === 1 ? '' : 's'}: ${describeStart(b.subarray(p, p + have))})`);
  const be = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  if (isPcapMagic(be)) {
    const r = new PcapReader(src, file, gzip, fileSize);
    await r.init();
    return r;
  }
  if (be === PCAPNG_SHB) return new PcapngReader(src, file, gzip, fileSize);
  return fail(`not a capture file (${where} ${describeStart(b.subarray(p, p + 4))})`);
}
