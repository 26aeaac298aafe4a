#!/usr/bin/env node
/**
 * The measurement behind the worker-thread design in docs/performance.md: the CPU one shard of a
 * sharded pipeline would spend. Reads and decodes every packet (as each worker would), tracks only
 * the flows whose symmetric 5-tuple hash falls in shard INDEX of COUNT, and makes their NDJSON
 * lines. (A real shard would also advance its tracker's clock on the other packets; this
 * experiment does not, so timers fire a little later: the records differ, the cost does not.)
 *
 *   node bench/shard-experiment.mjs COUNT INDEX [FILE]      # COUNT 1 = the whole pipeline; INDEX -1 = no shard (read + decode + hash only)
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 2);
const index = Number(process.argv[3] ?? 0);
const file = process.argv[4] ?? resolve(root, 'bench/out/bench.pcap');
const { openCapture } = await import(resolve(root, 'dist/capture/open.js'));
const { Decoder } = await import(resolve(root, 'dist/decode/decoder.js'));
const { Packet } = await import(resolve(root, 'dist/decode/packet.js'));
const { FlowTracker } = await import(resolve(root, 'dist/flow/tracker.js'));
const { ndjsonLine } = await import(resolve(root, 'dist/report/json.js'));

const reader = await openCapture(file);
const dec = new Decoder();
const pkt = new Packet();
let records = 0;
const tracker = new FlowTracker({
  timeWait: 60, idleTimeout: 0, vlanKey: false, transitions: false, maxConnections: 0,
  onRecord: (r) => {
    records++;
    ndjsonLine(r);
  },
});
const t0 = process.cpuUsage();
let packets = 0;
let tracked = 0;
for (;;) {
  const r = reader.next();
  if (r === null) {
    if (!(await reader.fill())) break;
    continue;
  }
  packets++;
  dec.decode(r, pkt);
  // Symmetric in the two directions (IPv4 benchmark capture: addresses, ports, protocol).
  const h = (pkt.src4 ^ pkt.dst4 ^ pkt.srcPort ^ pkt.dstPort ^ pkt.proto) >>> 0;
  const hh = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  if (count > 1 && hh % count !== index) continue;
  if (index < 0) continue;
  tracked++;
  tracker.add(pkt, r);
}
tracker.finish();
const u = process.cpuUsage(t0);
console.log(JSON.stringify({ count, index, packets, tracked, records, cpuS: +((u.user + u.system) / 1e6).toFixed(2) }));
