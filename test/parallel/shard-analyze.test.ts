/**
 * analyze() as a shard runs it (AnalyzeOptions.shard), against analyze() in one thread, the
 * oracle: the shards' records together are one thread's, field for field, with equal shares
 * (shardOf) and unequal ones (TrackerOptions.shard.weights, as src/parallel/run.ts gives the main
 * thread a smaller share); each shard sees the whole capture (first/last times, layer counts). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../src/flow/types.js';
import { shardWeights } from '../../src/parallel/run.js';
import { analyze } from '../../src/pipeline.js';

const root = path.resolve(__dirname, '../..');
const corpus = path.resolve(root, '../shared/corpus/tcpdump');

/** Records of the whole run vs the union of the shards'; returns the shards' record counts. */
async function compare(file: string, count: number, weights?: number[], o: { vlanKey?: boolean } = {}): Promise<number[]> {
  const whole = await analyze(file, { idFromPacketIndex: true, ...o });
  const parts: FlowRecord[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = await analyze(file, { idFromPacketIndex: true, shard: { count, index: i, weights }, ...o });
    expect(r.firstSec).toBe(whole.firstSec);
    expect(r.lastNsec).toBe(whole.lastNsec);
    sizes.push(r.records.length);
    parts.push(...r.records);
    // Every shard decodes and counts every packet (run.ts reports shard 0's counts).
    expect(r.layers).toEqual(whole.layers);
  }
  parts.sort((a, b) => a.id - b.id);
  expect(parts).toEqual(whole.records);
  return sizes;
}

const fixtures = [
  'fixtures/demo.pcapng',
  'fixtures/kernel/scenarios.pcapng',
  'fixtures/decode/synth.pcapng',
  'fixtures/capture/multi.pcapng',
  ...fs
    .readdirSync(path.join(root, 'fixtures/analysis'))
    .filter((f) => f.endsWith('.pcap'))
    .map((f) => path.join('fixtures/analysis', f)),
].map((f) => path.join(root, f));

describe('shards of analyze() together equal one thread', () => {
  it('fixtures, 2 equal shards and the weights run.ts uses', async () => {
    let flows = 0;
    for (const f of fixtures) {
      flows += (await compare(f, 2)).reduce((a, b) => a + b, 0);
      await compare(f, 2, shardWeights(2));
      await compare(f, 2, undefined, { vlanKey: true });
    }
    expect(flows).toBeGreaterThan(50);
  });

  it('kernel scenarios in 3 shards of unequal shares, every shard owning some flows', async () => {
    const sizes = await compare(path.join(root, 'fixtures/kernel/scenarios.pcapng'), 3, [0.2, 0.5, 0.3]);
    for (const s of sizes) expect(s).toBeGreaterThan(0);
  });

  it('weights: shard 0 gets the smaller share, the shares sum to 1', () => {
    for (const n of [2, 3, 4]) {
      const w = shardWeights(n);
      expect(w.length).toBe(n);
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(w[0]).toBeLessThan(1 / n);
      for (const x of w) expect(x).toBeGreaterThan(0);
    }
  });

  it.skipIf(!fs.existsSync(corpus))('tcpdump corpus', async () => {
    let flows = 0;
    for (const f of fs.readdirSync(corpus).filter((x) => /\.(pcap|pcapng)$/.test(x))) {
      flows += (await compare(path.join(corpus, f), 2, [0.3, 0.7])).reduce((a, b) => a + b, 0);
    }
    expect(flows).toBeGreaterThan(500);
  }, 300_000);
});
