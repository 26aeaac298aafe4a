/**
 * Sharding (TrackerOptions.shard, used by src/parallel/): the shards of a run, each given every
 * packet but tracking only its own flows, must together produce exactly the records of one
 * unsharded tracker. The oracle is the unsharded tracker itself on the same packets: same records,
 * field for field, with ids that are first-packet indices (idFromPacketIndex), whose ranks are the
 * ordinary ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardOf, type TrackerOptions } from '../../src/flow/tracker.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { Conversation } from '../../src/synth/conversation.js';
import { fixtureCaptures, runFile, runRecords } from './helpers.js';

const root = path.resolve(__dirname, '../..');
const corpus = path.resolve(root, '../shared/corpus/tcpdump');

type Opts = Partial<TrackerOptions>;

const byId = (a: FlowRecord, b: FlowRecord) => a.id - b.id;

/** Whole run vs the union of `count` shards; returns the number of records compared. */
function compare(run: (o: Opts) => FlowRecord[], count: number): number {
  const whole = run({ idFromPacketIndex: true }).sort(byId);
  const parts: FlowRecord[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const part = run({ idFromPacketIndex: true, shard: { count, index: i } });
    sizes.push(part.length);
    parts.push(...part);
  }
  parts.sort(byId);
  expect(parts).toEqual(whole);
  // onCreate reports each flow once, in increasing id order, with the id its record will carry.
  const created: number[] = [];
  const withCreate = run({ idFromPacketIndex: true, onCreate: (id) => created.push(id) });
  expect(created).toEqual(withCreate.map((r) => r.id).sort((a, b) => a - b));
  // Ordinary ids are the ranks of the first-packet indices.
  const ranked = run({}).sort(byId);
  expect(ranked.map((r) => r.id)).toEqual(whole.map((_, i) => i + 1));
  expect(ranked.map((r) => ({ ...r, id: 0 }))).toEqual(whole.map((r) => ({ ...r, id: 0 })));
  return whole.length;
}

async function compareFile(file: string, count: number): Promise<number> {
  const runs = new Map<string, FlowRecord[]>();
  const created: number[] = [];
  runs.set('create', await runFile(file, { idFromPacketIndex: true, onCreate: (id) => created.push(id) }));
  for (const o of [{ idFromPacketIndex: true }, {}, ...Array.from({ length: count }, (_, i) => ({ idFromPacketIndex: true, shard: { count, index: i } }))]) {
    runs.set(JSON.stringify(o), await runFile(file, o));
  }
  return compare((o) => (o.onCreate ? (created.forEach((id) => o.onCreate!(id)), runs.get('create')!.slice()) : runs.get(JSON.stringify(o))!.slice()), count);
}

describe('shardOf', () => {
  it('uses the high bits of the hash and splits evenly', () => {
    expect(shardOf(0, 2)).toBe(0);
    expect(shardOf(0x7fffffff, 2)).toBe(0);
    expect(shardOf(0x80000000 | 0, 2)).toBe(1);
    expect(shardOf(-1, 2)).toBe(1);
    expect(shardOf(-1, 3)).toBe(2);
    // Low bits do not decide: consecutive hashes stay in one shard.
    expect(new Set([0, 1, 2, 3, 4, 5].map((h) => shardOf(h, 2)))).toEqual(new Set([0]));
  });
});

describe('the shards of a run together give the records of one tracker', () => {
  const files = fixtureCaptures(root);
  for (const f of files) {
    it(path.relative(root, f), async () => {
      expect(await compareFile(f, 2)).toBeGreaterThan(0);
    });
  }

  it('kernel scenarios in 3 shards, every shard owning some flows', async () => {
    const f = path.join(root, 'fixtures/kernel/scenarios.pcapng');
    expect(await compareFile(f, 3)).toBeGreaterThan(10);
    for (let i = 0; i < 3; i++) expect((await runFile(f, { shard: { count: 3, index: i } })).length).toBeGreaterThan(0);
  });

  it('ICMP unreachables mark the quoted flow in the shard that owns it, whichever shard owns the ICMP flow', () => {
    // 40 UDP and TCP flows on different ports, each rejected by an ICMP error from the server. The
    // errors form 2 ICMP flows (keyed by addresses, type 3 and code: 3 port / 1 host unreachable), so
    // most quoted flows live in another shard than the ICMP flow that marks them.
    const convs: Conversation[] = [];
    for (let i = 0; i < 40; i++) {
      const c = new Conversation({ start: 1_700_000_000 + i, clientPort: 41000 + i, serverPort: 9000 + i });
      if (i % 2) c.udp('client', 10).icmp('server', 3, 3, { quoteIndex: 0 });
      else c.syn().icmp('server', 3, 1, { quoteIndex: 0 });
      convs.push(c);
    }
    const whole = runRecords(convs, {});
    const rejected = whole.filter((r) => r.icmpRejected).length;
    expect(rejected).toBe(40);
    expect(compare((o) => runRecords(convs, o), 2)).toBe(42);
    // The split is real: each shard owns some of the rejected flows.
    for (let i = 0; i < 2; i++) {
      expect(runRecords(convs, { shard: { count: 2, index: i } }).filter((r) => r.icmpRejected).length).toBeGreaterThan(0);
    }
  });

  it('port reuse, TIME_WAIT and idle timers fire identically in every shard', () => {
    const convs: Conversation[] = [];
    for (let i = 0; i < 30; i++) {
      const c = new Conversation({ start: 1_700_000_000 + i * 7, clientPort: 50000 + (i % 5), serverPort: 80 });
      convs.push(c.syn().synAck().ack().data('client', 100).data('server', 1000).fin('client').ack('server').fin('server').ack('client'));
    }
    expect(compare((o) => runRecords(convs, { timeWait: 20, idleTimeout: 3, ...o }), 2)).toBe(30);
  });
});

describe.skipIf(!fs.existsSync(corpus))('tcpdump corpus: shards together equal one tracker', () => {
  it('every capture', async () => {
    let n = 0;
    for (const f of fs.readdirSync(corpus).filter((x) => /\.(pcap|pcapng)$/.test(x))) {
      n += await compareFile(path.join(corpus, f), 2);
    }
    expect(n).toBeGreaterThan(500);
  }, 300_000);
});
if (!fs.existsSync(corpus)) console.warn(`shard.test: ${corpus} absent, corpus comparison skipped`);
