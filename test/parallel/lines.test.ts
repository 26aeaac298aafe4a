/**
 * The main thread's byte path of a sharded run (src/parallel/lines.ts): each line is written as
 * head + decimal id + the bytes the worker sent. Expected bytes are spelled out by hand.
 */
import { describe, expect, it } from 'vitest';
import { ByteSink, LineBytes } from '../../src/parallel/lines.js';

function line(text: string, id: number, pad = ''): LineBytes {
  const b = Buffer.from(pad + text, 'utf8');
  const l = new LineBytes(b, Buffer.byteLength(pad), b.length - Buffer.byteLength(pad));
  l.id = id;
  return l;
}

describe('ByteSink', () => {
  it('writes head, id digits and the line; ids of every length; UTF-8 bytes as they are', () => {
    const out: Buffer[] = [];
    const s = new ByteSink('{"id":', (b, done) => {
      out.push(Buffer.from(b));
      done();
    });
    s.line(line(',"a":1}\n', 1, 'xx'));
    s.line(line(',"a":2}\n', 9));
    s.line(line(',"a":3}\n', 10));
    s.line(line(',"é":4}\n', 12345));
    s.line(line(',"a":5}\n', 2 ** 53 - 1));
    s.flush();
    expect(Buffer.concat(out).toString('utf8')).toBe(
      '{"id":1,"a":1}\n{"id":9,"a":2}\n{"id":10,"a":3}\n{"id":12345,"é":4}\n{"id":9007199254740991,"a":5}\n',
    );
  });

  it('lines across chunk boundaries, a line longer than a chunk, chunks reused only after the stream is done with them', () => {
    const out: string[] = [];
    const pending: (() => void)[] = [];
    const given: Buffer[] = [];
    const s = new ByteSink('', (b, done) => {
      given.push(b);
      out.push(b.toString('latin1'));
      pending.push(done);
    }, 64);
    const want: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const t = `,${'x'.repeat(i % 7)}\r\n`;
      s.line(line(t, i));
      want.push(`${i}${t}`);
    }
    s.line(line(',' + 'y'.repeat(100) + '\r\n', 21));
    want.push('21,' + 'y'.repeat(100) + '\r\n');
    s.flush();
    expect(out.join('')).toBe(want.join(''));
    // Not done yet: every chunk handed out is a different buffer (none was overwritten).
    expect(new Set(given.map((b) => b.buffer)).size).toBe(given.length);
    for (const d of pending.splice(0)) d();
    const before = given.length;
    s.line(line(',z\r\n', 22));
    s.line(line(',' + 'z'.repeat(37) + '\r\n', 23)); // 6 + 20 + 40 > 64: a new chunk, from those done with
    s.flush();
    // After done(), a written chunk's buffer is used again.
    expect(given.slice(before).some((b) => given.slice(0, before).some((a) => a.buffer === b.buffer))).toBe(true);
    expect(out.slice(before).join('')).toBe('22,z\r\n23,' + 'z'.repeat(37) + '\r\n');
  });
});

describe('LineBytes.detach', () => {
  it('keeps the line when the batch buffer is reused; a written line is not copied', () => {
    const batch = Buffer.from(',"a":1}\n,"b":2}\n', 'latin1');
    const a = new LineBytes(batch, 0, 8);
    const b = new LineBytes(batch, 8, 8);
    a.id = 3;
    b.id = 4;
    const out: Buffer[] = [];
    const s = new ByteSink('{"id":', (x, done) => {
      out.push(Buffer.from(x));
      done();
    });
    s.line(a);
    a.detach(); // written: nothing to keep
    expect(a.buf).toBe(batch);
    b.detach();
    expect(b.buf).not.toBe(batch);
    batch.fill(0x3f); // the worker refills its buffer
    s.line(b);
    s.flush();
    expect(Buffer.concat(out).toString('latin1')).toBe('{"id":3,"a":1}\n{"id":4,"b":2}\n');
  });
});
