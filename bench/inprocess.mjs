#!/usr/bin/env node
/**
 * In-process A/B measurement (docs/performance.md, "Issue 6 pass"): analyze() + NDJSON lines on a
 * capture, printing CPU (user + sys), peak RSS and V8's GC work (count and time of scavenges and
 * mark-compacts, from perf_hooks 'gc' entries). Less noisy than whole-CLI wall time on a shared
 * machine; run two builds alternately and compare medians.
 *
 *   node bench/inprocess.mjs [--dist DIR] [--mode plain|write|reorder] [FILE]
 *
 * --dist: a build of src/ (default dist/; e.g. `npx tsc -p . --outDir /tmp/a` for a variant).
 * --mode: plain = make each line; write = also append it to a 64 KiB-flushed string written to
 * /dev/null (as the CLI's Output); reorder = also pass it through report/reorder.ts (as `flows`).
 */
import fs from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const dist = resolve(opt('--dist', resolve(root, 'dist')));
const mode = opt('--mode', 'reorder');
const file = args[0] ?? resolve(root, 'bench/out/bench.pcap');

const { analyze } = await import(resolve(dist, 'pipeline.js'));
const { ndjsonLine } = await import(resolve(dist, 'report/json.js'));
const { Reorder } = await import(resolve(dist, 'report/reorder.js'));

const gc = {};
const obs = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    const k = e.detail?.kind ?? e.kind;
    const a = (gc[k] ??= { n: 0, ms: 0 });
    a.n++;
    a.ms += e.duration;
  }
});
obs.observe({ entryTypes: ['gc'] });

const out = fs.createWriteStream('/dev/null');
let buf = '';
const write = (s) => {
  buf += s;
  if (buf.length >= 1 << 16) {
    out.write(buf);
    buf = '';
  }
};
let onRecord;
if (mode === 'plain') onRecord = (r) => void ndjsonLine(r);
else if (mode === 'write') onRecord = (r) => write(ndjsonLine(r));
else {
  const ro = new Reorder(write);
  onRecord = (r) => ro.push(r.id, ndjsonLine(r));
}
const t0 = process.cpuUsage();
await analyze(file, { onRecord });
const u = process.cpuUsage(t0);
await new Promise((r) => setTimeout(r, 50));
obs.disconnect();
const name = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks' };
console.log(
  JSON.stringify({
    mode,
    cpuS: +((u.user + u.system) / 1e6).toFixed(2),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    gc: Object.fromEntries(Object.entries(gc).map(([k, v]) => [name[k] ?? k, { n: v.n, ms: Math.round(v.ms) }])),
  }),
);
