/**
 * Whole-pipeline test helpers: build captures with the project's writer and frame builders, run
 * analyze() on them, and push the result through every output formatter in src/report/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { expect } from 'vitest';
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../../src/pipeline.js';
import { CaptureError } from '../../src/capture/types.js';
import { writePcap, type WritePacket } from '../../src/capture/writer.js';
import { tcpFrame, udpFrame } from '../../src/synth/frames.js';
import type { FlowRecord } from '../../src/flow/types.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/synfin');

let tmpRoot: string | null = null;
let tmpN = 0;
/** A fresh path in this test process's temporary folder. */
export function tmpPath(name: string): string {
  if (tmpRoot === null) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'synfin-pipeline-'));
    process.on('exit', () => {
      if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
    });
  }
  return join(tmpRoot, `${tmpN++}-${name}`);
}

export function writeTmp(name: string, bytes: Uint8Array): string {
  const p = tmpPath(name);
  writeFileSync(p, bytes);
  return p;
}

export const C = '10.0.0.1';
export const S = '10.0.0.2';

/**
 * A small but varied valid conversation set: a full TCP connection with data both ways and a
 * graceful close, a rejected SYN, a UDP exchange. Returns the packets (1 ms apart).
 */
export function sampleConversation(t0 = 1_700_000_000): WritePacket[] {
  const frames: Uint8Array[] = [];
  const cseq = 1000;
  const sseq = 5000;
  const tcp = (fromClient: boolean, flags: string, seq: number, ack: number, payload = 0, sport = 40000) =>
    tcpFrame({
      src: fromClient ? C : S,
      dst: fromClient ? S : C,
      sport: fromClient ? sport : 80,
      dport: fromClient ? 80 : sport,
      seq,
      ack,
      flags,
      payload,
      options: flags.includes('S') ? { mss: 1460, sackPerm: true, wscale: 7 } : undefined,
    });
  frames.push(tcp(true, 'S', cseq, 0));
  frames.push(tcp(false, 'SA', sseq, cseq + 1));
  frames.push(tcp(true, 'A', cseq + 1, sseq + 1));
  frames.push(tcp(true, 'PA', cseq + 1, sseq + 1, 100));
  frames.push(tcp(false, 'A', sseq + 1, cseq + 101));
  frames.push(tcp(false, 'PA', sseq + 1, cseq + 101, 300));
  frames.push(tcp(true, 'A', cseq + 101, sseq + 301));
  frames.push(tcp(true, 'FA', cseq + 101, sseq + 301));
  frames.push(tcp(false, 'FA', sseq + 301, cseq + 102));
  frames.push(tcp(true, 'A', cseq + 102, sseq + 302));
  frames.push(tcp(true, 'S', 77, 0, 0, 40001));
  frames.push(tcp(false, 'RA', 0, 78, 0, 40001));
  frames.push(udpFrame({ src: C, dst: '10.0.0.53', sport: 5353, dport: 53, payload: 40 }));
  frames.push(udpFrame({ src: '10.0.0.53', dst: C, sport: 53, dport: 5353, payload: 120 }));
  return frames.map((data, i) => ({ tsSec: t0 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000, data }));
}

export function samplePcap(): Uint8Array {
  return writePcap(sampleConversation());
}

/** Byte offsets of each record header in a classic pcap written by writePcap (24-byte header, 16-byte records). */
export function pcapRecordOffsets(pkts: WritePacket[]): number[] {
  const out: number[] = [];
  let at = 24;
  for (const p of pkts) {
    out.push(at);
    at += 16 + p.data.length;
  }
  out.push(at); // end of file
  return out;
}

// ------------------------------------------------------------------------------------------
// formatters: every one that exists in src/report/ (imported lazily so a module still being
// written does not take the whole suite down; a missing one is listed, not silently skipped)

type Formatter = { name: string; run: (res: AnalysisResult, events: unknown) => string };
let formatters: Formatter[] | null = null;
export const missingFormatters: string[] = [];

