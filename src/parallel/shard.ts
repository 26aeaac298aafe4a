/**
 * One shard of a sharded `flows` run, wherever it runs (a worker thread, worker.ts, or the main
 * thread itself, run.ts): the ordinary analyze() on all the inputs — every packet read, so the
 * clock, the timers and the packet numbering are those of one thread — with a tracker that keeps
 * only the flows of its shard (TrackerOptions.shard), numbered by their first packet's global index
 * (idFromPacketIndex). Each record is filtered and formatted here; its line goes out without its id
 * head, which the main thread writes with the flow's final id (merge.ts), in batches (BatchMsg).
 */
import { analyze, type AnalysisResult } from '../pipeline.js';
import type { FlowRecord } from '../flow/types.js';
import { csvRow } from '../report/csv.js';
import { ndjsonLine } from '../report/json.js';
import { StuckCollector } from '../report/stuck.js';
import { recordFilter } from '../report/where.js';
import { zeekRow } from '../report/zeek.js';
import { ID_HEAD, zeekKey, type BatchMsg, type ShardJob } from './protocol.js';

/** A batch goes out at this many records or bytes of text, and whenever the reader refills. */
const BATCH_RECORDS = 4096;
export const BATCH_BYTES = 1 << 20;

/** ShardHooks.take() from a list of returned batch buffers: the first large enough, else a fresh one. */
export function takeBuffer(spare: ArrayBuffer[], need: number): Buffer {
  for (let i = 0; i < spare.length; i++) {
    if (spare[i].byteLength >= need) return Buffer.from(spare.splice(i, 1)[0]);
  }
  return Buffer.from(new ArrayBuffer(Math.max(need, BATCH_BYTES)));
}

/** Where a shard's batches go and where its text buffers come from. */
export interface ShardHooks {
  /** Hand a batch over (the buffers in `transfer` are the receiver's from now on). */
  send(msg: BatchMsg, transfer: ArrayBuffer[]): void;
  /** A buffer of at least `need` bytes to write lines into. */
  take(need: number): Buffer;
  /**
   * Called after the batch of every progress point (each refill of the read buffer and every
   * 65 536 packets): `packets` have all gone through the tracker. The shard may abort `ac` here to
   * stop at the end of the bytes it holds.
   */
  progress(packets: number, ac: AbortController): void;
}

export interface ShardOutcome {
  result: AnalysisResult;
  /** Stuck sides among the kept records (when job.stuckAfter was given). */
  stuck: number;
}

export async function runShard(job: ShardJob, hooks: ShardHooks): Promise<ShardOutcome> {
  const ac = new AbortController();
  const filter = job.filter ? recordFilter(job.filter) : null;
  const stuck = job.stuckAfter !== null ? new StuckCollector(job.stuckAfter, job.timeWait) : null;
  let stuckSides = 0;
  const zeek = job.format === 'zeek';
  const format = job.format === 'csv' ? csvRow : ndjsonLine;
  const head = job.format === 'zeek' ? '' : ID_HEAD[job.format];

  let buf: Buffer | null = null;
  let used = 0;
  let ids: number[] = [];
  let lens: number[] = [];
  let keyLens: number[] = [];
  let created: number[] = [];
  let watermark = 0;
  let progress: [number, number, number] | null = null;

  const flush = () => {
    const idA = Float64Array.from(ids);
    const lenA = Int32Array.from(lens);
    const keyA = Int32Array.from(keyLens);
    const crA = Float64Array.from(created);
    const ab = buf !== null ? (buf.buffer as ArrayBuffer) : null;
    const msg: BatchMsg = { t: 'batch', buf: ab, bytes: used, n: idA.length, ids: idA, lens: lenA, keyLens: keyA, created: crA, watermark, progress };
    buf = null;
    used = 0;
    ids = [];
    lens = [];
    keyLens = [];
    created = [];
    progress = null;
    const transfer: ArrayBuffer[] = [idA.buffer, lenA.buffer, keyA.buffer, crA.buffer];
    if (ab !== null) transfer.push(ab);
    hooks.send(msg, transfer);
  };

  const onRecord = (r: FlowRecord) => {
    const keep = filter === null || filter(r);
    if (keep) {
      if (stuck !== null) {
        if (stuck.isStuck(r, 'client')) stuckSides++;
        if (stuck.isStuck(r, 'server')) stuckSides++;
      }
      let rest: string;
      if (zeek) {
        // key, then the row without its uid (the second column): ts \t \t id.orig_h …
        const row = zeekRow(r);
        const t1 = row.indexOf('\t');
        const t2 = row.indexOf('\t', t1 + 1);
        if (t1 < 0 || t2 < 0 || row[t1 + 1] !== 'C') throw new Error(`a zeek row without its uid in the second column (${JSON.stringify(row.slice(0, 40))})`);
        const key = zeekKey(r);
        keyLens.push(key.length); // ASCII: protocol names, addresses, numbers
        rest = key + row.slice(0, t1 + 1) + row.slice(t2);
      } else {
        const line = format(r);
        const h = head + r.id;
        // The main thread writes the final id in place of the provisional one: the line must begin with it.
        if (!line.startsWith(h)) throw new Error(`a ${job.format} line does not begin with its id (${JSON.stringify(line.slice(0, 20))})`);
        rest = line.slice(h.length);
      }
      // A UTF-16 code unit is at most 3 bytes of UTF-8: room for that, then one encoding pass
      // (Buffer.byteLength first would scan each ~2 KB line once more).
      const room = 3 * rest.length;
      if (buf !== null && used + room > buf.length) flush();
      if (buf === null) buf = hooks.take(room);
      const bytes = buf.write(rest, used, 'utf8');
      used += bytes;
      lens.push(bytes);
    } else {
      lens.push(-1);
      if (zeek) keyLens.push(0);
    }
    ids.push(r.id);
    if (ids.length >= BATCH_RECORDS) flush();
  };

  const result = await analyze(job.inputs, {
    timeWait: job.timeWait,
    idleTimeout: job.idleTimeout,
    vlanKey: job.vlanKey,
    maxConnections: job.maxConnections,
    shard: job.shard,
    idFromPacketIndex: true,
    onCreate: (id) => {
      created.push(id);
    },
    onRecord,
    signal: ac.signal,
    // Called before every refill of the read buffer and every 65 536 packets: `packets` have all
    // gone through the tracker, so every flow created by then has been reported.
    onProgress: (bytesRead, total, packets) => {
      watermark = packets;
      if (job.progress) progress = [bytesRead, total ?? -1, packets];
      flush();
      hooks.progress(packets, ac);
    },
  });
  watermark = Infinity;
  flush();
  return { result, stuck: stuckSides };
}
