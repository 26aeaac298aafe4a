/**
 * The committed capture fixtures in fixtures/capture/, as writer inputs. fixtures.gen.test.ts
 * writes them (REGEN_CAPTURE_FIXTURES=1); tshark's view of each file is committed next to it
 * and is what tshark.test.ts compares our reader with.
 */
import { concatBytes, writePcap, writePcapng, type WritePacket } from '../../src/capture/writer.js';
import { frame } from './helpers.js';

const base: Array<[number, number, number, number?]> = [
  // [tsSec, tsNsec, length, origLen]
  [1763703450, 123456789, 60],
  [1763703450, 999999999, 1514],
  [1763703451, 1, 42, 100],
  [0, 1000, 64],
  [4294967295, 500000000, 60],
];

export function basePackets(): WritePacket[] {
  return base.map(([s, ns, len, orig], i) => ({ tsSec: s, tsNsec: ns, data: frame(i, len), origLen: orig }));
}

function multiPcapng(): Uint8Array {
  // Section 1, big-endian: ns, 2^-20 s with if_tsoffset 1000, ms; extra blocks to skip.
  const s1 = writePcapng(
    [
      { tsSec: 1763703450, tsNsec: 123456789, data: frame(1, 60), ifIndex: 0 },
      { tsSec: 1763703450, tsNsec: 500000000, data: frame(2, 70), ifIndex: 1 },
      { tsSec: 1763703450, tsNsec: 999999999, data: frame(3, 80), ifIndex: 1 },
      { tsSec: 1763703451, tsNsec: 250000000, data: frame(4, 90), ifIndex: 2 },
      { tsSec: 1763703451, tsNsec: 999999999, data: frame(5, 54), origLen: 1500, ifIndex: 0 },
    ],
    {
      bigEndian: true,
      extraBlocks: true,
      interfaces: [
        { linkType: 1, tsresol: 9, name: 'eth0' },
        { linkType: 1, tsresol: 0x80 | 20, tsoffset: 1000, name: 'wlan0' },
        { linkType: 1, tsresol: 3 },
      ],
    },
  );
  // Section 2, little-endian, obsolete Packet Blocks: µs, 2^-10 s.
  const s2 = writePcapng(
    [
      { tsSec: 1763703452, tsNsec: 7000, data: frame(6, 60), ifIndex: 0 },
      { tsSec: 1763703452, tsNsec: 999999999, data: frame(7, 61), ifIndex: 1 },
    ],
    { obsoletePacketBlock: true, interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 0x80 | 10 }] },
  );
  return concatBytes([s1, s2]);
}

/** name → file bytes. */
export function fixtureFiles(): Record<string, Uint8Array> {
  return {
    'us-le.pcap': writePcap(basePackets()),
    'us-be.pcap': writePcap(basePackets(), { bigEndian: true }),
    'ns-le.pcap': writePcap(basePackets(), { nanosecond: true }),
    'ns-be.pcap': writePcap(basePackets(), { nanosecond: true, bigEndian: true }),
    'modified.pcap': writePcap(basePackets(), { modified: true }),
    'multi.pcapng': multiPcapng(),
    'spb.pcapng': writePcapng(
      [
        { tsSec: 0, tsNsec: 0, data: frame(1, 60) },
        { tsSec: 0, tsNsec: 0, data: frame(2, 100), origLen: 400 },
      ],
      { simple: true, interfaces: [{ linkType: 1, snaplen: 100 }] },
    ),
  };
}
