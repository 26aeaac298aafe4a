/**
 * k-way merge of several captures by timestamp (tsSec, tsNsec); ties go to the earlier file
 * (stable by file order). Each reader keeps its own RawRecord; the merger hands out the head
 * record of the reader with the smallest timestamp, with fileIndex set. Frame numbers stay per file.
 *
 * A head record stays valid while its reader is not advanced, which is exactly until the
 * merger's next call to next(): the same validity rule as a single reader.
 */
import type { CaptureInfo, CaptureReader, RawRecord } from './types.js';

export function mergeReaders(readers: CaptureReader[]): CaptureReader {
  return new MergeReader(readers);
}

class MergeReader implements CaptureReader {
  private heads: (RawRecord | null)[];
  /** Reader i is exhausted (its fill() resolved false and next() returned null). */
  private ended: boolean[];
  /** Reader whose head was handed out last: advance it on the next call. */
  private taken = -1;

  constructor(private readers: CaptureReader[]) {
    this.heads = readers.map(() => null);
    this.ended = readers.map(() => false);
  }

  get info(): CaptureInfo {
    const infos = this.readers.map((r) => r.info);
    const first = infos[0];
    if (first === undefined) {
      return {
        file: '', format: null, gzip: false, nanosecond: false, byteOrder: 'little', version: '', snaplen: 0,
        interfaces: [], packets: 0, bytesRead: 0, fileSize: null, sections: 0, warnings: [], error: null,
      };
    }
    let fileSize: number | null = 0;
    for (const i of infos) fileSize = i.fileSize === null || fileSize === null ? null : fileSize + i.fileSize;
    return {
      ...first,
      file: infos.map((i) => i.file).join(', '),
      nanosecond: infos.some((i) => i.nanosecond),
      gzip: infos.some((i) => i.gzip),
      packets: infos.reduce((a, i) => a + i.packets, 0),
      bytesRead: infos.reduce((a, i) => a + i.bytesRead, 0),
      fileSize,
      sections: infos.reduce((a, i) => a + i.sections, 0),
      warnings: infos.flatMap((i) => i.warnings),
      error: infos.find((i) => i.error !== null)?.error ?? null,
    };
  }

  next(): RawRecord | null {
    const heads = this.heads;
    const n = heads.length;
    if (this.taken >= 0) {
      heads[this.taken] = null;
      this.taken = -1;
    }
    let best = -1;
    let bs = 0;
    let bn = 0;
    for (let i = 0; i < n; i++) {
      let h = heads[i];
      if (h === null) {
        if (this.ended[i]) continue;
        h = this.readers[i].next();
        if (h === null) return null; // this reader needs fill() before we can choose
        heads[i] = h;
      }
      if (best < 0 || h.tsSec < bs || (h.tsSec === bs && h.tsNsec < bn)) {
        best = i;
        bs = h.tsSec;
        bn = h.tsNsec;
      }
    }
    if (best < 0) return null;
    const rec = heads[best]!;
    rec.fileIndex = best;
    this.taken = best;
    return rec;
  }

  async fill(): Promise<boolean> {
    let any = false;
    for (let i = 0; i < this.readers.length; i++) {
      if (this.heads[i] !== null || this.ended[i]) continue;
      // Only readers without a head need bytes; one that yields a record now needs nothing.
      const h = this.readers[i].next();
      if (h !== null) {
        this.heads[i] = h;
        any = true;
        continue;
      }
      if (await this.readers[i].fill()) any = true;
      else this.ended[i] = true;
    }
    if (any) return true;
    // Every reader without a head has ended; there may still be heads to hand out.
    return this.heads.some((h) => h !== null);
  }

  async close(): Promise<void> {
    for (const r of this.readers) await r.close();
  }
}
