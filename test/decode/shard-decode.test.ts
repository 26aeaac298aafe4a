/**
 * DecoderOptions.shardTcp (sharded runs, src/parallel/): a TCP segment of another shard's flow is
 * decoded only up to its ports. The oracle is the full decode of the same frame (no hook): the
 * hook must be asked exactly about the unfragmented packets the full decode calls TCP, see the same
 * addresses and ports, and leave every field the tracker keys a flow by as the full decode has it;
 * when it answers "mine", the packet must be the full decode's in every field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/decode/decoder.js';
import { Packet, PacketKind, ShardTest } from '../../src/decode/packet.js';
import { openCapture } from '../../src/capture/open.js';
import { snapshot } from './helpers.js';

const root = path.resolve(__dirname, '../..');
const corpus = path.resolve(root, '../shared/corpus/tcpdump');

/** Fields decoded after the shard question (left at their reset values for a foreign packet). */
const AFTER = new Set([
  'seq', 'ack', 'flags', 'window', 'urgent', 'tcpHeaderLen', 'payloadOffset', 'payloadLen', 'payloadCaptured',
  'truncated', 'tcpChecksumBad', 'optMss', 'optWscale', 'optSackPermitted', 'optHasTimestamp', 'optTsVal',
  'optTsEcr', 'optSackCount', 'optSack', 'optTfo', 'optMptcp', 'shardTest',
]);

interface Tally {
  packets: number;
  asked: number;
}

async function check(file: string, verify: boolean, t: Tally): Promise<void> {
  const full = new Decoder({ verifyChecksums: verify });
  let askedWith: [number, number, number, number] | null = null;
  const foreign = new Decoder({
    verifyChecksums: verify,
    shardTcp: (p) => {
      askedWith = [p.srcPort, p.dstPort, p.src4, p.dst4];
      return true;
    },
  });
  const mine = new Decoder({ verifyChecksums: verify, shardTcp: () => false });
  const pf = new Packet();
  const px = new Packet();
  const pm = new Packet();
  const reader = await openCapture(file);
  try {
    for (let n = 0; n < 1_000_000; n++) {
      const r = reader.next();
      if (r === null) {
        if (!(await reader.fill())) break;
        continue;
      }
      t.packets++;
      full.decode(r, pf);
      askedWith = null;
      foreign.decode(r, px);
      mine.decode(r, pm);
      const where = `${path.basename(file)} frame ${r.frame}`;
      const tcp = pf.kind === PacketKind.Tcp && !pf.isFragment;
      expect(askedWith !== null, `${where}: asked iff a whole unfragmented TCP header`).toBe(tcp);
      const a = snapshot(pf);
      if (tcp) {
        t.asked++;
        expect(askedWith, where).toEqual([pf.srcPort, pf.dstPort, pf.src4, pf.dst4]);
        expect(px.shardTest, where).toBe(ShardTest.Foreign);
        expect(pm.shardTest, where).toBe(ShardTest.Mine);
        const b = snapshot(px);
        for (const k of Object.keys(a)) if (!AFTER.has(k)) expect(b[k], `${where}: ${k}`).toEqual(a[k]);
      } else {
        expect(px.shardTest, where).toBe(ShardTest.Untested);
        expect(snapshot(px), where).toEqual(a);
      }
      expect({ ...snapshot(pm), shardTest: 0 }, where).toEqual(a);
    }
  } finally {
    await reader.close();
  }
}

function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const d of ['fixtures', 'fixtures/analysis', 'fixtures/capture', 'fixtures/decode', 'fixtures/kernel']) {
    const dir = path.join(root, d);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) if (/\.(pcap|pcapng)$/.test(f)) out.push(path.join(dir, f));
  }
  return out;
}

describe('shallow decode of other shards\' TCP segments', () => {
  it('fixtures: the same keys, ports and layers as the full decode', async () => {
    const t = { packets: 0, asked: 0 };
    for (const f of fixtureFiles()) {
      await check(f, false, t);
      await check(f, true, t);
    }
    expect(t.asked).toBeGreaterThan(1000);
    expect(t.packets).toBeGreaterThan(t.asked); // UDP, ICMP, ARP… were not asked
  });

  it.skipIf(!fs.existsSync(corpus))('tcpdump corpus', async () => {
    const t = { packets: 0, asked: 0 };
    for (const f of fs.readdirSync(corpus).filter((x) => /\.(pcap|pcapng)$/.test(x))) await check(path.join(corpus, f), false, t);
    expect(t.asked).toBeGreaterThan(1000);
  }, 300_000);
});
