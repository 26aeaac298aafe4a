/**
 * The main thread's byte path of a sharded run (src/parallel/lines.ts): each line is written as
 * head + decimal id + the bytes the worker sent. Expected bytes are spelled out by hand.
 */
import { describe, expect, it } from 'vitest';
import * as lines from '../../src/parallel/lines.js';
import { ByteSink, CHUNK_BYTES, LineBytes, ZeekSink } from '../../src/parallel/lines.js';
import { zeekKey } from '../../src/parallel/protocol.js';
import { zeekRow } from '../../src/report/zeek.js';
import { rec } from '../report/records.js';
import { prng } from './prng.js';

function line(text: string, id: number, pad = ''): LineBytes {
  const b = Buffer.from(pad + text, 'utf8');
  const l = new LineBytes(b, Buffer.byteLength(pad), b.length - Buffer.byteLength(pad));
  l.id = id;
  return l;
}

/** A writeBytes that keeps a copy of each call's bytes (the Output copies too). */
function collector(): { out: Buffer[]; write: (b: Uint8Array, from: number, to: number) => void } {
  const out: Buffer[] = [];
  return { out, write: (b, from, to) => out.push(Buffer.from(b.subarray(from, to))) };
}

describe('ByteSink', () => {
  it('writes head, id digits and the line; ids of every length; UTF-8 bytes as they are', () => {
    const c = collector();
    const s = new ByteSink('{"id":', c.write);
    s.line(line(',"a":1}\n', 1, 'xx'));
    s.line(line(',"a":2}\n', 9));
    s.line(line(',"a":3}\n', 10));
    s.line(line(',"é":4}\n', 12345));
    s.line(line(',"a":5}\n', 2 ** 53 - 1));
    expect(Buffer.concat(c.out).toString('utf8')).toBe(
      '{"id":1,"a":1}\n{"id":9,"a":2}\n{"id":10,"a":3}\n{"id":12345,"é":4}\n{"id":9007199254740991,"a":5}\n',
    );
  });

  it('CSV: no head, the id is the first field', () => {
    const c = collector();
    const s = new ByteSink('', c.write);
    s.line(line(',tcp,10.0.0.1\r\n', 7));
    s.line(line(',udp,10.0.0.2\r\n', 100));
    expect(Buffer.concat(c.out).toString('latin1')).toBe('7,tcp,10.0.0.1\r\n100,udp,10.0.0.2\r\n');
  });
});

describe('LineBytes.detach', () => {
  it('keeps the line when the batch buffer is reused; a written line is not copied', () => {
    const batch = Buffer.from(',"a":1}\n,"b":2}\n', 'latin1');
    const a = new LineBytes(batch, 0, 8);
    const b = new LineBytes(batch, 8, 8);
    a.id = 3;
    b.id = 4;
    const c = collector();
    const s = new ByteSink('{"id":', c.write);
    s.line(a);
    a.detach(); // written: nothing to keep
    expect(a.buf).toBe(batch);
    b.detach();
    expect(b.buf).not.toBe(batch);
    batch.fill(0x3f); // the worker refills its buffer
    s.line(b);
    expect(Buffer.concat(c.out).toString('latin1')).toBe('{"id":3,"a":1}\n{"id":4,"b":2}\n');
  });
});

