/**
 * A shard worker of a sharded `flows` run (src/parallel/run.ts starts it). It runs the ordinary
 * analyze() on all the inputs — every packet read and decoded, so the clock, the timers and the
 * packet numbering are those of one thread — but its tracker keeps only the flows of its shard
 * (TrackerOptions.shard), numbered by their first packet's global index (idFromPacketIndex). Each
 * record is filtered and formatted here; the line goes to the main thread without its id head,
 * which the main thread writes with the flow's final id (merge.ts), in batches: one postMessage
 * per batch, since a structured clone per record costs about as much as formatting it.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { analyze } from '../pipeline.js';
import type { FlowRecord } from '../flow/types.js';
import { csvRow } from '../report/csv.js';
import { ndjsonLine } from '../report/json.js';
import { StuckCollector } from '../report/stuck.js';
import { recordFilter } from '../report/where.js';
import { zeekRow } from '../report/zeek.js';
import { ID_HEAD, zeekKey, toWireError, toWireInfo, type AtMsg, type BatchMsg, type DoneMsg, type FailMsg, type ShardJob, type ToWorker } from './protocol.js';

/** How long a shard waits for the agreed stop position before it stops where it is. */
const STOP_WAIT_MS = 10_000;
const NAP = new Int32Array(new SharedArrayBuffer(4));

/** A batch goes out at this many records or bytes of text, and whenever the reader refills. */
const BATCH_RECORDS = 4096;
const BATCH_BYTES = 1 << 20;


async function run(job: ShardJob): Promise<void> {
  const port = parentPort!;
  const ac = new AbortController();
  // Text buffers come back from the main thread once it has read them (transferring a buffer costs
  // nothing; cloning a string copies it twice, and allocating a fresh buffer each batch faults in
  // fresh pages).
  const spare: ArrayBuffer[] = [];
  /** Ctrl-C: asked to stop (protocol.ts AtMsg), and the packet count to stop at once agreed (-1: not yet). */
  let stopping = false;
  let stopAt = -1;
  const onMessage = (m: ToWorker) => {
    if (!m) return;
    if (m.t === 'abort') stopping = true;
    else if (m.t === 'buf') {
      if (spare.length < 8) spare.push(m.buf);
    } else if (m.t === 'stopAt') stopAt = m.packets;
  };
  port.on('message', onMessage);
  port.unref(); // the analysis keeps the thread alive, not the port

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

  const take = (need: number): Buffer => {
    for (let i = 0; i < spare.length; i++) {
      if (spare[i].byteLength >= need) return Buffer.from(spare.splice(i, 1)[0]);
    }
    return Buffer.from(new ArrayBuffer(Math.max(need, BATCH_BYTES)));
  };

  const credits = new Int32Array(job.credits);
  const me = job.shard.index;
  const flush = () => {
    // Wait (this thread only) while the main thread has BATCH_CREDITS of our batches unhandled.
    while (Atomics.load(credits, me) <= 0) Atomics.wait(credits, me, 0, 1000);
    Atomics.sub(credits, me, 1);
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
    port.postMessage(msg, transfer);
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
      const bytes = Buffer.byteLength(rest, 'utf8');
      if (buf !== null && used + bytes > buf.length) flush();
      if (buf === null) buf = take(bytes);
      buf.write(rest, used, 'utf8');
      used += bytes;
      lens.push(bytes);
    } else {
      lens.push(-1);
      if (zeek) keyLens.push(0);
    }
    ids.push(r.id);
    if (ids.length >= BATCH_RECORDS) flush();
  };

  const res = await analyze(job.inputs, {
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
      if (stopping && stopAt < 0) {
        // Say where we are and wait for the main thread's decision (synchronously: this is a
        // callback of the read loop; messages are taken off the port by hand meanwhile).
        const at: AtMsg = { t: 'at', packets };
        port.postMessage(at);
        const t0 = Date.now();
        while (stopAt < 0) {
          const r = receiveMessageOnPort(port);
          if (r !== undefined) onMessage(r.message as ToWorker);
          else if (Date.now() - t0 > STOP_WAIT_MS) stopAt = packets; // the main thread is gone or stuck: stop here
          else Atomics.wait(NAP, 0, 0, 10);
        }
      }
      // Aborting here stops analyze() at the end of the bytes it holds, the same place in every shard.
      if (stopAt >= 0 && packets >= stopAt && !ac.signal.aborted) ac.abort();
    },
  });
  watermark = Infinity;
  flush();
  const done: DoneMsg = {
    t: 'done',
    result: {
      captures: res.captures.map(toWireInfo),
      layers: res.layers,
      firstSec: res.firstSec,
      firstNsec: res.firstNsec,
      lastSec: res.lastSec,
      lastNsec: res.lastNsec,
      evicted: res.evicted,
      interrupted: res.interrupted,
    },
    stuck: stuckSides,
  };
  port.postMessage(done);
}

if (parentPort !== null) {
  run(workerData as ShardJob).catch((e: unknown) => {
    const msg: FailMsg = { t: 'fail', error: toWireError(e) };
    parentPort!.postMessage(msg);
  });
}
