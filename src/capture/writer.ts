/**
 * Capture writers for tests, fixtures and the benchmark: classic pcap (every magic) and pcapng
 * (any byte order, several interfaces with their own resolution and offset, EPB / SPB /
 * obsolete Packet Block, optional extra blocks the reader must skip).
 *
 * Formats: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html (pcap) and
 * draft-ietf-opsawg-pcapng (pcapng). Not on any hot path except PcapFileWriter, which the
 * benchmark uses to write millions of records with constant memory.
 *
 * A pcapng file may be a concatenation of sections: `concat(writePcapng(a, {bigEndian: true}),
 * writePcapng(b))` is a valid two-section file with mixed byte order.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface WritePacket {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** Original length on the wire; default data.length. */
  origLen?: number;
  /** pcapng: index of the interface (within this section) the packet came from; default 0. */
  ifIndex?: number;
}

export interface PcapWriteOptions {
  /** LINKTYPE_* value, default 1 (Ethernet). */
  linkType?: number;
  /** Nanosecond magic a1b23c4d (timestamps written in ns); default microseconds (nsec / 1000, truncated). */
  nanosecond?: boolean;
  bigEndian?: boolean;
  /** Default 262144. */
  snaplen?: number;
  /** Modified pcap (magic a1b2cd34, Alexey Kuznetsov's patches): each record has 8 more header bytes. */
  modified?: boolean;
  /**
   * FCS length in 16-bit words (0 … 15) carried in the header's link-type field: the field becomes
   * linkType | 0x04000000 (FCS-present flag) | fcsBits << 28, as libpcap's LT_FCS_* macros define.
   */
  fcsBits?: number;
}

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAP_MODIFIED = 0xa1b2cd34;

/** Growable byte buffer with a DataView (writer side only; not a hot path). */
class Bytes {
  buf = new Uint8Array(4096);
  dv = new DataView(this.buf.buffer);
  len = 0;
  constructor(public le: boolean) {}
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.dv.setUint16(this.len, v, this.le);
    this.len += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.len, v >>> 0, this.le);
    this.len += 4;
  }
  i32(v: number): void {
    this.room(4);
    this.dv.setInt32(this.len, v, this.le);
    this.len += 4;
  }
  u64(v: bigint): void {
    this.room(8);
    this.dv.setBigUint64(this.len, BigInt.asUintN(64, v), this.le);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  pad4(): void {
    while (this.len % 4 !== 0) this.u8(0);
  }
  setU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, this.le);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function linkField(linkType: number, fcsBits: number | undefined): number {
  if (fcsBits === undefined) return linkType >>> 0;
  return (linkType | 0x04000000 | ((fcsBits & 0xf) << 28)) >>> 0;
}

function pcapHeader(b: Bytes, o: PcapWriteOptions): void {
  b.u32(o.modified ? PCAP_MODIFIED : o.nanosecond ? PCAP_NS : PCAP_US);
  b.u16(2);
  b.u16(4);
  b.i32(0);
  b.u32(0);
  b.u32(o.snaplen ?? 262144);
  b.u32(linkField(o.linkType ?? 1, o.fcsBits));
}

/** A whole classic pcap file in memory (tests and fixtures). */
export function writePcap(pkts: Iterable<WritePacket>, o: PcapWriteOptions = {}): Uint8Array {
  const b = new Bytes(!o.bigEndian);
  pcapHeader(b, o);
  const ns = !!o.nanosecond && !o.modified;
  for (const p of pkts) {
    b.u32(p.tsSec);
    b.u32(ns ? p.tsNsec : Math.floor(p.tsNsec / 1000));
    b.u32(p.data.length);
    b.u32(p.origLen ?? p.data.length);
    if (o.modified) {
      b.u32(p.ifIndex ?? 0); // ifindex
      b.u16(0x0800); // protocol
      b.u8(0); // pkt_type
      b.u8(0); // pad
    }
    b.bytes(p.data);
  }
  return b.result();
}

export interface PcapngInterface {
  linkType: number;
  /** Default 262144 (0 = no limit, as the spec allows). */
  snaplen?: number;
  /** Raw if_tsresol byte: bit 7 clear → 10^-v s, set → 2^-(v & 0x7f) s. Default 6 (µs); the option is omitted when 6. */
  tsresol?: number;
  /** if_tsoffset, whole seconds added to every timestamp of the interface. */
  tsoffset?: number;
  name?: string;
}

