/**
 * A sharded `flows` run (issue 6; docs/performance.md "Worker threads"): `workers` shards each
 * read and decode every packet of the inputs and track the flows of one shard (shard.ts). Shard 0
 * runs on this thread, the others in worker threads (worker.ts): on two cores, two busy threads
 * rather than two workers plus a mostly idle main thread competing with them. This thread also
 * merges the shards' records, gives each its ordinary id (merge.ts) and hands the finished lines to
 * `onLine` (the CLI's Reorder): between its own packets (at every progress point of its shard) it
 * takes the workers' batches off their ports with receiveMessageOnPort. Shard 0 also reports the
 * capture infos, warnings and errors: every shard reads the same bytes, so they see the same damage. */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { AnalysisResult } from '../pipeline.js';
import type { FilterSpec } from '../report/where.js';
import { LineBytes } from './lines.js';
import { ShardMerger } from './merge.js';
import {
  BATCH_CREDITS, fromWireError, STOP_WAIT_MS,
  type FromWorker, type ShardFormat, type ShardJob, type ToWorker, type WireResult,
} from './protocol.js';
import { runShard, takeBuffer } from './shard.js';

export interface ShardedOptions {
  inputs: string[];
  /** Number of shards (threads: this one and workers − 1 worker threads), ≥ 1. */
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

/**
 * The main thread's shard may run at most this many packets ahead of the slowest worker: its lines
 * wait in the merge until the workers' watermarks pass them (about 30 bytes of text per packet on
 * the benchmark capture), so the lead bounds that memory.
 */
const MAX_LEAD_PACKETS = 1 << 17;
/**
 * And it waits for the workers while more than this many of its own lines wait in the merge for
 * them. A SYN flood (1M half-open connections, --max-connections evicting one per packet) makes a
 * ~2.2 KB line per packet, far more than the lead above assumes; and at the capture's end this
 * thread formats its whole share of the still-open connections (250 000 lines, 550 MB on that
 * flood) before it would take the workers' batches again, while its lines wait to be merged with
 * theirs. 1M-SYN flood, --workers 2: peak RSS 1.64–1.76 GB before (merge up to 308 000 lines).
 */
const MAX_HELD_LINES = 8192;
/** How long this thread waits for a worker's next batch before it goes on (see progress()). */
const QUIET_MS = 1000;

/**
 * The share of the flows shard 0 gets, relative to an equal share: this thread also merges and
 * writes every shard's lines. Measured on bench.pcap with 2 threads (per-thread CPU from /proc,
 * 10:15–10:25 UTC, load 3–4): at 1.0 the main thread used 1.75–1.93 s against the worker's
 * 1.43–1.55; at 0.74 1.52–1.70 against 1.69–1.83; balanced near 0.9. On big.pcap (1M connections,
 * ten packets each: more lines to merge and write per packet) at 0.9 the main thread is the slower
 * one (the worker waited 0.7 s for credits, one run): 0.85 between the two.
 */
const MAIN_SHARE = 0.85;

/**
 * A worker's young generation (resourceLimits.maxYoungGenerationSizeMb; V8's default for this
 * machine is larger). bench.pcap, --workers 2, 4 alternating runs each: peak RSS 246–266 MB
 * (default), 216–225 (6), 225–231 (12); total CPU 4.65–4.87, 4.68–4.78, 4.61–4.77 s.
 */
const WORKER_YOUNG_MB = 12;

/** Every shard's share of the flows (TrackerOptions.shard.weights): shard 0 less, the workers the rest equally. */
export function shardWeights(n: number): number[] {
  if (n <= 1) return [1];
  const w0 = MAIN_SHARE / n;
  return [w0, ...Array.from({ length: n - 1 }, () => (1 - w0) / (n - 1))];
}

export function analyzeSharded(o: ShardedOptions): Promise<ShardedResult> {
  const n = o.workers;
  const onLine = o.onLine;
  const merger = new ShardMerger<LineBytes | null>(n, (id, line) => {
    if (line !== null) line.id = id;
    onLine(id, line);
  });
  let refs: LineBytes[] = [];
  // Shard 0 runs on this thread (local), shards 1 … n−1 in worker threads: two threads on two cores
  // rather than a third mostly idle one competing with them.
  let local: AnalysisResult | null = null;
  const results: (WireResult | null)[] = new Array(n).fill(null);
  const done: boolean[] = new Array(n).fill(false);
  let stuck = 0;
  let finished = 0;
  const workers: (Worker | null)[] = new Array(n).fill(null);
  const ports: (MessagePort | null)[] = new Array(n).fill(null);
  const localSpare: ArrayBuffer[] = [];
  const credits = new Int32Array(new SharedArrayBuffer(4 * n)).fill(BATCH_CREDITS);
  const posted = new Int32Array(new SharedArrayBuffer(4));

  return new Promise<ShardedResult>((resolve, reject) => {
    let settled = false;
    /** Ctrl-C: the local shard is asked to stop, and where (-1: not agreed yet). */
    let localStopping = false;
    let localStopAt = -1;
    const onAbort = () => {
      localStopping = true;
      const m: ToWorker = { t: 'abort' };
      for (const p of ports) p?.postMessage(m);
    };
    const end = (err: Error | null) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      for (const p of ports) p?.close();
      for (const w of workers) if (w !== null) void w.terminate();
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
      const r0 = local!;
      resolve({
        result: {
          records: [],
          captures: r0.captures,
          layers: r0.layers,
          firstSec: r0.firstSec,
          firstNsec: r0.firstNsec,
          lastSec: r0.lastSec,
          lastNsec: r0.lastNsec,
          evicted: r0.evicted + results.reduce((a, r) => a + (r === null ? 0 : r.evicted), 0),
          interrupted: r0.interrupted || results.some((r) => r !== null && r.interrupted),
          error: r0.error,
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
        if (done[s]) target = Infinity; // read to the end: so must the others
        else if (at[s] === null) return;
        else target = Math.max(target, at[s]!);
      }
      stopSent = true;
      const m: ToWorker = { t: 'stopAt', packets: target };
      for (let s = 1; s < n; s++) if (!done[s]) ports[s]!.postMessage(m);
      localStopAt = target;
    };

    const finishShard = (s: number, st: number) => {
      done[s] = true;
      stuck += st;
      if (++finished === n) end(null);
      else if (at.some((x) => x !== null)) decideStop();
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
            // shard may refill the buffer.
            for (const l of refs) l.detach();
            refs = [];
            if (s === 0) localSpare.push(m.buf);
            else {
              const back: ToWorker = { t: 'buf', buf: m.buf };
              ports[s]!.postMessage(back, [m.buf]);
            }
          }
          if (s > 0) {
            Atomics.add(credits, s, 1);
            Atomics.notify(credits, s);
          }
          if (m.progress !== null && o.onProgress) o.onProgress(m.progress[0], m.progress[1] < 0 ? null : m.progress[1], m.progress[2]);
        } else if (m.t === 'done') {
          results[s] = m.result;
          finishShard(s, m.stuck);
        } else if (m.t === 'fail') {
          end(fromWireError(m.error));
        }
      } catch (e) {
        end(e instanceof Error ? e : new Error(String(e)));
      }
    };

    /** Take every message the workers have posted so far (this thread is busy with its own shard). */
    const poll = () => {
      for (let s = 1; s < n && !settled; s++) {
        const p = ports[s];
        if (p === null) continue;
        for (;;) {
          const r = receiveMessageOnPort(p);
          if (r === undefined || settled) break;
          onMessage(s, r.message as FromWorker);
        }
      }
    };
    const slowestWorker = () => {
      let m = Infinity;
      for (let s = 1; s < n; s++) m = Math.min(m, merger.markOf(s));
      return m;
    };

    const per = o.maxConnections > 0 ? Math.ceil(o.maxConnections / n) : 0;
    const weights = shardWeights(n);
    const jobOf = (s: number): ShardJob => ({
      inputs: o.inputs,
      shard: { count: n, index: s, weights },
      timeWait: o.timeWait,
      idleTimeout: o.idleTimeout,
      vlanKey: o.vlanKey,
      maxConnections: per,
      format: o.format,
      filter: o.filter,
      stuckAfter: o.stuckAfter,
      progress: s === 0 && o.onProgress !== undefined,
      credits: credits.buffer as SharedArrayBuffer,
      posted: posted.buffer as SharedArrayBuffer,
    });
    for (let s = 1; s < n; s++) {
      const ch = new MessageChannel();
      const w = new Worker(WORKER_URL, {
        workerData: { job: jobOf(s), port: ch.port2 },
        transferList: [ch.port2],
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      workers[s] = w;
      ports[s] = ch.port1;
      ch.port1.on('message', (m: FromWorker) => onMessage(s, m));
      // A crash is one line (reportError's internal error), never a hang: 'exit' always follows.
      w.on('error', (e: Error) => end(new Error(`worker thread ${s} failed: ${e.message}`)));
      w.on('exit', (code) => {
        poll(); // what it posted before it exited
        if (!done[s]) end(new Error(`worker thread ${s} exited (code ${code}) before finishing`));
      });
    }
    if (o.signal) {
      if (o.signal.aborted) onAbort();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    }

    /**
     * Take the workers' batches as they come while `behind()` holds. A worker that has died posts
     * nothing, and its 'exit' event is only seen at this thread's next await: after QUIET_MS without
     * a message, give up (false).
     */
    const waitWhile = (behind: () => boolean): boolean => {
      let quietSince = Date.now();
      let seen = Atomics.load(posted, 0);
      while (!settled && behind()) {
        poll();
        if (settled || !behind()) break;
        const now = Date.now();
        const p = Atomics.load(posted, 0);
        if (p !== seen) {
          seen = p;
          quietSince = now;
        } else if (now - quietSince > QUIET_MS) return false;
        Atomics.wait(posted, 0, p, 50);
      }
      return true;
    };
    /** The workers' post count when a wait in send() timed out (-1: none did): no waiting again until a worker posts. */
    let gaveUpAt = -1;
    /**
     * Too many of this shard's lines wait in the merge, and the workers' progress can release them:
     * they are behind this shard (or level with it, at the capture's end, where the shards' last
     * flows are merged as they come), and this shard has more lines to come.
     */
    const tooManyHeld = () => {
      const mine = merger.markOf(0);
      if (merger.waitingFrom(0) <= MAX_HELD_LINES || mine === Infinity) return false;
      const w = slowestWorker();
      return w !== Infinity && w <= mine;
    };

    runShard(jobOf(0), {
      send(msg) {
        onMessage(0, msg);
        if (n > 1 && !localStopping && !settled && Atomics.load(posted, 0) !== gaveUpAt) {
          poll();
          if (tooManyHeld() && !waitWhile(tooManyHeld)) gaveUpAt = Atomics.load(posted, 0);
        }
      },
      take(need) {
        return takeBuffer(localSpare, need);
      },
      progress(packets, ac) {
        poll();
        // Not too far ahead of the workers: this shard's lines wait in the merge until they catch up
        // (go on after QUIET_MS without a message, and wait again at the next point).
        waitWhile(() => slowestWorker() + MAX_LEAD_PACKETS < packets || tooManyHeld());
        if (localStopping && localStopAt < 0 && !settled) {
          at[0] = packets;
          decideStop();
          const t0 = Date.now();
          while (!stopSent && !settled && Date.now() - t0 < STOP_WAIT_MS) {
            const seen = Atomics.load(posted, 0);
            poll();
            if (stopSent || settled) break;
            Atomics.wait(posted, 0, seen, 10);
          }
          if (!stopSent) localStopAt = packets; // a worker is gone or stuck: stop here
        }
        // Aborting here stops analyze() at the end of the bytes it holds, the same place in every shard.
        if ((settled || (localStopAt >= 0 && packets >= localStopAt)) && !ac.signal.aborted) ac.abort();
      },
    }).then(
      (r) => {
        if (settled) return;
        local = r.result;
        finishShard(0, r.stuck);
      },
      (e: unknown) => end(e instanceof Error ? e : new Error(String(e))),
    );
  });
}
