/**
 * Property tests (fast-check): whatever the bytes, decode() never throws, every offset it reports
 * stays inside the record's captured bytes, the kind/malformed pair is consistent, and the same
 * Decoder decodes a known frame exactly as a fresh one afterwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawRecord } from '../../src/capture/types.js';
import { Decoder } from '../../src/decode/decoder.js';
import { Malformed, Packet, PacketKind } from '../../src/decode/packet.js';
import { INTERFACES, synthCases } from '../synth/cases.js';
import { decodeFrame, snapshot } from './helpers.js';

const LINK_TYPES = [0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276, 147, 65535, 0x7fffffff];
const cases = synthCases();
const frames = cases.map((c) => ({ frame: c.frame, linkType: INTERFACES[c.ifIndex].linkType }));
const REFERENCE = frames[0];
const referenceSnapshot = snapshot(decodeFrame(REFERENCE.frame, REFERENCE.linkType, { pad: 0 }));

function check(d: Decoder, p: Packet, buf: Uint8Array, offset: number, capLen: number, origLen: number, linkType: number) {
  const r = new RawRecord();
  r.buf = buf;
  r.offset = offset;
  r.capLen = capLen;
  r.origLen = origLen;
  r.linkType = linkType;
  r.tsSec = 1_700_000_000;
  expect(() => d.decode(r, p)).not.toThrow();
  const end = offset + Math.min(capLen, buf.length - offset);
  for (const k of ['ipOffset', 'l4Offset', 'payloadOffset'] as const) {
    expect(p[k]).toBeGreaterThanOrEqual(0);
    expect(p[k]).toBeLessThanOrEqual(end);
  }
  expect(p.payloadOffset + p.payloadCaptured).toBeLessThanOrEqual(end);
  expect(p.payloadCaptured).toBeGreaterThanOrEqual(0);
  expect(p.payloadLen).toBeGreaterThanOrEqual(0);
  expect(p.kind >= PacketKind.UnsupportedLink && p.kind <= PacketKind.Malformed).toBe(true);
  expect(p.malformed !== Malformed.None).toBe(p.kind === PacketKind.Malformed);
  expect(p.optSackCount).toBeLessThanOrEqual(4);
  expect(p.tunnelDepth).toBeLessThanOrEqual(4);
  expect(p.vlanCount).toBeLessThanOrEqual(8);
  if (p.kind === PacketKind.Tcp && !p.isFragment) expect(p.tcpHeaderLen).toBeGreaterThanOrEqual(20);
}

function stillWorks(d: Decoder) {
  const p = new Packet();
  const r = new RawRecord();
  r.buf = REFERENCE.frame;
  r.capLen = r.origLen = REFERENCE.frame.length;
  r.linkType = REFERENCE.linkType;
  r.tsSec = 1_700_000_000;
  d.decode(r, p);
  expect(snapshot(p)).toEqual(referenceSnapshot);
}

describe('decoder properties', () => {
  it('random bytes on every link type', () => {
    const d = new Decoder({ verifyChecksums: true });
    const p = new Packet();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...LINK_TYPES), fc.nat(8), (bytes, lt, pad) => {
        const buf = new Uint8Array(pad + bytes.length);
        buf.set(bytes, pad);
        check(d, p, buf, pad, bytes.length, bytes.length, lt);
      }),
      { numRuns: 3000 },
    );
    stillWorks(d);
  });

  it('bit flips and byte overwrites of valid frames', () => {
    const d = new Decoder({ verifyChecksums: true });
    const p = new Packet();
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(2000), fc.nat(7), fc.boolean(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        (i, flips) => {
          const { frame, linkType } = frames[i];
          const f = frame.slice();
          for (const [pos, bit, overwrite, v] of flips) {
            const at = pos % f.length;
            if (overwrite) f[at] = v;
            else f[at] ^= 1 << bit;
          }
          check(d, p, f, 0, f.length, f.length, linkType);
        },
      ),
      { numRuns: 3000 },
    );
    stillWorks(d);
  });

  it('truncations and absurd lengths (capLen past the buffer, origLen below capLen, huge origLen)', () => {
    const d = new Decoder();
    const p = new Packet();
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.nat(2000),
        fc.oneof(fc.constant(0), fc.nat(100), fc.constant(0x7fffffff)),
        fc.integer({ min: -5, max: 5000 }),
        (i, cut, extra, capDelta) => {
          const { frame, linkType } = frames[i];
          const n = cut % (frame.length + 1);
          // capLen may claim more than the buffer holds: the decoder clamps to the buffer.
          const capLen = Math.max(0, n + (capDelta > 4000 ? capDelta : 0));
          check(d, p, frame.subarray(0, n), 0, capLen, n + extra, linkType);
          check(d, p, frame.subarray(0, n), 0, n, Math.max(0, n - 1 - (extra & 7)), linkType);
        },
      ),
      { numRuns: 3000 },
    );
    stillWorks(d);
  });

  it('random tails behind valid headers (every layer reached with garbage)', () => {
    const d = new Decoder({ verifyChecksums: true });
    const p = new Packet();
    fc.assert(
      fc.property(fc.nat(frames.length - 1), fc.nat(200), fc.uint8Array({ maxLength: 120 }), (i, keep, tail) => {
        const { frame, linkType } = frames[i];
        const k = Math.min(keep, frame.length);
        const f = new Uint8Array(k + tail.length);
        f.set(frame.subarray(0, k));
        f.set(tail, k);
        check(d, p, f, 0, f.length, f.length + (tail.length & 1 ? 50 : 0), linkType);
      }),
      { numRuns: 3000 },
    );
    stillWorks(d);
  });
});
