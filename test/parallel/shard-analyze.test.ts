/**
 * analyze() as a shard runs it (AnalyzeOptions.shard: other shards' TCP segments decoded only up to
 * their ports, layers counted by the shard that decodes a packet in full), against analyze() in one
 * thread, the oracle: the shards' records together are one thread's, field for field, and their
 * layer counts add up (addLayerCounts) to one thread's, keys in the same order. Equal shares
 * (shardOf) and unequal ones (TrackerOptions.shard.weights, as src/parallel/run.ts gives the main
 * thread a smaller share).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { addLayerCounts } from '../../src/decode/counts.js';
import { Decoder } from '../../src/decode/decoder.js';
import { Packet, ShardTest } from '../../src/decode/packet.js';
import { FlowTracker } from '../../src/flow/tracker.js';
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
  let layers = null;
  for (let i = 0; i < count; i++) {
    const r = await analyze(file, { idFromPacketIndex: true, shard: { count, index: i, weights }, ...o });
    expect(r.firstSec).toBe(whole.firstSec);
    expect(r.lastNsec).toBe(whole.lastNsec);
    sizes.push(r.records.length);
    parts.push(...r.records);
    layers = layers === null ? r.layers : addLayerCounts(layers, r.layers);
  }
  parts.sort((a, b) => a.id - b.id);
  expect(parts).toEqual(whole.records);
  expect(JSON.stringify(layers), `layers of ${file}`).toBe(JSON.stringify(whole.layers));
  return sizes;
}

/**
 * When each record is made: [id, packets given to the tracker by then] in emission order, for one
 * tracker (shard undefined) or one shard fed as the pipeline feeds it (foreign TCP segments go to
 * skip() after a shallow decode). One thread's timers fire at the same packets in every shard.
 */
async function emissions(file: string, shard?: { count: number; index: number }): Promise<[number, number][]> {
  const out: [number, number][] = [];
  let packets = 0;
  const t = new FlowTracker({
    timeWait: 60, idleTimeout: 30, vlanKey: false, transitions: false, maxConnections: 0,
    idFromPacketIndex: true, shard, onRecord: (r) => out.push([r.id, packets]),
  });
  const d = new Decoder(shard ? { shardTcp: (p) => t.foreignTcp(p) } : {});
  const p = new Packet();
  const reader = await openCapture(file);
  try {
    for (let n = 0; n < 1_000_000; n++) {
      const r = reader.next();
      if (r === null) {
        if (!(await reader.fill())) break;
        continue;
      }
      packets++;
      d.decode(r, p);
      if (p.shardTest === ShardTest.Foreign) t.skip(r);
      else t.add(p, r);
    }
  } finally {
    await reader.close();
  }
  packets = -1;
  t.finish();
  return out;
}

async function compareEmissions(file: string, count: number): Promise<number> {
  const whole = await emissions(file);
  const parts: [number, number][][] = [];
  for (let i = 0; i < count; i++) parts.push(await emissions(file, { count, index: i }));
  const all = parts.flat().sort((a, b) => a[0] - b[0]);
  expect(all, file).toEqual(whole.slice().sort((a, b) => a[0] - b[0]));
  // Each shard makes its records in one thread's order (finish() included).
  for (const part of parts) {
    const ids = new Set(part.map((x) => x[0]));
    expect(part, file).toEqual(whole.filter((x) => ids.has(x[0])));
  }
  return whole.length;
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

  it('timers fire at the same packet in a shard as in one thread (skip() keeps the clock)', async () => {
    let n = 0;
    for (const f of fixtures) n += await compareEmissions(f, 2);
    expect(n).toBeGreaterThan(50);
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
