/**
 * Our reader against an independent one: for every capture in fixtures/capture/, tshark's
 * frame list (committed *.tshark.txt, see fixtures/capture/README.md) must equal ours: count,
 * epoch time to the nanosecond, original and captured length, interface, and capinfos' count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { drain, FIXTURES } from './helpers.js';

const captures = readdirSync(FIXTURES).filter((f) => /\.(pcap|pcapng|gz)$/.test(f));

/** "1763703450.123456789" → [sec, nsec] without floats. */
function epoch(s: string): [number, number] {
  if (s === '') return [0, 0]; // SPB: no timestamp
  const [a, b] = s.split('.');
  return [Number(a), Number((b ?? '').padEnd(9, '0'))];
}

describe('reader agrees with tshark and capinfos', () => {
  it('has the fixtures', () => {
    expect(captures.length).toBeGreaterThanOrEqual(8);
  });
  for (const name of captures) {
    it(name, async () => {
      const lines = readFileSync(join(FIXTURES, `${name}.tshark.txt`), 'utf8').split('\n').filter((l) => l !== '');
      // Lines with no encapsulation are pcapng custom blocks tshark shows as records (README).
      const frames = lines.map((l) => l.split(' ')).filter((c) => c[5] !== '');
      const capinfos = Number(/Number of packets:\s+(\d+)/.exec(readFileSync(join(FIXTURES, `${name}.capinfos.txt`), 'utf8'))![1]);
      const { recs, info } = await drain(await openCapture(join(FIXTURES, name)));
      expect(info.error).toBeNull();
      expect(info.warnings).toEqual([]);
      expect(recs.length).toBe(capinfos);
      expect(recs.length).toBe(frames.length);
      recs.forEach((r, i) => {
        const [, time, len, capLen, ifId, encap] = frames[i];
        const [sec, nsec] = epoch(time);
        const itf = info.interfaces[r.ifIndex];
        expect({ sec: r.tsSec, nsec: r.tsNsec, orig: r.origLen, cap: r.capLen, link: r.linkType }).toEqual({
          sec,
          nsec,
          orig: Number(len),
          cap: Number(capLen),
          link: Number(encap) === 1 ? 1 : -1, // tshark encap 1 = WTAP_ENCAP_ETHERNET = LINKTYPE 1
        });
        // tshark numbers interfaces within the section; we number them across the file.
        expect(ifId === '' ? 0 : Number(ifId)).toBe(itf.sectionIndex);
        expect(r.frame).toBe(i + 1);
      });
    });
  }
});
