/**
 * What the main thread and the shard workers of a sharded `flows` run say to each other
 * (structured clone: plain data and typed arrays only).
 */
import type { CaptureInfo } from '../capture/types.js';
import { CaptureError } from '../capture/types.js';
import type { AnalysisResult } from '../pipeline.js';
import type { FilterSpec } from '../report/where.js';

/**
 * The formats a shard can write. ndjson and csv lines start with the record id (`{"id":N,` /
 * `N,`): the shard strips the head and the digits, the main thread writes them back with the final
 * id. A Zeek line's second column is a uid hashed from the flow's identity and its id
 * (report/zeek.ts zeekUid): the shard sends the line without it, preceded by the identity
 * (zeekKey()), and the main thread computes the uid with the final id.
 */
export type ShardFormat = 'ndjson' | 'csv' | 'zeek';

/** What precedes the id in an ndjson / csv line. */
export const ID_HEAD = { ndjson: '{"id":', csv: '' } as const;

/** The identity zeekUid() hashes, without the id: proto|client ip|port|server ip|port|startSec|startNsec (ASCII). */
export function zeekKey(r: { proto: string; client: { ip: string; port: number }; server: { ip: string; port: number }; startSec: number; startNsec: number }): string {
  return `${r.proto}|${r.client.ip}|${r.client.port}|${r.server.ip}|${r.server.port}|${r.startSec}|${r.startNsec}`;
}

/** What a shard runs (shard 0 on the main thread; a worker gets it in its workerData with its port). */
export interface ShardJob {
  inputs: string[];
  /** TrackerOptions.shard: this shard's index and every shard's share of the flows. */
  shard: { count: number; index: number; weights: number[] };
  timeWait: number;
  idleTimeout: number;
  vlanKey: boolean;
  /** Bound on open connections of this shard (0 = none). */
  maxConnections: number;
  format: ShardFormat;
  filter: FilterSpec | null;
  /** Count the stuck sides of the kept records (StuckCollector.isStuck with this threshold), or null. */
  stuckAfter: number | null;
  /** Send progress (bytes read, total, packets) with each batch (shard 0, on the main thread, when a bar is shown). */
  progress: boolean;
  /**
   * Flow control: Int32 per shard, the batches this shard may still post before the main thread
   * has handled earlier ones (the main thread adds one back per batch handled). Bounds the memory
   * of batches queued for a main thread blocked on a slow stdout, as one thread is bounded by
   * blocking in its own write.
   */
  credits: SharedArrayBuffer;
  /** Int32 [0]: batches posted by all workers so far (bumped and notified after each post; the main thread waits on it). */
  posted: SharedArrayBuffer;
}

/** Batches a shard may have posted and not yet seen handled (≤ 1 MiB of text each). */
export const BATCH_CREDITS = 16;

/** Ctrl-C: how long a shard waits for the agreed stop position (AtMsg) before it stops where it is. */
export const STOP_WAIT_MS = 10_000;

/** A capture error as plain data (CaptureError's own fields do not survive structured clone). */
export interface WireCaptureError {
  file: string;
  offset: number;
  reason: string;
}

export type WireCaptureInfo = Omit<CaptureInfo, 'error'> & { error: WireCaptureError | null };

/** AnalysisResult without records and with clonable capture errors. */
export type WireResult = Omit<AnalysisResult, 'records' | 'captures' | 'error'> & { captures: WireCaptureInfo[] };

/** An exception thrown in a worker (e.g. a capture that cannot be opened), as plain data. */
export type WireError =
  | { kind: 'capture'; file: string; offset: number; reason: string }
  | { kind: 'errno'; message: string; code: string; path: string }
  | { kind: 'other'; message: string; stack?: string };

/**
 * A batch of records. Record k has provisional id ids[k] (its first packet's global index); its
 * line without the id head is the bytes [off_k, off_k + lens[k]) of `buf`, where off_k is the sum
 * of the earlier non-negative lengths (UTF-8, written to stdout as they are); lens[k] = -1 for a record
 * the filter dropped (it still takes its place in the id order). `created`: provisional ids of the
 * flows created since the previous batch, ascending; `watermark`: every flow created and every
 * record made at a packet ≤ it is in this or an earlier batch. `buf` is transferred, and the main
 * thread hands it back (ToWorker 'buf') for the next batches.
 */
export interface BatchMsg {
  t: 'batch';
  buf: ArrayBuffer | null;
  bytes: number;
  n: number;
  ids: Float64Array;
  lens: Int32Array;
  /** Zeek: bytes of each record's identity key at the start of its bytes (zeekKey()); else empty. */
  keyLens: Int32Array;
  created: Float64Array;
  watermark: number;
  /** [bytesRead, totalBytes or -1, packets] when the job asked for progress. */
  progress: [number, number, number] | null;
}

export interface DoneMsg {
  t: 'done';
  result: WireResult;
  stuck: number;
}

export interface FailMsg {
  t: 'fail';
  error: WireError;
}

/**
 * Stopping on Ctrl-C: every shard must stop after the same packet, or the records of one shard
 * would cover more of the capture than the others'. A shard told to abort reports where it is at
 * its next progress call (`at`: packets processed) and waits; the main thread answers all of them
 * with the furthest position (`stopAt`); each stops when it gets there (the shards' progress calls
 * fall on the same packet counts, since they read the same bytes with the same buffers).
 */
export interface AtMsg {
  t: 'at';
  packets: number;
}

export type FromWorker = BatchMsg | DoneMsg | FailMsg | AtMsg;
export type ToWorker = { t: 'abort' } | { t: 'buf'; buf: ArrayBuffer } | { t: 'stopAt'; packets: number };

export function toWireError(e: unknown): WireError {
  if (e instanceof CaptureError) return { kind: 'capture', file: e.file, offset: e.offset, reason: e.reason };
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string' && typeof err.path === 'string') {
    return { kind: 'errno', message: err.message, code: err.code, path: err.path };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(e), stack: err instanceof Error ? err.stack : undefined };
}

/** The error as the main thread throws it (the CLI's reportError then prints what it would for one thread). */
export function fromWireError(w: WireError): Error {
  if (w.kind === 'capture') return new CaptureError(w.file, w.offset, w.reason);
  if (w.kind === 'errno') return Object.assign(new Error(w.message), { code: w.code, path: w.path });
  const e = new Error(w.message);
  if (w.stack) e.stack = w.stack;
  return e;
}

export function toWireInfo(c: CaptureInfo): WireCaptureInfo {
  return { ...c, error: c.error ? { file: c.error.file, offset: c.error.offset, reason: c.error.reason } : null };
}

export function fromWireInfo(c: WireCaptureInfo): CaptureInfo {
  return { ...c, error: c.error ? new CaptureError(c.error.file, c.error.offset, c.error.reason) : null };
}
