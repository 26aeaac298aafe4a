/**
 * The whole pipeline, as a library call: capture → decode → flow → records.
 * The CLI is a thin layer over analyze().
 */
import type { Readable } from 'node:stream';
import { openCapture } from './capture/open.js';
import { mergeReaders } from './capture/merge.js';
import type { CaptureInfo, CaptureReader, RawRecord } from './capture/types.js';
import { CaptureError } from './capture/types.js';
import { Decoder } from './decode/decoder.js';
import { LayerCounter } from './decode/counts.js';
import { Packet } from './decode/packet.js';
import { FlowTracker } from './flow/tracker.js';
import type { Endpoint, FlowRecord, LayerCounts, PacketEvent, Proto, Transition } from './flow/types.js';

export interface AnalyzeOptions {
  /** TIME_WAIT duration in seconds of capture time (default 60, Linux; RFC 793's 2×MSL is 240). */
  timeWait?: number;
  /** Seconds of silence after which an open connection's record is final and released (default: never). */
  idleTimeout?: number;
  /** Make VLAN ids part of the connection key. */
  vlanKey?: boolean;
  /** Include each record's transitions (record.transitions). */
  transitions?: boolean;
  /**
   * Streaming: called with each record as soon as its fate is final (closed and past TIME_WAIT,
   * reset, idle) and at capture end for the rest. Records are then not kept in the result.
   */
  onRecord?: (r: FlowRecord) => void;
  /** Called for every state transition of every connection. */
  onTransition?: (t: Transition) => void;
  /** Which flows to trace packet by packet: asked once per flow, at its first packet. */
  trace?: (flowId: number, client: Endpoint, server: Endpoint, proto: Proto) => boolean;
  onPacket?: (e: PacketEvent) => void;
  /** Stop reading (e.g. on SIGINT): what was read so far is still analysed and reported. */
  signal?: AbortSignal;
  /** Called now and then while reading, for progress display. */
  onProgress?: (bytesRead: number, totalBytes: number | null, packets: number) => void;
  /** At most this many connections kept open at once; the oldest idle are evicted beyond it. */
  maxConnections?: number;
  /** Standard input stream, for the input "-" (defaults to process.stdin). */
  stdin?: Readable;
  /**
   * Shard of a multi-threaded run (src/parallel/): every packet is read and decoded, only the flows
   * of shard `index` of `count` (its share: TrackerOptions.shard.weights) are tracked.
   */
  shard?: { count: number; index: number; weights?: number[] };
  /** Record ids are their first packet's 1-based global index (TrackerOptions.idFromPacketIndex). */
  idFromPacketIndex?: boolean;
  /** Called with each new flow's id when it is created (TrackerOptions.onCreate). */
  onCreate?: (id: number) => void;
}

export interface AnalysisResult {
  /** Every connection, in id order (empty when onRecord streamed them). */
  records: FlowRecord[];
  /** One entry per input file. */
  captures: CaptureInfo[];
  layers: LayerCounts;
  /** First and last packet timestamps, null when no packets. */
  firstSec: number | null;
  firstNsec: number | null;
  lastSec: number | null;
  lastNsec: number | null;
  /** Connections evicted by the maxConnections bound (SYN flood protection). */
  evicted: number;
  /** Reading was stopped by the signal before the end of the input. */
  interrupted: boolean;
  /** The first fatal input error (what was read before it is in the results), or null. */
  error: CaptureError | null;
}

const PROGRESS_EVERY = 1 << 16;

/**
 * The per-packet loop, apart from analyze(): a synchronous method that takes the packets the
 * reader holds, compiled once, rather than the body of the async function, which V8 recompiled
 * four times (on-stack replacement and deoptimisations at its await points, ~70 ms of compilation
 * per run and per thread).
 */
class PacketLoop {
  packets = 0;
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;

  constructor(
    private readonly decoder: Decoder,
    private readonly counter: LayerCounter,
    private readonly tracker: FlowTracker,
    private readonly pkt: Packet,
    private readonly onProgress: AnalyzeOptions['onProgress'],
  ) {}

