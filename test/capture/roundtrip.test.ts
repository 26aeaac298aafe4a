/**
 * Writer → file → reader round trips for every format variant. Expected values are written out
 * by hand from the formats' rules (µs files keep ⌊nsec/1000⌋ µs; pcapng units = ⌊nsec·U/10^9⌋ and
 * back ⌊units·10^9/U⌋, as draft-ietf-opsawg-pcapng and Wireshark's wiretap define it), not
 * taken from the reader's output.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { concatBytes, PcapFileWriter, writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { drain, frame, tmpFile } from './helpers.js';

const pkts: WritePacket[] = [
  { tsSec: 1763703450, tsNsec: 123456789, data: frame(0, 60) },
  { tsSec: 1763703450, tsNsec: 999999999, data: frame(1, 1514) },
  { tsSec: 1763703451, tsNsec: 1, data: frame(2, 42), origLen: 100 },
  { tsSec: 0, tsNsec: 1000, data: frame(3, 64) },
  { tsSec: 4294967295, tsNsec: 500000000, data: frame(4, 60) },
];
// Microsecond files keep ⌊nsec / 1000⌋ µs.
const usNsec = [123456000, 999999000, 0, 1000, 500000000];
const nsNsec = [123456789, 999999999, 1, 1000, 500000000];
const secs = [1763703450, 1763703450, 1763703451, 0, 4294967295];
// Record offsets: 24-byte file header, then 16-byte record headers + data (60, 1514, 42, 64).
const offsets16 = [24, 24 + 16 + 60, 24 + 32 + 60 + 1514, 24 + 48 + 60 + 1514 + 42, 24 + 64 + 60 + 1514 + 42 + 64];
// Modified pcap: 24-byte record headers.
const offsets24 = [24, 24 + 24 + 60, 24 + 48 + 60 + 1514, 24 + 72 + 60 + 1514 + 42, 24 + 96 + 60 + 1514 + 42 + 64];

async function readBytes(name: string, bytes: Uint8Array) {
  return drain(await openCapture(tmpFile(name, bytes)));
}

describe('classic pcap round trips', () => {
  for (const bigEndian of [false, true]) {
    for (const nanosecond of [false, true]) {
      it(`${bigEndian ? 'big' : 'little'}-endian, ${nanosecond ? 'ns' : 'µs'}`, async () => {
        const bytes = writePcap(pkts, { bigEndian, nanosecond, snaplen: 65535 });
        // Magic as stored in the file (draft-ietf-opsawg-pcap §4).
        const magic = nanosecond ? [0xa1, 0xb2, 0x3c, 0x4d] : [0xa1, 0xb2, 0xc3, 0xd4];
        expect(Array.from(bytes.subarray(0, 4))).toEqual(bigEndian ? magic : magic.reverse());
        const { recs, info } = await readBytes('rt.pcap', bytes);
        expect(info).toMatchObject({
          format: 'pcap', nanosecond, byteOrder: bigEndian ? 'big' : 'little', version: '2.4',
          snaplen: 65535, packets: 5, error: null, warnings: [], sections: 1, bytesRead: bytes.length,
        });
        expect(recs.map((r) => r.tsSec)).toEqual(secs);
        expect(recs.map((r) => r.tsNsec)).toEqual(nanosecond ? nsNsec : usNsec);
        expect(recs.map((r) => r.capLen)).toEqual([60, 1514, 42, 64, 60]);
        expect(recs.map((r) => r.origLen)).toEqual([60, 1514, 100, 64, 60]);
        expect(recs.map((r) => r.frame)).toEqual([1, 2, 3, 4, 5]);
        expect(recs.map((r) => r.fileOffset)).toEqual(offsets16);
        expect(recs.every((r) => r.linkType === 1 && r.ifIndex === 0)).toBe(true);
        recs.forEach((r, i) => expect(r.data).toEqual(Array.from(pkts[i].data)));
      });
    }
  }

  it('modified pcap (a1b2cd34): 8 extra record-header bytes skipped', async () => {
    const bytes = writePcap(pkts, { modified: true });
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x34, 0xcd, 0xb2, 0xa1]);
    const { recs, info } = await readBytes('mod.pcap', bytes);
    expect(info.packets).toBe(5);
    expect(info.nanosecond).toBe(false);
    expect(recs.map((r) => r.fileOffset)).toEqual(offsets24);
    expect(recs.map((r) => r.tsNsec)).toEqual(usNsec);
    recs.forEach((r, i) => expect(r.data).toEqual(Array.from(pkts[i].data)));
  });

  it('link type with FCS bits: upper bits masked', async () => {
    const bytes = writePcap(pkts.slice(0, 1), { linkType: 105, fcsBits: 2 });
    // Header field = 105 | 0x04000000 (FCS present) | 2 << 28 = 0x2400_0069, little-endian at byte 20.
    expect(Array.from(bytes.subarray(20, 24))).toEqual([0x69, 0x00, 0x00, 0x24]);
    const { recs, info } = await readBytes('fcs.pcap', bytes);
    expect(recs[0].linkType).toBe(105);
    expect(info.interfaces[0].linkType).toBe(105);
  });

  it('µs field ≥ 10^6 is carried into the seconds', async () => {
    const bytes = writePcap([{ tsSec: 10, tsNsec: 0, data: frame(0, 20) }]);
    new DataView(bytes.buffer).setUint32(24 + 4, 2_500_000, true); // 2.5 s in the µs field
    const { recs } = await readBytes('carry.pcap', bytes);
    expect([recs[0].tsSec, recs[0].tsNsec]).toEqual([12, 500000000]);
  });

  it('ns field ≥ 10^9 is carried into the seconds too', async () => {
    const bytes = writePcap([{ tsSec: 10, tsNsec: 0, data: frame(0, 20) }], { nanosecond: true });
    new DataView(bytes.buffer).setUint32(24 + 4, 2_500_000_000, true); // 2.5 s in the ns field
    const { recs } = await readBytes('carry-ns.pcap', bytes);
    expect([recs[0].tsSec, recs[0].tsNsec]).toEqual([12, 500000000]);
  });

  it('streaming PcapFileWriter writes the same bytes as writePcap', async () => {
    const path = tmpFile('stream.pcap', new Uint8Array(0));
    const w = new PcapFileWriter(path, { nanosecond: true });
    for (const p of pkts) w.write(p.tsSec, p.tsNsec, p.data, p.origLen);
    await w.close();
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(writePcap(pkts, { nanosecond: true })))).toBe(true);
  });
});

describe('pcapng round trips', () => {
  it('several interfaces with their own if_tsresol (10^-k and 2^-k) and if_tsoffset', async () => {
    const t = { tsSec: 1763703450, tsNsec: 123456789 };
    const bytes = writePcapng(
      [
        { ...t, data: frame(0, 60), ifIndex: 0 }, // µs (default)
        { ...t, data: frame(1, 61), ifIndex: 1 }, // ns
        { ...t, data: frame(2, 62), ifIndex: 2 }, // ms
        { ...t, data: frame(3, 63), ifIndex: 3 }, // 1 s (10^0)
        { ...t, data: frame(4, 64), ifIndex: 4 }, // 2^-20 s
        { ...t, data: frame(5, 65), ifIndex: 5 }, // 2^-40 s, offset 1763703000
        { ...t, data: frame(6, 66), ifIndex: 6 }, // ps (10^-12), offset 1763700000
        { ...t, data: frame(7, 67), ifIndex: 7 }, // 2^0 s
        { ...t, data: frame(8, 68), ifIndex: 8 }, // µs, offset −100
        { tsSec: 1763703450, tsNsec: 999999999, data: frame(9, 69), ifIndex: 4 },
      ],
      {
        interfaces: [
          { linkType: 1 },
          { linkType: 101, tsresol: 9, snaplen: 1000 },
          { linkType: 1, tsresol: 3 },
          { linkType: 1, tsresol: 0 },
          { linkType: 113, tsresol: 0x80 | 20 },
          { linkType: 1, tsresol: 0x80 | 40, tsoffset: 1763703000 },
          { linkType: 1, tsresol: 12, tsoffset: 1763700000 },
          { linkType: 1, tsresol: 0x80 },
          { linkType: 1, tsoffset: -100 },
        ],
      },
    );
    const { recs, info } = await readBytes('itf.pcapng', bytes);
    expect(info.error).toBeNull();
    expect(info.interfaces.map((i) => i.tsUnitsPerSecond)).toEqual([1e6, 1e9, 1e3, 1, 2 ** 20, 2 ** 40, 1e12, 1, 1e6]);
    expect(info.interfaces.map((i) => i.tsOffset)).toEqual([0, 0, 0, 0, 0, 1763703000, 1763700000, 0, -100]);
    expect(info.interfaces[1].snaplen).toBe(1000);
    expect(info.nanosecond).toBe(true);
    expect(recs.map((r) => r.ifIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 4]);
    expect(recs.map((r) => r.linkType)).toEqual([1, 101, 1, 1, 113, 1, 1, 1, 1, 113]);
    expect(recs.every((r, i) => r.tsSec === 1763703450 && r.capLen === 60 + i)).toBe(true);
    expect(recs.map((r) => r.tsNsec)).toEqual([
      123456000, // µs: 123456 µs
      123456789, // ns
      123000000, // ms: 123 ms
      0, // 1 s units
      // 2^-20: ⌊0.123456789·2^20⌋ = 129453 units; 129453·10^9/2^20 = 123456001.28… → 123456001
      // (checked with Python integers: 123456789*2**20//10**9*10**9//2**20)
      123456001,
      // 2^-40: ⌊0.123456789·2^40⌋ = 135742175033; ·10^9/2^40 = 123456788.99… → 123456788
      123456788,
      123456789, // ps: exact
      0, // 2^0 s units
      123456000, // µs with offset
      // 2^-20: ⌊0.999999999·2^20⌋ = 1048575; ·10^9/2^20 = 999999046.33 → 999999046
      999999046,
    ]);
  });

  it('two sections, big- then little-endian, EPB / obsolete PB / SPB, skipped blocks and ISB statistics', async () => {
    const s1 = writePcapng(
      [
        { tsSec: 100, tsNsec: 5000, data: frame(0, 60), ifIndex: 1 },
        { tsSec: 101, tsNsec: 0, data: frame(1, 60), ifIndex: 0 },
        { tsSec: 102, tsNsec: 0, data: frame(2, 60), ifIndex: 1 },
      ],
      { bigEndian: true, extraBlocks: true, interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 9 }] },
    );
    const s2 = writePcapng([{ tsSec: 200, tsNsec: 7000, data: frame(3, 70) }], { obsoletePacketBlock: true, extraBlocks: true });
    const s3 = writePcapng([{ tsSec: 0, tsNsec: 0, data: frame(4, 100), origLen: 300 }], {
      simple: true,
      interfaces: [{ linkType: 228, snaplen: 100 }],
    });
    const { recs, info } = await readBytes('sections.pcapng', concatBytes([s1, s2, s3]));
    expect(info.error).toBeNull();
    expect(info.warnings).toEqual([]);
    expect(info.sections).toBe(3);
    expect(info.byteOrder).toBe('big'); // first section
    expect(info.version).toBe('1.0');
    expect(recs.map((r) => [r.tsSec, r.tsNsec, r.ifIndex, r.frame])).toEqual([
      [100, 5000, 1, 1],
      [101, 0, 0, 2],
      [102, 0, 1, 3],
      [200, 7000, 2, 4],
      [0, 0, 3, 5], // SPB: no timestamp
    ]);
    // SPB: captured = min(original 300, interface snaplen 100); link type of interface 0 of its section.
    expect([recs[4].capLen, recs[4].origLen, recs[4].linkType]).toEqual([100, 300, 228]);
    recs.forEach((r, i) => expect(r.data).toEqual(Array.from(frame(i, r.capLen))));
    // ISBs (writer: isb_ifrecv = packets on the interface, isb_ifdrop = interface index + 1)
    expect(info.interfaces.map((i) => [i.section, i.sectionIndex, i.received, i.dropped])).toEqual([
      [0, 0, 1, 1],
      [0, 1, 2, 2],
      [1, 0, 1, 1],
      [2, 0, undefined, undefined],
    ]);
  });

  it('SPB captured length is min(original length, snaplen) even when the block holds more bytes', async () => {
    // draft-ietf-opsawg-pcapng §4.4: the SPB's captured length is derived, not stored.
    const bytes = writePcapng([{ tsSec: 0, tsNsec: 0, data: frame(0, 100), origLen: 300 }], { simple: true, interfaces: [{ linkType: 1, snaplen: 64 }] });
    const { recs } = await readBytes('spb-snap.pcapng', bytes);
    expect([recs[0].capLen, recs[0].origLen]).toEqual([64, 300]);
    expect(recs[0].data).toEqual(Array.from(frame(0, 100)).slice(0, 64));
  });

  it("the file's snaplen is the first interface's", async () => {
    const bytes = writePcapng([{ tsSec: 1, tsNsec: 0, data: frame(0, 60) }], { interfaces: [{ linkType: 1, snaplen: 1500 }, { linkType: 1, snaplen: 9000 }] });
    const { info } = await readBytes('snaps.pcapng', bytes);
    expect([info.snaplen, info.interfaces[1].snaplen]).toEqual([1500, 9000]);
  });

  it('gzip-compressed pcapng gives the same records', async () => {
    const plain = writePcapng(pkts, { interfaces: [{ linkType: 1, tsresol: 9 }], extraBlocks: true });
    const a = await readBytes('plain.pcapng', plain);
    const b = await readBytes('z.pcapng.gz', gzipSync(plain));
    expect(b.info.gzip).toBe(true);
    expect(a.info.gzip).toBe(false);
    expect(b.recs).toEqual(a.recs);
    expect(b.recs.map((r) => r.tsNsec)).toEqual(nsNsec);
    expect(b.info.bytesRead).toBe(plain.length);
  });

  it('gzip-compressed pcap, name without .gz (detected by magic)', async () => {
    const { recs, info } = await readBytes('z.pcap', gzipSync(writePcap(pkts, { nanosecond: true })));
    expect(info.gzip).toBe(true);
    expect(recs.map((r) => r.tsNsec)).toEqual(nsNsec);
  });
});
