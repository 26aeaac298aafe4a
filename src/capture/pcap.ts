/**
 * Classic pcap reader (draft-ietf-opsawg-pcap): magics a1b2c3d4 (µs) and a1b23c4d (ns) in
 * either byte order, and a1b2cd34 ("modified pcap", Kuznetsov's patches: 8 more bytes per
 * record header: ifindex u32, protocol u16, pkt_type u8, pad u8).
 *
 * Hot path: next() reads the 16-byte record header through the source's DataView (one per
 * buffer, not per packet) and overwrites the one RawRecord.
 */
import { BaseReader, MAX_PACKET } from './base.js';
import type { ByteSource } from './source.js';
import type { RawRecord } from './types.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

/** Is this 32-bit value (read big-endian) a pcap magic in either byte order? */
export function isPcapMagic(be: number): boolean {
  const swapped = ((be & 0xff) << 24 | (be & 0xff00) << 8 | (be >>> 8) & 0xff00 | be >>> 24) >>> 0;
  for (const m of [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_MODIFIED]) if (be === m || swapped === m) return true;
  return false;
}

/** Link type field: the low 16 bits (libpcap LT_LINKTYPE); the upper bits carry the FCS length. */
export const LINKTYPE_MASK = 0x0000ffff;

export class PcapReader extends BaseReader {
  private le = true;
  private ns = false;
  private hdrLen = 16;
  private headerDone = false;

  constructor(src: ByteSource, file: string, gzip: boolean, fileSize: number | null) {
    super(src, file, 'pcap', gzip, fileSize);
    this.info.sections = 1;
  }

  /** Read the 24-byte file header (called once by openCapture; never throws). */
  async init(): Promise<void> {
    const s = this.src;
    while (s.end - s.pos < 24 && (await s.fill()));
    if (s.end - s.pos < 24) {
      this.finish();
      s.pos = s.end; // nothing left to parse
      return;
    }
    const p = s.pos;
    const dv = s.dv;
    const be = dv.getUint32(p, false);
    const le = be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS && be !== PCAP_MAGIC_MODIFIED;
    const magic = dv.getUint32(p, le);
    this.le = le;
    this.ns = magic === PCAP_MAGIC_NS;
    this.hdrLen = magic === PCAP_MAGIC_MODIFIED ? 24 : 16;
    const info = this.info;
    info.byteOrder = le ? 'little' : 'big';
    info.nanosecond = this.ns;
    info.version = `${dv.getUint16(p + 4, le)}.${dv.getUint16(p + 6, le)}`;
    info.snaplen = dv.getUint32(p + 16, le);
    const linkType = dv.getUint32(p + 20, le) & LINKTYPE_MASK;
    this.rec.linkType = linkType;
    this.rec.ifIndex = 0;
    info.interfaces.push({
      index: 0,
      section: 0,
      sectionIndex: 0,
      linkType,
      snaplen: info.snaplen,
      tsUnitsPerSecond: this.ns ? 1e9 : 1e6,
      tsOffset: 0,
    });
    s.pos = p + 24;
    this.headerDone = true;
    info.bytesRead = s.base + s.pos;
  }

  protected describePartial(bytes: number): string {
    if (!this.headerDone) return `file ends inside the pcap file header (${bytes} of 24 bytes)`;
    const s = this.src;
    if (bytes < this.hdrLen) return `file ends inside a record header (${bytes} of ${this.hdrLen} bytes; capture cut short or still being written)`;
    const cap = s.dv.getUint32(s.pos + 8, this.le);
    return `file ends inside a record (${bytes - this.hdrLen} of ${cap} packet bytes; capture cut short or still being written)`;
  }

  next(): RawRecord | null {
    const s = this.src;
    const p = s.pos;
    const hdr = this.hdrLen;
    const avail = s.end - p;
    if (avail < hdr) return null;
    const dv = s.dv;
    const le = this.le;
    const cap = dv.getUint32(p + 8, le);
    if (cap > MAX_PACKET) {
      this.fatal(p, `record captured length ${cap} is larger than ${MAX_PACKET} bytes`);
      return null;
    }
    if (avail < hdr + cap) {
      const size = s.streamSize;
      if (size !== null && hdr + cap > size) this.fatal(p, `record length ${hdr + cap} is larger than the file (${size} bytes)`);
      return null;
    }
    const rec = this.rec;
    const frac = dv.getUint32(p + 4, le);
    let sec = dv.getUint32(p, le);
    if (this.ns) {
      if (frac < 1e9) rec.tsNsec = frac;
      else {
        sec += Math.floor(frac / 1e9);
        rec.tsNsec = frac % 1e9;
      }
    } else if (frac < 1e6) rec.tsNsec = frac * 1000;
    else {
      sec += Math.floor(frac / 1e6);
      rec.tsNsec = (frac % 1e6) * 1000;
    }
    rec.tsSec = sec;
    rec.origLen = dv.getUint32(p + 12, le);
    rec.capLen = cap;
    rec.buf = s.buf;
    rec.offset = p + hdr;
    rec.fileOffset = s.base + p;
    rec.frame = ++this.count;
    s.pos = p + hdr + cap;
    this.info.packets = this.count;
    this.touchAhead(s.pos);
    return rec;
  }
}