  /** `first` (the reader's record just taken), then every record the reader holds. */
  run(reader: CaptureReader, first: RawRecord): void {
    const { decoder, counter, tracker, pkt, onProgress } = this;
    let packets = this.packets;
    let r: RawRecord | null = first;
    if (packets === 0) {
      this.firstSec = r.tsSec;
      this.firstNsec = r.tsNsec;
    }
    for (; r !== null; r = reader.next()) {
      packets++;
      this.lastSec = r.tsSec;
      this.lastNsec = r.tsNsec;
      decoder.decode(r, pkt);
      counter.add(pkt);
      tracker.add(pkt, r);
      if ((packets & (PROGRESS_EVERY - 1)) === 0 && onProgress) {
        this.packets = packets;
        onProgress(reader.info.bytesRead, reader.info.fileSize, packets);
      }
    }
    this.packets = packets;
  }
}

/** Analyse one or more captures (merged in timestamp order). Never throws for bad capture bytes. */
export async function analyze(inputs: string | string[], opts: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const files = typeof inputs === 'string' ? [inputs] : inputs;
  const readers: CaptureReader[] = [];
  try {
    for (const f of files) readers.push(await openCapture(f, { stdin: opts.stdin }));
  } catch (e) {
    for (const r of readers) await r.close();
    throw e;
  }
  const reader = readers.length === 1 ? readers[0] : mergeReaders(readers);
  const counter = new LayerCounter();
  const pkt = new Packet();
  const records: FlowRecord[] = [];
  const tracker = new FlowTracker({
    timeWait: opts.timeWait ?? 60,
    idleTimeout: opts.idleTimeout ?? 0,
    vlanKey: opts.vlanKey ?? false,
    transitions: opts.transitions ?? false,
    onRecord: opts.onRecord ?? ((r) => records.push(r)),
    onTransition: opts.onTransition,
    trace: opts.trace,
    onPacket: opts.onPacket,
    maxConnections: opts.maxConnections ?? 0,
    shard: opts.shard,
    idFromPacketIndex: opts.idFromPacketIndex,
    onCreate: opts.onCreate,
  });
  const decoder = new Decoder();
  const loop = new PacketLoop(decoder, counter, tracker, pkt, opts.onProgress);
  let interrupted = false;
  const signal = opts.signal;
  const onProgress = opts.onProgress;
  // A read from a pipe may wait forever for bytes that never come: the abort signal must win that race,
  // so Ctrl-C prints what was analysed so far without waiting for more input.
  const aborted: Promise<false> | null = signal
    ? new Promise((resolve) => {
        if (signal.aborted) resolve(false);
        else signal.addEventListener('abort', () => resolve(false), { once: true });
      })
    : null;
  try {
    for (;;) {
      // Every record the reader holds (run() returns when next() has said null), then the next bytes.
      const r = reader.next();
      if (r !== null) loop.run(reader, r);
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      if (onProgress) onProgress(reader.info.bytesRead, reader.info.fileSize, loop.packets);
      const filling = reader.fill();
      let more: boolean;
      if (aborted) {
        filling.catch(() => undefined); // the read may settle after close(); nobody waits for it then
        more = await Promise.race([filling, aborted]);
      } else more = await filling;
      if (!more) {
        if (signal?.aborted) interrupted = true;
        break;
      }
    }
  } finally {
    await reader.close();
  }
  tracker.finish();
  // Records are final in the order connections ended; the result promises id order.
  if (!opts.onRecord) records.sort((a, b) => a.id - b.id);
  const captures = readers.map((r) => r.info);
  const error = captures.find((c) => c.error)?.error ?? null;
  return {
    records,
    captures,
    layers: counter.result(),
    firstSec: loop.packets > 0 ? loop.firstSec : null,
    firstNsec: loop.packets > 0 ? loop.firstNsec : null,
    lastSec: loop.packets > 0 ? loop.lastSec : null,
    lastNsec: loop.packets > 0 ? loop.lastNsec : null,
    evicted: tracker.evicted,
    interrupted,
    error,
  };
}
