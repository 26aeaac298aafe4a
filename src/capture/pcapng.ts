/**
 * pcapng reader (draft-ietf-opsawg-pcapng): any number of sections, each in its own byte order;
 * every IDB with its link type, snaplen, if_tsresol and if_tsoffset; packets from Enhanced (6),
 * Simple (3) and obsolete Packet (2) blocks; Interface Statistics Blocks (5) kept in the
 * interface info; every other block (NRB, custom, DSB, systemd journal, unknown …) skipped by
 * its length. A block whose trailing length differs from its leading one is corrupt.
 *
 * Blocks are limited to MAX_BLOCK bytes: a longer length is treated as damage (CaptureError at
 * the block), so no length read from the file decides how much is buffered.
 */
import { BaseReader, MAX_PACKET } from './base.js';
import type { ByteSource } from './source.js';
import { TsResolution, toSecNsec, tsOut } from './tsconv.js';
import type { InterfaceInfo, RawRecord } from './types.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_ISB = 5;
const BT_EPB = 6;

/** Largest block accepted: a maximal packet (256 KiB) plus EPB header, trailer and 1 KiB of options. */
export const MAX_BLOCK = MAX_PACKET + 1024 + 32;

interface Itf {
  info: InterfaceInfo;
  linkType: number;
  snaplen: number;
  res: TsResolution;
  tsOffset: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class PcapngReader extends BaseReader {
  /** Byte order of the current section. */
  private le = true;
  /** Interfaces of the current section (pcapng numbers them per section). */
  private itfs: Itf[] = [];
  private inSection = false;

  constructor(src: ByteSource, file: string, gzip: boolean, fileSize: number | null) {
    super(src, file, 'pcapng', gzip, fileSize);
  }

  protected describePartial(bytes: number): string {
    const s = this.src;
    if (bytes >= 8) {
      const type = s.dv.getUint32(s.pos, this.le);
      let le = this.le;
      if (type === PCAPNG_SHB && bytes >= 12) le = s.dv.getUint32(s.pos + 8, true) === BOM;
      const len = s.dv.getUint32(s.pos + 4, le);
      return `file ends inside a block (${bytes} of ${len} bytes; capture cut short or still being written)`;
    }
    return `file ends inside a block header (${bytes} bytes; capture cut short or still being written)`;
  }

  next(): RawRecord | null {
    const s = this.src;
    for (;;) {
      const p = s.pos;
      const avail = s.end - p;
      if (avail < 12) return null;
      const dv = s.dv;
      let le = this.le;
      const type = dv.getUint32(p, le);
      if (type === PCAPNG_SHB) {
        const bom = dv.getUint32(p + 8, true);
        if (bom === BOM) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          this.fatal(p, `section header block with a bad byte-order magic (0x${bom.toString(16).padStart(8, '0')})`);
          return null;
        }
      } else if (!this.inSection) {
        this.fatal(p, 'block before the first section header block');
        return null;
      }
      const len = dv.getUint32(p + 4, le);
      if (len < 12 || len % 4 !== 0) {
        this.fatal(p, `block length ${len} is invalid (must be a multiple of 4, at least 12)`);
        return null;
      }
      if (len > MAX_BLOCK) {
        this.fatal(p, `block length ${len} is larger than ${MAX_BLOCK} bytes`);
        return null;
      }
      if (avail < len) {
        const size = s.streamSize;
        if (size !== null && len > size) this.fatal(p, `block length ${len} is larger than the file (${size} bytes)`);
        return null;
      }
      const trail = dv.getUint32(p + len - 4, le);
      if (trail !== len) {
        this.fatal(p, `block trailing length ${trail} differs from its leading length ${len}`);
        return null;
      }
      switch (type) {
        case BT_EPB:
        case BT_PB: {
          if (len < 32) {
            this.fatal(p, `packet block too short (${len} bytes)`);
            return null;
          }
          const ifid = type === BT_EPB ? dv.getUint32(p + 8, le) : dv.getUint16(p + 8, le);
          const itf = this.itfs[ifid];
          if (itf === undefined) {
            this.fatal(p, `packet on interface ${ifid}, but the section has ${this.itfs.length} interface(s)`);
            return null;
          }
          const cap = dv.getUint32(p + 20, le);
          if (cap > len - 32) {
            this.fatal(p, `packet captured length ${cap} does not fit in its ${len}-byte block`);
            return null;
          }
          toSecNsec(dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), itf.res);
          return this.packet(itf, p, len, tsOut.sec + itf.tsOffset, tsOut.nsec, cap, dv.getUint32(p + 24, le), 28);
        }
        case BT_SPB: {
          if (len < 16) {
            this.fatal(p, `simple packet block too short (${len} bytes)`);
            return null;
          }
          const itf = this.itfs[0];
          if (itf === undefined) {
            this.fatal(p, 'simple packet block in a section without an interface');
            return null;
          }
          const orig = dv.getUint32(p + 8, le);
          let cap = orig;
          if (itf.snaplen !== 0 && cap > itf.snaplen) cap = itf.snaplen;
          if (cap > len - 16) cap = len - 16;
          return this.packet(itf, p, len, 0, 0, cap, orig, 12); // an SPB has no timestamp
        }
        case PCAPNG_SHB:
          if (!this.section(p, len, le)) return null;
          break;
        case BT_IDB:
          if (!this.idb(p, len)) return null;
          break;
        case BT_ISB:
          this.isb(p, len);
          break;
        default:
          // NRB, custom, DSB, journal, unknown: skipped by length.
          break;
      }
      s.pos = p + len;
    }
  }

  /** Fills the record with the packet of the block at p (data at p + dataAt) and steps past the block. */
  private packet(itf: Itf, p: number, len: number, sec: number, nsec: number, cap: number, orig: number, dataAt: number): RawRecord {
    const s = this.src;
    const rec = this.rec;
    rec.tsSec = sec;
    rec.tsNsec = nsec;
    rec.capLen = cap;
    rec.origLen = orig;
    rec.linkType = itf.linkType;
    rec.ifIndex = itf.info.index;
    rec.buf = s.buf;
    rec.offset = p + dataAt;
    rec.fileOffset = s.base + p;
    rec.frame = ++this.count;
    s.pos = p + len;
    this.info.packets = this.count;
    this.touchAhead(s.pos);
    return rec;
  }

  private section(p: number, len: number, le: boolean): boolean {
    const dv = this.src.dv;
    if (len < 28) {
      this.fatal(p, `section header block too short (${len} bytes)`);
      return false;
    }
    const major = dv.getUint16(p + 12, le);
    const minor = dv.getUint16(p + 14, le);
    if (major !== 1) {
      this.fatal(p, `unsupported pcapng version ${major}.${minor}`);
      return false;
    }
    this.le = le;
    this.itfs = [];
    this.inSection = true;
    const info = this.info;
    if (info.sections === 0) {
      info.byteOrder = le ? 'little' : 'big';
      info.version = `${major}.${minor}`;
    }
    info.sections++;
    return true;
  }

  private idb(p: number, len: number): boolean {
    const dv = this.src.dv;
    const le = this.le;
    if (len < 20) {
      this.fatal(p, `interface description block too short (${len} bytes)`);
      return false;
    }
    const linkType = dv.getUint16(p + 8, le);
    const snaplen = dv.getUint32(p + 12, le);
    let tsresol = 6;
    let tsOffset = 0;
    let name: string | undefined;
    let description: string | undefined;
    const end = p + len - 4;
    for (let at = p + 16; at + 4 <= end; ) {
      const code = dv.getUint16(at, le);
      const olen = dv.getUint16(at + 2, le);
      if (code === 0 || at + 4 + olen > end) break;
      const v = at + 4;
      if (code === 9 && olen >= 1) tsresol = this.src.buf[v];
      else if (code === 14 && olen === 8) tsOffset = u64(dv, v, le, true);
      else if (code === 2) name = utf8.decode(this.src.buf.subarray(v, v + olen)).replace(/\0+$/, '');
      else if (code === 3) description = utf8.decode(this.src.buf.subarray(v, v + olen)).replace(/\0+$/, '');
      at = v + ((olen + 3) & ~3);
    }
    const res = new TsResolution(tsresol);
    if (res.invalid) this.warn(this.src.base + p, `interface has an unusable if_tsresol 0x${tsresol.toString(16)}; microseconds assumed`);
    const info: InterfaceInfo = {
      index: this.info.interfaces.length,
      section: this.info.sections - 1,
      sectionIndex: this.itfs.length,
      linkType,
      snaplen,
      tsUnitsPerSecond: res.units,
      tsOffset,
    };
    if (name !== undefined) info.name = name;
    if (description !== undefined) info.description = description;
    this.info.interfaces.push(info);
    if (res.units > 1e6) this.info.nanosecond = true;
    if (this.info.interfaces.length === 1) this.info.snaplen = snaplen;
    this.itfs.push({ info, linkType, snaplen, res, tsOffset });
    return true;
  }

  private isb(p: number, len: number): void {
    const dv = this.src.dv;
    const le = this.le;
    if (len < 24) return;
    const itf = this.itfs[dv.getUint32(p + 8, le)];
    if (itf === undefined) return;
    const end = p + len - 4;
    for (let at = p + 20; at + 4 <= end; ) {
      const code = dv.getUint16(at, le);
      const olen = dv.getUint16(at + 2, le);
      if (code === 0 || at + 4 + olen > end) break;
      const v = at + 4;
      if ((code === 4 || code === 5) && olen === 8) {
        const n = u64(dv, v, le, false);
        if (code === 4) itf.info.received = n;
        else itf.info.dropped = n;
      }
      at = v + ((olen + 3) & ~3);
    }
  }
}

/** 64-bit option value at v as a number (exact below 2^53); `signed` for if_tsoffset. */
function u64(dv: DataView, v: number, le: boolean, signed: boolean): number {
  const hi = v + (le ? 4 : 0);
  const lo = v + (le ? 0 : 4);
  return (signed ? dv.getInt32(hi, le) : dv.getUint32(hi, le)) * 4294967296 + dv.getUint32(lo, le);
}
