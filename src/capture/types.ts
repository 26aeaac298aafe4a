/**
 * Capture stage: byte sources (file, stdin, gzip) → raw records (one frame each).
 *
 * Contract shared by every reader (pcap, pcapng) and by the merger of several files.
 * The hot path allocates nothing per packet: a reader owns one RawRecord and overwrites it
 * for every frame. A RawRecord (and the bytes it points at) is valid only until the next
 * call to next() or fill() on the reader that produced it.
 */

/** One captured frame. Overwritten in place for every packet. */
export class RawRecord {
  /** The frame's bytes are buf[offset, offset + capLen). */
  buf: Uint8Array = new Uint8Array(0);
  offset = 0;
  /** Captured length (bytes present). */
  capLen = 0;
  /** Original length on the wire (≥ capLen when the capture was truncated by a snaplen). */
  origLen = 0;
  /** Timestamp, whole seconds since the Unix epoch (UTC). */
  tsSec = 0;
  /** Timestamp, nanoseconds within the second, 0 … 999 999 999. Full precision of the file. */
  tsNsec = 0;
  /** Link-layer type (LINKTYPE_* value, FCS bits masked off). */
  linkType = 0;
  /** Interface index: pcapng interface (numbered across the whole file), 0 for classic pcap. */
  ifIndex = 0;
  /** Byte offset of this record's header in the (decompressed) capture stream. */
  fileOffset = 0;
  /** 1-based frame number within its file (as Wireshark numbers frames). */
  frame = 0;
  /** Which input file it came from (index into the list given to the merger), 0 for a single file. */
  fileIndex = 0;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface InterfaceInfo {
  /** Global index across the whole file (pcapng numbers interfaces per section; we number them all). */
  index: number;
  /** pcapng: 0-based section the interface belongs to (0 for pcap). */
  section?: number;
  /** pcapng: the interface id packets of its section use (its index within the section). */
  sectionIndex?: number;
  linkType: number;
  snaplen: number;
  /** Units per second of the timestamps on this interface (1e6 for µs, 1e9 for ns, 2^k …). */
  tsUnitsPerSecond: number;
  /** if_tsoffset, seconds. */
  tsOffset: number;
  name?: string;
  description?: string;
  /** From pcapng Interface Statistics Blocks (isb_ifdrop), when present. */
  dropped?: number;
  /** isb_ifrecv, when present. */
  received?: number;
}

/** A non-fatal problem: reading went on (or stopped cleanly at a partial record). */
export interface CaptureWarning {
  file: string;
  offset: number;
  message: string;
}

/**
 * A fatal problem with the input: reading stops here. Everything read before `offset`
 * has been delivered and stays in the results. `toString()` is the one line the CLI prints.
 */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: byte ${offset}: ${reason}`);
    this.name = 'CaptureError';
  }
}

/** What a reader learnt about the file (filled while reading; final once next() returned null). */
export interface CaptureInfo {
  file: string;
  format: CaptureFormat | null;
  gzip: boolean;
  /** Classic pcap: microsecond or nanosecond magic; pcapng: per interface. */
  nanosecond: boolean;
  byteOrder: 'little' | 'big';
  /** pcap version or pcapng section version, "major.minor". */
  version: string;
  snaplen: number;
  interfaces: InterfaceInfo[];
  /** Number of records delivered. */
  packets: number;
  /** Bytes consumed from the (decompressed) stream. */
  bytesRead: number;
  /** Size of the file on disk when known (for progress), else null (stdin, pipes, gzip: bytesRead counts decompressed bytes). */
  fileSize: number | null;
  /** Number of pcapng sections seen (1 for pcap). */
  sections: number;
  warnings: CaptureWarning[];
  /** Set when reading stopped on damage; what was read before it has been delivered. */
  error: CaptureError | null;
}

/**
 * Pull interface over one capture. Usage (the loop the pipeline runs):
 *
 *   for (;;) {
 *     const r = reader.next();            // synchronous, no allocation
 *     if (r === null) { if (!(await reader.fill())) break; continue; }
 *     handle(r);
 *   }
 *
 * next() returns null when the buffered bytes hold no complete record; fill() reads more
 * from the source and resolves false at end of input (or after a fatal error, which is then
 * in info.error). Neither ever throws for bad input.
 */
export interface CaptureReader {
  readonly info: CaptureInfo;
  next(): RawRecord | null;
  fill(): Promise<boolean>;
  /** Stop reading and release the source (idempotent). */
  close(): Promise<void>;
}