async function tryImport<T>(path: string): Promise<T | null> {
  try {
    return (await import(path)) as T;
  } catch (e) {
    missingFormatters.push(`${path}: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

export async function loadFormatters(): Promise<Formatter[]> {
  if (formatters) return formatters;
  const list: Formatter[] = [];
  const json = await tryImport<typeof import('../../src/report/json.js')>('../../src/report/json.js');
  if (json) {
    list.push({ name: 'ndjson', run: (res) => res.records.map(json.ndjsonLine).join('') });
    list.push({
      name: 'json',
      run: (res) => {
        let s = '';
        const w = new json.JsonArrayWriter((x) => (s += x));
        w.open();
        for (const r of res.records) w.item(r);
        w.close();
        return s;
      },
    });
  }
  const csv = await tryImport<typeof import('../../src/report/csv.js')>('../../src/report/csv.js');
  if (csv) list.push({ name: 'csv', run: (res) => csv.csvHeader() + res.records.map(csv.csvRow).join('') });
  const table = await tryImport<typeof import('../../src/report/table.js')>('../../src/report/table.js');
  if (table) list.push({ name: 'table', run: (res) => table.flowTable(res.records, 160) });
  const zeek = await tryImport<typeof import('../../src/report/zeek.js')>('../../src/report/zeek.js');
  if (zeek) {
    const d = new Date(0);
    list.push({ name: 'zeek', run: (res) => zeek.zeekHeader(d) + res.records.map(zeek.zeekRow).join('') + zeek.zeekFooter(d) });
  }
  const stuck = await tryImport<typeof import('../../src/report/stuck.js')>('../../src/report/stuck.js');
  if (stuck) {
    list.push({
      name: 'stuck',
      run: (res) => {
        const c = new stuck.StuckCollector(0, 60);
        for (const r of res.records) c.add(r);
        return stuck.stuckText(c, { stuckAfter: 0 }) + JSON.stringify(stuck.stuckJson(c.groups()));
      },
    });
  }
  const data = await tryImport<typeof import('../../src/report/html/data.js')>('../../src/report/html/data.js');
  const render = await tryImport<typeof import('../../src/report/html/render.js')>('../../src/report/html/render.js');
  if (data && render) {
    list.push({
      name: 'html',
      run: (res, events) =>
        render.renderHtml(
          data.buildReportData(res, events as InstanceType<typeof data.EventCollector>, { generated: new Date(0) }),
        ),
    });
  }
  formatters = list;
  return list;
}

async function eventCollector(): Promise<{ trace: AnalyzeOptions['trace']; onPacket: AnalyzeOptions['onPacket']; c: unknown }> {
  try {
    const data = await import('../../src/report/html/data.js');
    const c = new data.EventCollector({ maxEvents: 5000, perConnection: 200 });
    return { trace: c.trace, onPacket: c.onPacket, c };
  } catch {
    return { trace: () => true, onPacket: () => undefined, c: null };
  }
}

export interface PipelineOutcome {
  /** null when analyze() threw a CaptureError at open (not a capture). */
  result: AnalysisResult | null;
  openError: CaptureError | null;
  outputs: Record<string, string>;
}

/**
 * Capture bytes → analyze() (every analysis on: transitions, traced packets) → every formatter.
 * Fails the test when anything but a CaptureError at open escapes, and checks each output's shape.
 */
export async function runWholePipeline(bytes: Uint8Array, name = 'fuzz.pcap'): Promise<PipelineOutcome> {
  const file = writeTmp(name, bytes);
  const ev = await eventCollector();
  let result: AnalysisResult | null = null;
  try {
    result = await analyze(file, { transitions: true, trace: ev.trace, onPacket: ev.onPacket, onTransition: () => undefined });
  } catch (e) {
    if (e instanceof CaptureError) {
      // Only "not a capture" at open may throw: one line naming the file, at byte 0.
      expect(e.file).toBe(file);
      expect(e.offset).toBe(0);
      expect(e.message).not.toContain('\n');
      return { result: null, openError: e, outputs: {} };
    }
    throw e;
  }
  const outputs: Record<string, string> = {};
  for (const f of await loadFormatters()) outputs[f.name] = f.run(result, ev.c);
  checkResult(result, outputs);
  return { result, openError: null, outputs };
}

/** Shape checks that hold for any input: they come from the formats' definitions, not from synfin's output. */
export function checkResult(res: AnalysisResult, outputs: Record<string, string>): void {
  const frames = res.captures.reduce((a, c) => a + c.packets, 0);
  expect(res.layers.frames).toBe(frames);
  let pk = 0;
  for (const r of res.records) {
    checkRecord(r);
    pk += r.packets.client + r.packets.server;
  }
  // a frame belongs to at most one connection
  expect(pk).toBeLessThanOrEqual(frames);
  if (res.error) expect(res.error.message).not.toContain('\n');
  for (const c of res.captures) for (const w of c.warnings) expect(w.message).not.toContain('\n');
  if (outputs.ndjson !== undefined) {
    const lines = outputs.ndjson.split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(res.records.length);
    for (const l of lines) JSON.parse(l); // RFC 8259: each line one JSON value
  }
  if (outputs.json !== undefined) expect((JSON.parse(outputs.json) as unknown[]).length).toBe(res.records.length);
  if (outputs.csv !== undefined) {
    // RFC 4180 parse by an independent parser: header + one row per record, same width
    const rows = parseCsv(outputs.csv, { relax_column_count: false }) as string[][];
    expect(rows.length).toBe(res.records.length + 1);
  }
  if (outputs.zeek !== undefined) {
    const body = outputs.zeek.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(body.length).toBe(res.records.length);
    const width = outputs.zeek.split('\n').find((l) => l.startsWith('#fields'))!.split('\t').length - 1;
    for (const l of body) expect(l.split('\t').length).toBe(width);
  }
  if (outputs.html !== undefined) expect(outputs.html).toMatch(/<\/html>\s*$/);
}

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

export function checkRecord(r: FlowRecord): void {
  expect(Number.isInteger(r.id) && r.id > 0).toBe(true);
  for (const side of ['client', 'server'] as const) {
    for (const k of ['packets', 'bytes', 'ipBytes', 'payloadBytes'] as const) {
      const v = r[k][side];
      if (!(finite(v) && v >= 0)) throw new Error(`record ${r.id}: ${k}.${side} = ${v}`);
    }
    expect(r[side].port >= 0 && r[side].port <= 65535).toBe(true);
  }
  if (!(finite(r.duration) && r.duration >= 0)) throw new Error(`record ${r.id}: duration ${r.duration} (start ${r.start}, end ${r.end})`);
  // start ≤ end by the raw timestamps
  expect(r.startSec * 1e9 + r.startNsec <= r.endSec * 1e9 + r.endNsec).toBe(true);
  expect(r.packets.client + r.packets.server).toBeGreaterThan(0);
}

/** Node's options for child processes running bin/synfin. */
export const childEnv = { ...process.env, NODE_OPTIONS: '' };
