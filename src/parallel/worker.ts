/**
 * A shard worker of a sharded `flows` run (src/parallel/run.ts starts it for every shard but the
 * first, which the main thread runs itself): runShard() (shard.ts) with its batches posted to the
 * main thread on the job's port. Posting is one message per batch, since a structured clone per
 * record costs about as much as formatting it.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { runShard, takeBuffer } from './shard.js';
import { STOP_WAIT_MS, toWireError, toWireInfo, type AtMsg, type DoneMsg, type FailMsg, type ShardJob, type ToWorker } from './protocol.js';

const NAP = new Int32Array(new SharedArrayBuffer(4));

async function run(job: ShardJob, port: MessagePort): Promise<void> {
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
    else if (m.t === 'buf') spare.push(m.buf); // all kept: at most BATCH_CREDITS + 1 exist
    else if (m.t === 'stopAt') stopAt = m.packets;
  };
  port.on('message', onMessage);
  /** Take what the main thread has posted (at most 64 messages) off the port now, between awaits. */
  const drain = () => {
    for (let k = 0; k < 64; k++) {
      const r = receiveMessageOnPort(port);
      if (r === undefined) break;
      onMessage(r.message as ToWorker);
    }
  };
  port.unref(); // the analysis keeps the thread alive, not the port

  const credits = new Int32Array(job.credits);
  const posted = new Int32Array(job.posted);
  const me = job.shard.index;
  const post = (m: unknown, transfer?: ArrayBuffer[]) => {
    port.postMessage(m, transfer);
    // The main thread may be waiting for our batches between its own packets (run.ts).
    Atomics.add(posted, 0, 1);
    Atomics.notify(posted, 0);
  };

  const { result: res, stuck } = await runShard(job, {
    send(msg, transfer) {
      // Wait (this thread only) while the main thread has BATCH_CREDITS of our batches unhandled.
      while (Atomics.load(credits, me) <= 0) Atomics.wait(credits, me, 0, 1000);
      Atomics.sub(credits, me, 1);
      post(msg, transfer);
    },
    take(need) {
      // The buffers the main thread gave back wait on the port until this thread takes them: at the
      // capture's end (tracker.finish(): no progress point, no await until every record is out) it
      // never did, and each batch took a fresh 1 MiB buffer while the returned ones piled up in the
      // port's queue (~400 MB of RSS on the 1M-SYN flood with --workers 2).
      if (spare.length === 0) drain();
      return takeBuffer(spare, need);
    },
    progress(packets, ac) {
      // The main thread's messages (buffers back, abort) arrive here between refills, when this
      // thread awaits the read; take them off the port now too.
      drain();
      if (stopping && stopAt < 0) {
        // Say where we are and wait for the main thread's decision (synchronously: this is a
        // callback of the read loop; messages are taken off the port by hand meanwhile).
        const at: AtMsg = { t: 'at', packets };
        post(at);
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
    stuck,
  };
  post(done);
}

const data = workerData as { job: ShardJob; port: MessagePort } | null;
if (data !== null && data !== undefined && data.port !== undefined) {
  run(data.job, data.port).catch((e: unknown) => {
    const msg: FailMsg = { t: 'fail', error: toWireError(e) };
    data.port.postMessage(msg);
  });
}
