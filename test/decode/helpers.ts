/** Test helpers: a RawRecord around a frame, and a whole capture read through the project's reader. */
import { openCapture } from '../../src/capture/open.js';
import { RawRecord } from '../../src/capture/types.js';
import { Decoder } from '../../src/decode/decoder.js';
import { Packet } from '../../src/decode/packet.js';

/** A RawRecord for `frame` placed at a non-zero offset in a larger buffer (as readers do). */
export function recordOf(frame: Uint8Array, linkType = 1, origLen = frame.length, pad = 7): RawRecord {
  const r = new RawRecord();
  const buf = new Uint8Array(pad + frame.length + pad).fill(0xee);
  buf.set(frame, pad);
  r.buf = buf;
  r.offset = pad;
  r.capLen = frame.length;
  r.origLen = origLen;
  r.linkType = linkType;
  r.tsSec = 1_700_000_000;
  return r;
}

/** Decode one frame with a fresh (or given) decoder. */
export function decodeFrame(frame: Uint8Array, linkType = 1, opts: { origLen?: number; decoder?: Decoder; verify?: boolean; pad?: number } = {}): Packet {
  const p = new Packet();
  const d = opts.decoder ?? new Decoder({ verifyChecksums: opts.verify ?? false });
  d.decode(recordOf(frame, linkType, opts.origLen ?? frame.length, opts.pad ?? 7), p);
  return p;
}

/** A snapshot of the fields a test compares (plain object, arrays copied). */
export function snapshot(p: Packet): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) o[k] = v instanceof Uint8Array || v instanceof Uint32Array ? Array.from(v) : v;
  return o;
}

/** Every record of a capture: calls fn with the record and its decoded packet. */
export async function eachPacket(path: string, fn: (r: RawRecord, p: Packet) => void, decoder = new Decoder()): Promise<void> {
  const reader = await openCapture(path);
  const p = new Packet();
  try {
    for (;;) {
      const r = reader.next();
      if (r === null) {
        if (!(await reader.fill())) break;
        continue;
      }
      decoder.decode(r, p);
      fn(r, p);
    }
  } finally {
    await reader.close();
  }
}