describe('detached lines in chunks', () => {
  /**
   * `count` lines of random lengths (some longer than a quarter chunk) sent in batches of 50 through
   * one reused batch buffer, each detached before the buffer is refilled, written `window` lines
   * late in a shuffled order: every line's bytes must be the text it was made from.
   */
  function roundTrip(seed: number, count: number, window: number, holdEvery = 0): void {
    const rnd = prng(seed);
    const texts: string[] = [];
    for (let i = 0; i < count; i++) {
      const len = rnd() < 0.01 ? CHUNK_BYTES / 2 + Math.floor(rnd() * 1000) : 1 + Math.floor(rnd() * 3000);
      const ch = String.fromCharCode(97 + (i % 26));
      texts.push(`${i}:` + ch.repeat(len) + '\n');
    }
    const batch = Buffer.alloc(CHUNK_BYTES * 4);
    const waiting: LineBytes[] = [];
    const c = collector();
    const s = new ByteSink('', c.write);
    const expected: string[] = [];
    const writeOne = (k: number) => {
      const l = waiting.splice(k, 1)[0];
      expected.push(`${l.id}${texts[l.id]}`);
      s.line(l);
    };
    for (let i = 0; i < count; i += 50) {
      let off = 0;
      const made: LineBytes[] = [];
      for (let j = i; j < Math.min(count, i + 50); j++) {
        const n = batch.write(texts[j], off, 'latin1');
        const l = new LineBytes(batch, off, n);
        l.id = j;
        made.push(l);
        off += n;
      }
      waiting.push(...made);
      // Lines whose id is a multiple of holdEvery wait until the end (behind an open connection).
      const held = (k: number) => holdEvery > 0 && waiting[k].id % holdEvery === 0;
      for (let guard = 0; waiting.length > window && guard < 1_000_000; guard++) {
        const k = Math.floor(rnd() * Math.min(waiting.length, 8));
        if (held(k)) {
          const free = waiting.findIndex((_, j) => !held(j));
          if (free < 0 || waiting.filter((_, j) => !held(j)).length <= window) break;
          writeOne(free);
        } else writeOne(k);
      }
      for (const l of waiting) l.detach();
      batch.fill(0x3f); // the worker refills its buffer
    }
    while (waiting.length > 0) writeOne(0);
    expect(Buffer.concat(c.out).toString('latin1') === expected.join('')).toBe(true);
    expect(expected.length).toBe(count);
  }

  it('keep every line whole across batch refills, written in and out of order', () => {
    roundTrip(1, 3000, 200);
    roundTrip(2, 3000, 0);
  });

  it('a few lines waiting long do not pin a chunk each: chunks stay within ~4× the waiting bytes', () => {
    roundTrip(5, 1000, 20);
    const before = lines.chunksAllocated;
    // 20 000 lines (~30 MB), one in 50 held to the end: ~400 lines, ~0.6 MB, spread over ~120 chunks' worth of lines.
    roundTrip(6, 20_000, 20, 50);
    expect(lines.chunksAllocated - before).toBeLessThanOrEqual(16);
  });

  it('reuse their chunks once the lines in them are written: no new chunks for a stream of prompt lines', () => {
    roundTrip(3, 2000, 20);
    const before = lines.chunksAllocated;
    roundTrip(4, 20_000, 20); // ~30 MB of lines, at most ~60 KB waiting at once
    expect(lines.chunksAllocated - before).toBeLessThanOrEqual(1);
  });
});

describe('ZeekSink', () => {
  it('rebuilds the row of one thread: the uid of the identity key with the final id goes in the second column', () => {
    // What a worker sends (worker.ts): zeekKey(r) + the row without its uid, the record carrying
    // its provisional id (57); the main thread gives it its final id (3). The oracle is zeekRow of
    // the same record numbered 3, the one-thread formatter.
    for (const r of [rec({ id: 57 }), rec({ id: 57, proto: 'udp', client: { ip: 'fd00::2', port: 5353 }, server: { ip: 'ff02::fb', port: 5353 }, startNsec: 5 })]) {
      const row = zeekRow(r);
      const t1 = row.indexOf('\t');
      const t2 = row.indexOf('\t', t1 + 1);
      const key = zeekKey(r);
      const sent = Buffer.from(key + row.slice(0, t1 + 1) + row.slice(t2), 'utf8');
      const l = new LineBytes(sent, 0, sent.length);
      l.keyLen = key.length;
      l.id = 3;
      const c = collector();
      new ZeekSink(c.write).line(l);
      expect(Buffer.concat(c.out).toString('utf8')).toBe(zeekRow({ ...r, id: 3 }));
      expect(zeekRow({ ...r, id: 3 })).not.toBe(row); // the id is in the uid: the test would see a stale one
    }
  });
});
