/**
 * Output (src/cli/term.ts): bytes gathered in a Buffer, written to stdout's descriptor with
 * fs.writeSync (blocking while a pipe is full), or to another stream chunk by chunk.
 *
 * Expected bytes come from RFC 3629 (UTF-8): 'é' U+00E9 is C3 A9, '☃' U+2603 is E2 98 83, '😀'
 * U+1F600 (surrogate pair D83D DE00) is F0 9F 98 80, and a lone surrogate, which has no UTF-8
 * form, is written as U+FFFD (EF BF BD), the WHATWG encoder's replacement (what stream.write did).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/term.js';
import { BIN, build, cleanup } from './run.js';

/** A stream that keeps every chunk it is given (as a collector would: no copy). */
function collector(): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, chunks };
}

describe('Output to a stream', () => {
  it('encodes strings as UTF-8 (RFC 3629), lone surrogates as U+FFFD', async () => {
    const { stream, chunks } = collector();
    const o = new Output(stream);
    o.write('a');
    o.write('é');
    o.write('☃');
    o.write('😀');
    o.write('\ud800');
    o.write('\n');
    await o.end();
    expect([...Buffer.concat(chunks)]).toEqual([
      0x61, 0xc3, 0xa9, 0xe2, 0x98, 0x83, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbf, 0xbd, 0x0a,
    ]);
  });

  it('many writes across flushes, a string larger than the buffer and raw bytes keep their order, and no chunk handed out changes afterwards', async () => {
    const { stream, chunks } = collector();
    const o = new Output(stream);
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = `{"id":${i},"x":"${'é☃'.repeat(i % 7)}${'z'.repeat(i % 300)}"}\n`;
      parts.push(s);
      if (i % 3 === 0) {
        const b = Buffer.from('<' + s, 'utf8');
        o.writeBytes(b, 1, b.length); // the bytes after '<'
      } else o.write(s);
      if (i === 1500) {
        const huge = 'H'.repeat(300_000) + 'é\n'; // over the 128 KiB buffer: written on its own
        parts.push(huge);
        o.write(huge);
      }
    }
    await o.end();
    // The expected text is the concatenation of what was written; ASCII and the two characters
    // above (C3 A9, E2 98 83) are its only bytes.
    const got = Buffer.concat(chunks);
    expect(got.toString('utf8')).toBe(parts.join(''));
    expect(chunks.length).toBeGreaterThan(10);
  });
});

describe('Output to stdout (the descriptor)', () => {
  beforeAll(build, 120_000);
  afterAll(cleanup);
  const dist = () => join(dirname(BIN), '..', 'dist', 'cli', 'term.js');
  /** A child that writes `n` numbered lines (8 MB for n = 100 000) through Output to its stdout. */
  // After the loop it prints on stderr how many bytes process.stdout still queues in memory: 0
  // when the writes went to the descriptor (the old Output queued everything the reader had not
  // taken: 3 GB on the big benchmark capture).
  const writer = (n: number) =>
    spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { Output } = await import(${JSON.stringify(dist())});
         const o = new Output();
         for (let i = 0; i < ${n}; i++) o.write('line ' + i + ' é ' + 'x'.repeat(60) + '\\n');
         process.stderr.write('queued ' + process.stdout.writableLength);
         await o.end();`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );

  it('a reader that pauses gets every byte in order (the writer blocks; nothing is dropped or queued out of order)', async () => {
    const n = 100_000;
    const p = writer(n);
    const chunks: Buffer[] = [];
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.pause(); // the 64 KiB pipe fills: the child's writes get EAGAIN and must wait
    await new Promise((r) => setTimeout(r, 700));
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.stdout.resume();
    const code = await new Promise<number | null>((r) => p.on('close', r));
    expect(stderr).toBe('queued 0');
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    expect(lines.length).toBe(n + 1);
    for (let i = 0; i < n; i += 997) expect(lines[i]).toBe('line ' + i + ' é ' + 'x'.repeat(60));
    expect(text.length).toBe(Array.from({ length: n }, (_, i) => ('line ' + i).length + 64).reduce((a, b) => a + b, 0));
  }, 60_000);

  it('a reader that goes away (EPIPE) ends the writer quietly with exit 0', async () => {
    const p = writer(100_000);
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.once('data', () => p.stdout.destroy());
    const code = await new Promise<number | null>((r) => p.on('close', r));
    expect(code).toBe(0);
    expect(stderr).toBe(''); // no message: exited on EPIPE before the loop ended
  }, 60_000);
});
