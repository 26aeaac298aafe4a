/** Capture-stage test helpers: temp files, draining a reader into plain objects. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CaptureInfo, CaptureReader } from '../../src/capture/types.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(ROOT, 'fixtures/capture');

let tmpRoot: string | null = null;
let tmpN = 0;
/** Write bytes to a fresh temporary file and return its path. */
export function tmpFile(name: string, bytes: Uint8Array): string {
  if (tmpRoot === null) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'synfin-capture-'));
    process.on('exit', () => {
      if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
    });
  }
  const p = join(tmpRoot, `${tmpN++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}

export interface Rec {
  frame: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  ifIndex: number;
  fileIndex: number;
  fileOffset: number;
  data: number[];
}

/** Read everything (bounded), copying each record out of the reused RawRecord. */
export async function drain(r: CaptureReader, maxPackets = 1e6): Promise<{ recs: Rec[]; info: CaptureInfo }> {
  const recs: Rec[] = [];
  for (let guard = 0; guard < 1e7; guard++) {
    const x = r.next();
    if (x === null) {
      if (!(await r.fill())) break;
      continue;
    }
    if (x.offset < 0 || x.offset + x.capLen > x.buf.length) throw new Error(`record outside its buffer: ${x.offset}+${x.capLen}`);
    recs.push({
      frame: x.frame,
      tsSec: x.tsSec,
      tsNsec: x.tsNsec,
      capLen: x.capLen,
      origLen: x.origLen,
      linkType: x.linkType,
      ifIndex: x.ifIndex,
      fileIndex: x.fileIndex,
      fileOffset: x.fileOffset,
      data: Array.from(x.buf.subarray(x.offset, x.offset + x.capLen)),
    });
    if (recs.length >= maxPackets) break;
  }
  await r.close();
  return { recs, info: r.info };
}

/** Deterministic frame bytes: an Ethernet header with the local experimental EtherType 0x88b5. */
export function frame(n: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + n * 31) & 0xff;
  if (len >= 14) {
    b[12] = 0x88;
    b[13] = 0xb5;
  }
  return b;
}