export interface PcapngWriteOptions {
  /** Default one Ethernet interface. */
  interfaces?: PcapngInterface[];
  bigEndian?: boolean;
  /** Write every packet as a Simple Packet Block (no timestamp, interface 0). */
  simple?: boolean;
  /** Write every packet as an obsolete Packet Block (type 2) instead of an EPB. */
  obsoletePacketBlock?: boolean;
  /**
   * Add blocks the reader must skip: after the IDBs a Name Resolution Block, a Custom Block
   * (0x00000BAD), a Decryption Secrets Block and a block of unknown type 0x00000FFF; at the end
   * one Interface Statistics Block per interface with isb_ifrecv = packets written on that
   * interface and isb_ifdrop = interface index + 1.
   */
  extraBlocks?: boolean;
}

function option(b: Bytes, code: number, value: Uint8Array): void {
  b.u16(code);
  b.u16(value.length);
  b.bytes(value);
  b.pad4();
}

function u64Bytes(v: bigint, le: boolean): Uint8Array {
  const a = new Uint8Array(8);
  new DataView(a.buffer).setBigUint64(0, BigInt.asUintN(64, v), le);
  return a;
}

/** Open a block; returns its start so endBlock can patch both lengths. */
function beginBlock(b: Bytes, type: number): number {
  const start = b.len;
  b.u32(type);
  b.u32(0);
  return start;
}

function endBlock(b: Bytes, start: number): void {
  b.pad4();
  const total = b.len - start + 4;
  b.u32(total);
  b.setU32(start + 4, total);
}

/** Units per second of a raw if_tsresol byte. */
function unitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

/** 64-bit timestamp in the interface's units: (sec − tsoffset)·units + ⌊nsec·units / 10^9⌋. */
function pcapngTs(p: WritePacket, itf: PcapngInterface): bigint {
  const units = unitsPerSecond(itf.tsresol ?? 6);
  const sec = BigInt(p.tsSec) - BigInt(itf.tsoffset ?? 0);
  return sec * units + (BigInt(p.tsNsec) * units) / 1_000_000_000n;
}

