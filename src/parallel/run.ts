/**
 * A sharded `flows` run (issue 6; docs/performance.md "Worker threads"): `workers` threads each
 * read and decode every packet of the inputs and track the flows of one shard (worker.ts); this
 * thread merges their records, gives each its ordinary id (merge.ts) and hands the finished lines
 * to `onLine` (the CLI's Reorder). Worker 0 also reports the capture infos, warnings and errors:
 * every worker reads the same bytes, so they see the same damage.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisResult } from '../pipeline.js';
import type { FilterSpec } from '../report/where.js';
import { LineBytes } from './lines.js';
import { ShardMerger } from './merge.js';
import {
  BATCH_CREDITS, fromWireError, fromWireInfo,
  type FromWorker, type ShardFormat, type ShardJob, type ToWorker, type WireResult,
} from './protocol.js';

export interface ShardedOptions {
  inputs: string[];
  /** Number of worker threads (shards), ≥ 1. */
  workers: number;
  format: ShardFormat;
  filter: FilterSpec | null;
  /** Count stuck sides of kept records with this threshold (for --fail-on stuck), or null. */
  stuckAfter: number | null;
  timeWait: number;
  idleTimeout: number;
  vlanKey: boolean;
  /** The bound on open connections of the whole run; each shard gets its share (rounded up). */
  maxConnections: number;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number | null, packets: number) => void;
  /**
   * Each record with its final id: its line without the id head (ByteSink writes the head and the
   * id), or null when the filter dropped it. The bytes stay valid after the call (a line not
   * written by then is copied out of the batch buffer before the buffer is reused).
   */
  onLine: (id: number, line: LineBytes | null) => void;
}

export interface ShardedResult {
  /** As analyze() would return with onRecord (records empty). */
  result: AnalysisResult;
  /** Stuck sides among the kept records (when stuckAfter was given). */
  stuck: number;
}

/** The worker module next to this one (compiled to dist/parallel/worker.js). */
const WORKER_URL = new URL('./worker.js', import.meta.url);

export function analyzeSharded(o: ShardedOptions): Promise<ShardedResult> {
  const n = o.workers;
  const onLine = o.onLine;
  const merger = new ShardMerger<LineBytes | null>(n, (id, line) => {
    if (line !== null) line.id = id;
    onLine(id, line);
  });
  let refs: LineBytes[] = [];
  const results: (WireResult | null)[] = new Array(n).fill(null);
  let stuck = 0;
  let finished = 0;
  const workers: Worker[] = [];
  const credits = new Int32Array(new SharedArrayBuffer(4 * n)).fill(BATCH_CREDITS);

  return new Promise<ShardedResult>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      const m: ToWorker = { t: 'abort' };
      for (const w of workers) w.postMessage(m);
    };
    const end = (err: Error | null) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) {
        reject(err);
        return;
      }
      try {
        merger.release(); // every watermark is Infinity now (nothing is left normally)
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const r0 = results[0]!;
      const captures = r0.captures.map(fromWireInfo);
      resolve({
        result: {
          records: [],
          captures,
          layers: r0.layers,
          firstSec: r0.firstSec,
          firstNsec: r0.firstNsec,
          lastSec: r0.lastSec,
          lastNsec: r0.lastNsec,
          evicted: results.reduce((a, r) => a + r!.evicted, 0),
          interrupted: results.some((r) => r!.interrupted),
          error: captures.find((c) => c.error)?.error ?? null,
        },
        stuck,
      });
    };

    // Ctrl-C: each running shard's position once it has stopped to wait (protocol.ts AtMsg).
    const at: (number | null)[] = new Array(n).fill(null);
    let stopSent = false;
    const decideStop = () => {
      if (stopSent) return;
      let target = 0;
      for (let s = 0; s < n; s++) {
        if (results[s] !== null) target = Infinity; // read to the end: so must the others
        else if (at[s] === null) return;
        else target = Math.max(target, at[s]!);
      }
      stopSent = true;
      const m: ToWorker = { t: 'stopAt', packets: target };
      for (let s = 0; s < n; s++) if (results[s] === null) workers[s].postMessage(m);
    };

    const onMessage = (s: number, m: FromWorker) => {
      if (settled) return;
      try {
        if (m.t === 'at') {
          at[s] = m.packets;
          decideStop();
        } else if (m.t === 'batch') {
          merger.created(s, m.created);
          if (m.buf !== null) {
            const text = Buffer.from(m.buf, 0, m.bytes);
            let off = 0;
            for (let k = 0; k < m.n; k++) {
              const len = m.lens[k];
              if (len < 0) merger.record(s, m.ids[k], null);
              else {
                const l = new LineBytes(text, off, len);
                if (m.keyLens.length > 0) l.keyLen = m.keyLens[k];
                refs.push(l);
                merger.record(s, m.ids[k], l);
                off += len;
              }
            }
          } else for (let k = 0; k < m.n; k++) merger.record(s, m.ids[k], null);
          merger.watermark(s, m.watermark);
          merger.release();
          if (m.buf !== null) {
            // The lines not written yet wait in the merge or the Reorder: copy them out, then the
            // worker may refill the buffer.
            for (const l of refs) l.detach();
            refs = [];
            const back: ToWorker = { t: 'buf', buf: m.buf };
            workers[s].postMessage(back, [m.buf]);
          }
          Atomics.add(credits, s, 1);
          Atomics.notify(credits, s);
          if (m.progress !== null && o.onProgress) o.onProgress(m.progress[0], m.progress[1] < 0 ? null : m.progress[1], m.progress[2]);
        } else if (m.t === 'done') {
          results[s] = m.result;
          stuck += m.stuck;
          if (++finished === n) end(null);
          else if (at.some((x) => x !== null)) decideStop();
        } else if (m.t === 'fail') {
          end(fromWireError(m.error));
        }
      } catch (e) {
        end(e instanceof Error ? e : new Error(String(e)));
      }
    };

    const per = o.maxConnections > 0 ? Math.ceil(o.maxConnections / n) : 0;
    for (let s = 0; s < n; s++) {
      const job: ShardJob = {
        inputs: o.inputs,
        shard: { count: n, index: s },
        timeWait: o.timeWait,
        idleTimeout: o.idleTimeout,
        vlanKey: o.vlanKey,
        maxConnections: per,
        format: o.format,
        filter: o.filter,
        stuckAfter: o.stuckAfter,
        progress: s === 0 && o.onProgress !== undefined,
        credits: credits.buffer as SharedArrayBuffer,
      };
      const w = new Worker(WORKER_URL, { workerData: job });
      workers.push(w);
      w.on('message', (m: FromWorker) => onMessage(s, m));
      // A crash is one line (reportError's internal error), never a hang: 'exit' always follows.
      w.on('error', (e: Error) => end(new Error(`worker thread ${s} failed: ${e.message}`)));
      w.on('exit', (code) => {
        if (results[s] === null) end(new Error(`worker thread ${s} exited (code ${code}) before finishing`));
      });
    }
    if (o.signal) {
      if (o.signal.aborted) onAbort();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