/** One pcapng section (SHB, IDBs, packets) in memory. */
export function writePcapng(pkts: Iterable<WritePacket>, o: PcapngWriteOptions = {}): Uint8Array {
  const le = !o.bigEndian;
  const b = new Bytes(le);
  const itfs = o.interfaces ?? [{ linkType: 1 }];
  const enc = new TextEncoder();

  // Section Header Block
  let s = beginBlock(b, 0x0a0d0d0a);
  b.u32(0x1a2b3c4d);
  b.u16(1);
  b.u16(0);
  b.u64(-1n); // section length unknown
  endBlock(b, s);

  for (const itf of itfs) {
    s = beginBlock(b, 1);
    b.u16(itf.linkType);
    b.u16(0);
    b.u32(itf.snaplen ?? 262144);
    let opts = false;
    if (itf.name !== undefined) {
      option(b, 2, enc.encode(itf.name));
      opts = true;
    }
    if (itf.tsresol !== undefined && itf.tsresol !== 6) {
      option(b, 9, Uint8Array.of(itf.tsresol));
      opts = true;
    }
    if (itf.tsoffset !== undefined) {
      option(b, 14, u64Bytes(BigInt(itf.tsoffset), le));
      opts = true;
    }
    if (opts) option(b, 0, new Uint8Array(0));
    endBlock(b, s);
  }

  if (o.extraBlocks) {
    // Name Resolution Block: one IPv4 record 127.0.0.1 → "localhost", then nrb_record_end.
    s = beginBlock(b, 4);
    const name = enc.encode('localhost\0');
    b.u16(1);
    b.u16(4 + name.length);
    b.bytes(Uint8Array.of(127, 0, 0, 1));
    b.bytes(name);
    b.pad4();
    b.u16(0);
    b.u16(0);
    endBlock(b, s);
    // Custom Block (copiable), PEN 32473 (IANA example enterprise number)
    s = beginBlock(b, 0x00000bad);
    b.u32(32473);
    b.bytes(enc.encode('custom!'));
    endBlock(b, s);
    // Decryption Secrets Block: TLS key log
    s = beginBlock(b, 0x0000000a);
    const secret = enc.encode('CLIENT_RANDOM 00 11\n');
    b.u32(0x544c534b);
    b.u32(secret.length);
    b.bytes(secret);
    endBlock(b, s);
    // Unknown block type
    s = beginBlock(b, 0x00000fff);
    b.u32(0xdeadbeef);
    endBlock(b, s);
  }

  const perItf = new Array<number>(itfs.length).fill(0);
  let last: WritePacket | null = null;
  for (const p of pkts) {
    const ifi = p.ifIndex ?? 0;
    const itf = itfs[ifi];
    if (itf === undefined) throw new Error(`writePcapng: packet on interface ${ifi}, only ${itfs.length} defined`);
    perItf[ifi]++;
    last = p;
    const orig = p.origLen ?? p.data.length;
    if (o.simple) {
      s = beginBlock(b, 3);
      b.u32(orig);
      b.bytes(p.data);
      endBlock(b, s);
      continue;
    }
    const ts = pcapngTs(p, itf);
    const hi = Number(ts >> 32n) >>> 0;
    const lo = Number(ts & 0xffffffffn) >>> 0;
    if (o.obsoletePacketBlock) {
      s = beginBlock(b, 2);
      b.u16(ifi);
      b.u16(0); // drops count
    } else {
      s = beginBlock(b, 6);
      b.u32(ifi);
    }
    b.u32(hi);
    b.u32(lo);
    b.u32(p.data.length);
    b.u32(orig);
    b.bytes(p.data);
    endBlock(b, s);
  }

  if (o.extraBlocks) {
    for (let i = 0; i < itfs.length; i++) {
      s = beginBlock(b, 5);
      b.u32(i);
      const ts = last ? pcapngTs(last, itfs[i]) : 0n;
      b.u32(Number(ts >> 32n) >>> 0);
      b.u32(Number(ts & 0xffffffffn) >>> 0);
      option(b, 4, u64Bytes(BigInt(perItf[i]), le)); // isb_ifrecv
      option(b, 5, u64Bytes(BigInt(i + 1), le)); // isb_ifdrop
      option(b, 0, new Uint8Array(0));
      endBlock(b, s);
    }
  }
  return b.result();
}

/** Concatenate byte arrays (e.g. several pcapng sections into one file). */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Streaming classic-pcap writer: records go into a 4 MiB buffer flushed with writeSync, so
 * memory stays constant however many packets are written.
 */
export class PcapFileWriter {
  private fd: number;
  private buf = new Uint8Array(4 << 20);
  private dv = new DataView(this.buf.buffer);
  private len = 0;
  private le: boolean;
  private ns: boolean;
  private modified: boolean;
  private closed = false;

  constructor(path: string, o: PcapWriteOptions = {}) {
    this.fd = openSync(path, 'w');
    this.le = !o.bigEndian;
    this.ns = !!o.nanosecond && !o.modified;
    this.modified = !!o.modified;
    const h = new Bytes(this.le);
    pcapHeader(h, o);
    this.buf.set(h.result(), 0);
    this.len = 24;
  }

  write(tsSec: number, tsNsec: number, data: Uint8Array, origLen?: number): void {
    const need = (this.modified ? 24 : 16) + data.length;
    if (this.len + need > this.buf.length) this.flush();
    if (need > this.buf.length) {
      this.buf = new Uint8Array(need);
      this.dv = new DataView(this.buf.buffer);
    }
    const dv = this.dv;
    const le = this.le;
    let at = this.len;
    dv.setUint32(at, tsSec >>> 0, le);
    dv.setUint32(at + 4, this.ns ? tsNsec : Math.floor(tsNsec / 1000), le);
    dv.setUint32(at + 8, data.length, le);
    dv.setUint32(at + 12, origLen ?? data.length, le);
    at += 16;
    if (this.modified) {
      dv.setUint32(at, 0, le);
      dv.setUint16(at + 4, 0x0800, le);
      dv.setUint16(at + 6, 0, le);
      at += 8;
    }
    this.buf.set(data, at);
    this.len = at + data.length;
  }

  private flush(): void {
    let off = 0;
    while (off < this.len) off += writeSync(this.fd, this.buf, off, this.len - off);
    this.len = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }
}
