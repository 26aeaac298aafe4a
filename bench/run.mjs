#!/usr/bin/env node
/**
 * The benchmark of issue 6 (`npm run bench`, after `npm run build`).
 *
 *   node bench/run.mjs [--big] [--runs N] [--file CAPTURE] [--only a,b,…] [--no-tshark] [--no-write]
 *
 * Generates the capture when missing (bench/gen.mjs → bench/out/, gitignored), then runs on the
 * same file, alternating, N runs each (default 3):
 *
 *   bare         a bare JS loop over the pcap records (the limit, issue 6)          bench/read-bare.mjs
 *   pcap-parser  pcap-parser reading every record (npm baseline)                   bench/read-pcap-parser.mjs
 *   read+decode  synfin openCapture + Decoder (dist/)                               bench/read-decode.mjs
 *   pipeline     bin/synfin flows FILE --format ndjson > /dev/null (whole pipeline, one thread: the default)
 *   pipeline-2threads  the same with --workers 2 (flows sharded over two worker threads)
 *   floor        read + flow table + JSON.stringify of synfin-shaped records, no analysis   bench/floor.mjs
 *   floor-2threads  the same on two threads (each reads every record, serialises half the flows)
 *   tcptrace     tcptrace -n FILE > /dev/null                                        (when installed)
 *   tshark       tshark -q -z conv,tcp -r FILE > /dev/null                           (when installed)
 *
 * Every run is a child process under /usr/bin/time -v: wall time is measured here (hrtime around
 * the child), peak memory is time's "Maximum resident set size". Reports the median wall time,
 * packets/s, MB/s, the median peak RSS and the ratios of issue 6:
 *   read+decode vs pcap-parser (target ≥ 5× faster),
 *   pipeline wall vs tcptrace (target ≤ 1/3), pipeline peak RSS vs tcptrace (target ≤ 1/2),
 *   and the floor's wall vs tcptrace (where the 1/3 target lies against what no analysis costs).
 * Writes bench/results.json and bench/RESULTS.md (date, machine, node version, commit). A benchmark is not a
 * test: nothing fails on speed.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
function arg(name, def) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
}
const BIG = flag('--big');
const RUNS = Math.max(1, Number(arg('--runs', BIG ? 1 : 3)));
const FILE = resolve(arg('--file', resolve(here, 'out', BIG ? 'big.pcap' : 'bench.pcap')));
const ONLY = arg('--only', null)?.split(',') ?? null;
/** Per-run bound: a run that takes longer is killed and reported as such. */
const RUN_TIMEOUT_MS = Number(arg('--timeout', BIG ? 1800 : 300)) * 1000;

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const HAVE_TIME = existsSync('/usr/bin/time');

// --------------------------------------------------------------------------------------------
// the capture
function ensureCapture() {
  const meta = FILE + '.json';
  if (existsSync(FILE) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    if (m.bytes === statSync(FILE).size) return m;
  }
  if (arg('--file', null) !== null) {
    // a user-supplied capture: count its records with the bare loop
    const r = spawnSync(process.execPath, [resolve(here, 'read-bare.mjs'), FILE], { encoding: 'utf8' });
    const packets = JSON.parse(r.stderr.trim().split('\n').pop()).packets;
    return { file: FILE, packets, bytes: statSync(FILE).size, connections: null };
  }
  process.stderr.write(`generating ${relative(root, FILE)} …\n`);
  const out = execFileSync(process.execPath, [resolve(here, 'gen.mjs'), ...(BIG ? ['--big'] : []), '--out', FILE], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  writeFileSync(meta, out);
  return JSON.parse(out);
}

/** Read the file once so every tool starts with it in the page cache. */
function warm(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.allocUnsafe(8 << 20);
  while (readSync(fd, b, 0, b.length, null) > 0);
  closeSync(fd);
}

// --------------------------------------------------------------------------------------------
// the tools
const node = process.execPath;
/** The record floor.mjs shapes its lines after: synfin's own output on the demo capture (made before the runs). */
const TEMPLATE = resolve(here, 'out', 'floor-template.ndjson');
const TOOLS = [
  { name: 'bare', cmd: [node, resolve(here, 'read-bare.mjs'), FILE], what: 'bare JS loop over pcap records (the limit)' },
  { name: 'pcap-parser', cmd: [node, resolve(here, 'read-pcap-parser.mjs'), FILE], what: 'pcap-parser, read only' },
  { name: 'read+decode', cmd: [node, resolve(here, 'read-decode.mjs'), FILE], what: 'synfin openCapture + Decoder' },
  {
    name: 'pipeline',
    cmd: [node, resolve(root, 'bin/synfin'), 'flows', FILE, '--format', 'ndjson'],
    what: 'synfin flows --format ndjson > /dev/null (one thread, the default)',
  },
  {
    name: 'pipeline-2threads',
    cmd: [node, resolve(root, 'bin/synfin'), 'flows', FILE, '--format', 'ndjson', '--workers', '2'],
    what: 'synfin flows --format ndjson --workers 2 > /dev/null (flows sharded over two worker threads)',
  },
  {
    name: 'pipeline-idle',
    cmd: [node, resolve(root, 'bin/synfin'), 'flows', FILE, '--format', 'ndjson', '--idle-timeout', '120'],
    what: 'synfin flows --format ndjson --idle-timeout 120 > /dev/null (connections left open are released after 120 s of silence)',
    bigOnly: true,
  },
  {
    name: 'floor',
    cmd: [node, resolve(here, 'floor.mjs'), '--template', TEMPLATE, FILE],
    what: 'read every record + typed-array flow table + JSON.stringify of one synfin-shaped record per flow, no analysis (the floor of any JS pipeline)',
  },
  {
    name: 'floor-2threads',
    cmd: [node, resolve(here, 'floor.mjs'), '--threads', '2', '--template', TEMPLATE, FILE],
    what: 'the floor on two worker threads (each reads every record and serialises half the flows, lines unordered)',
  },
  { name: 'tcptrace', cmd: ['tcptrace', '-n', FILE], what: 'tcptrace -n', needs: 'tcptrace' },
  { name: 'tshark', cmd: ['tshark', '-q', '-z', 'conv,tcp', '-r', FILE], what: 'tshark -q -z conv,tcp', needs: 'tshark' },
].filter((t) => {
  if (ONLY && !ONLY.includes(t.name)) return false;
  if (t.bigOnly && !BIG && !ONLY) return false;
  if (t.name === 'tshark' && (flag('--no-tshark') || (BIG && !ONLY))) return false;
  if (t.needs && !have(t.needs)) {
    process.stderr.write(`${t.name}: not installed, skipped\n`);
    return false;
  }
  return true;
});

function runOnce(tool) {
  return new Promise((done) => {
    const [cmd, ...args] = HAVE_TIME ? ['/usr/bin/time', '-v', ...tool.cmd] : tool.cmd;
    const loadBefore = loadavg()[0];
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 1 << 20) err = err.slice(-(1 << 19));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const rssMB = m ? Number(m[1]) / 1024 : null;
      const ut = /User time \(seconds\): ([\d.]+)/.exec(err);
      const st0 = /System time \(seconds\): ([\d.]+)/.exec(err);
      const cpu = ut && st0 ? Number(ut[1]) + Number(st0[1]) : null;
      const load = loadavg()[0];
      const st = /Exit status: (\d+)/.exec(err);
      const status = st ? Number(st[1]) : code;
      const lines = err.split('\n').filter((l) => l && !/^\t|Command (being timed|exited)/.test(l));
      let info = null;
      for (const l of lines) {
        if (l.startsWith('{')) {
          try {
            info = JSON.parse(l);
          } catch {
            /* not ours */
          }
        }
      }
      const problem = sig ? `killed (${sig}${sig === 'SIGKILL' ? ', timeout' : ''})` : status !== 0 ? `exit ${status}: ${lines.slice(-3).join(' | ')}` : null;
      done({ wall, cpu, rssMB, status, info, problem, load1: +loadBefore.toFixed(2), load1After: +load.toFixed(2) });
    });
  });
}

function loadRange(results) {
  const l = Object.values(results).flatMap((r) => r.runs.map((x) => x.load1));
  return l.length ? `${Math.min(...l).toFixed(2)} – ${Math.max(...l).toFixed(2)}` : 'n/a';
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux */
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    /* no nproc */
  }
  let memGB = null;
  try {
    const m = /MemTotal:\s*(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) memGB = Math.round(Number(m[1]) / 1024 / 1024);
  } catch {
    /* not Linux */
  }
  const ver = (c, a) => {
    const r = spawnSync(c, a, { encoding: 'utf8', timeout: 10_000 });
    const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
    return lines.find((l) => /version/i.test(l)) ?? lines[0] ?? null;
  };
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    nproc,
    cpu,
    memGB,
    node: process.version,
    tcptrace: have('tcptrace') ? ver('tcptrace', ['-v']) : null,
    tshark: have('tshark') ? ver('tshark', ['--version']) : null,
    commit,
  };
}

// --------------------------------------------------------------------------------------------
async function main() {
  const cap = ensureCapture();
  const mb = cap.bytes / 1e6;
  process.stderr.write(`capture ${relative(root, FILE)}: ${cap.packets} packets, ${cap.connections ?? '?'} connections, ${mb.toFixed(0)} MB\n`);
  warm(FILE);
  if (TOOLS.some((t) => t.name.startsWith('floor'))) {
    const demo = spawnSync(node, [resolve(root, 'bin/synfin'), 'flows', resolve(root, 'fixtures/demo.pcapng'), '--format', 'ndjson'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (demo.status !== 0) throw new Error(`synfin on fixtures/demo.pcapng failed: ${demo.stderr}`);
    writeFileSync(TEMPLATE, demo.stdout);
  }
  const runs = Object.fromEntries(TOOLS.map((t) => [t.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const t of TOOLS) {
      const r = await runOnce(t);
      runs[t.name].push(r);
      process.stderr.write(
        `run ${i + 1}/${RUNS} ${t.name.padEnd(12)} ${r.wall.toFixed(2)} s wall  ${r.cpu === null ? '?' : r.cpu.toFixed(2)} s cpu  load ${r.load1}  ${r.rssMB === null ? '?' : r.rssMB.toFixed(0)} MB${r.problem ? '  ' + r.problem : ''}\n`,
      );
    }
  }
  const results = {};
  for (const t of TOOLS) {
    const ok = runs[t.name].filter((r) => !r.problem);
    const wall = median(ok.map((r) => r.wall));
    const rss = median(ok.filter((r) => r.rssMB !== null).map((r) => r.rssMB));
    const cpu = median(ok.filter((r) => r.cpu !== null).map((r) => r.cpu));
    results[t.name] = {
      command: t.cmd.map((c) => (c === FILE ? 'FILE' : c === node ? 'node' : c.startsWith(root) ? relative(root, c) : c)).join(' '),
      what: t.what,
      runs: runs[t.name].map((r) => ({ wall: +r.wall.toFixed(3), cpu: r.cpu, load1: r.load1, load1After: r.load1After, rssMB: r.rssMB === null ? null : +r.rssMB.toFixed(1), problem: r.problem, info: r.info })),
      wallMedian: wall === null ? null : +wall.toFixed(3),
      cpuMedian: cpu === null ? null : +cpu.toFixed(3),
      wallMin: ok.length ? +Math.min(...ok.map((r) => r.wall)).toFixed(3) : null,
      packetsPerSec: wall ? Math.round(cap.packets / wall) : null,
      mbPerSec: wall ? +(mb / wall).toFixed(1) : null,
      rssMB: rss === null ? null : +rss.toFixed(1),
      failed: runs[t.name].length - ok.length,
    };
  }
  const R = (a, b, f) => (results[a]?.[f] && results[b]?.[f] ? +(results[a][f] / results[b][f]).toFixed(3) : null);
  const ratios = {
    readDecodeSpeedupVsPcapParser: R('pcap-parser', 'read+decode', 'wallMedian'),
    pipelineWallVsTcptrace: R('pipeline', 'tcptrace', 'wallMedian'),
    pipelineRssVsTcptrace: R('pipeline', 'tcptrace', 'rssMB'),
    pipelineWallVsTshark: R('pipeline', 'tshark', 'wallMedian'),
    pipelineCpuVsTcptrace: R('pipeline', 'tcptrace', 'cpuMedian'),
    readDecodeCpuSpeedupVsPcapParser: R('pcap-parser', 'read+decode', 'cpuMedian'),
    readDecodeSpeedupVsPcapParserBest: R('pcap-parser', 'read+decode', 'wallMin'),
    pipelineWallVsTcptraceBest: R('pipeline', 'tcptrace', 'wallMin'),
    readDecodeVsBare: R('read+decode', 'bare', 'wallMedian'),
    pipelineVsBare: R('pipeline', 'bare', 'wallMedian'),
    pipeline2ThreadsWallVsTcptrace: R('pipeline-2threads', 'tcptrace', 'wallMedian'),
    pipeline2ThreadsCpuVsTcptrace: R('pipeline-2threads', 'tcptrace', 'cpuMedian'),
    pipeline2ThreadsRssVsTcptrace: R('pipeline-2threads', 'tcptrace', 'rssMB'),
    floorWallVsTcptrace: R('floor', 'tcptrace', 'wallMedian'),
    floor2ThreadsWallVsTcptrace: R('floor-2threads', 'tcptrace', 'wallMedian'),
    pipelineVsFloor: R('pipeline', 'floor', 'wallMedian'),
  };
  const targets = {
    readDecodeSpeedupVsPcapParser: { target: '≥ 5', met: ratios.readDecodeSpeedupVsPcapParser === null ? null : ratios.readDecodeSpeedupVsPcapParser >= 5 },
    pipelineWallVsTcptrace: { target: '≤ 0.333', met: ratios.pipelineWallVsTcptrace === null ? null : ratios.pipelineWallVsTcptrace <= 1 / 3 },
    pipelineRssVsTcptrace: { target: '≤ 0.5', met: ratios.pipelineRssVsTcptrace === null ? null : ratios.pipelineRssVsTcptrace <= 0.5 },
  };
  if (BIG) {
    targets.pipelineRssUnder512MB = { target: '< 512 MB', met: results.pipeline?.rssMB ? results.pipeline.rssMB < 512 : null };
    targets.pipelineIdleTimeoutRssUnder512MB = { target: '< 512 MB', met: results['pipeline-idle']?.rssMB ? results['pipeline-idle'].rssMB < 512 : null };
  }
  const out = {
    date: new Date().toISOString(),
    machine: machine(),
    capture: { file: relative(root, FILE), packets: cap.packets, connections: cap.connections, bytes: cap.bytes, seed: cap.seed ?? null, generator: 'bench/gen.mjs' + (BIG ? ' --big' : '') },
    runsEach: RUNS,
    results,
    ratios,
    targets,
  };

  // table
  const rows = [['tool', 'wall s (median)', 'cpu s', 'packets/s', 'MB/s', 'peak RSS MB', 'runs']];
  for (const t of TOOLS) {
    const r = results[t.name];
    rows.push([
      t.name,
      r.wallMedian === null ? 'failed' : r.wallMedian.toFixed(2),
      r.cpuMedian === null ? '-' : r.cpuMedian.toFixed(2),
      r.packetsPerSec === null ? '-' : (r.packetsPerSec / 1e6).toFixed(2) + 'M',
      r.mbPerSec === null ? '-' : r.mbPerSec.toFixed(0),
      r.rssMB === null ? '-' : r.rssMB.toFixed(0),
      `${r.runs.length - r.failed}/${r.runs.length}`,
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
  const fmt = (x) => (x === null ? 'n/a' : x.toFixed(3));
  const ratioText = [
    `read+decode vs pcap-parser: ${fmt(ratios.readDecodeSpeedupVsPcapParser)}× faster (target ≥ 5×); best run of each ${fmt(ratios.readDecodeSpeedupVsPcapParserBest)}×; by cpu time ${fmt(ratios.readDecodeCpuSpeedupVsPcapParser)}×`,
    `pipeline wall / tcptrace wall: ${fmt(ratios.pipelineWallVsTcptrace)} (target ≤ 0.333); best run of each ${fmt(ratios.pipelineWallVsTcptraceBest)}`,
    `pipeline peak RSS / tcptrace peak RSS: ${fmt(ratios.pipelineRssVsTcptrace)} (target ≤ 0.5)`,
    `pipeline wall / tshark wall: ${fmt(ratios.pipelineWallVsTshark)}`,
    `pipeline cpu / tcptrace cpu (user+sys; less sensitive to a busy machine): ${fmt(ratios.pipelineCpuVsTcptrace)}`,
    `read+decode / bare loop: ${fmt(ratios.readDecodeVsBare)}; pipeline / bare loop: ${fmt(ratios.pipelineVsBare)}`,
    `two threads (--workers 2) / tcptrace: wall ${fmt(ratios.pipeline2ThreadsWallVsTcptrace)}, cpu ${fmt(ratios.pipeline2ThreadsCpuVsTcptrace)}, peak RSS ${fmt(ratios.pipeline2ThreadsRssVsTcptrace)}`,
    `floor (no analysis, records only) / tcptrace wall: ${fmt(ratios.floorWallVsTcptrace)}; on two threads ${fmt(ratios.floor2ThreadsWallVsTcptrace)}; pipeline / floor ${fmt(ratios.pipelineVsFloor)}`,
  ];
  process.stdout.write(`\n${table}\n\n${ratioText.join('\n')}\n`);
  for (const t of TOOLS) {
    const bad = results[t.name].runs.find((r) => r.problem);
    if (bad) process.stdout.write(`${t.name}: ${bad.problem}\n`);
  }

  if (!flag('--no-write')) {
    const json = resolve(here, BIG ? 'results-big.json' : 'results.json');
    writeFileSync(json, JSON.stringify(out, null, 2) + '\n');
    const m = out.machine;
    const md = [
      `# synfin benchmark results${BIG ? ' (big capture)' : ''}`,
      '',
      `Written by \`npm run bench${BIG ? ' -- --big' : ''}\` (bench/run.mjs); raw numbers in \`${relative(root, json)}\`.`,
      '',
      `- date: ${out.date}`,
      `- machine: ${m.nproc} cores (nproc), ${m.cpu}, ${m.memGB ?? '?'} GB RAM; node ${m.node}; commit ${m.commit ?? '?'}`,
      `- tcptrace: ${m.tcptrace ?? 'not installed'}; tshark: ${m.tshark ?? 'not installed'}`,
      `- capture: ${out.capture.generator} → ${cap.packets.toLocaleString('en-US')} packets, ${cap.connections?.toLocaleString('en-US') ?? '?'} connections, ${(cap.bytes / 1e6).toFixed(0)} MB (Ethernet/IPv4, full payloads, seed ${out.capture.seed})`,
      `- ${RUNS} runs of each tool, alternating; wall time is the median; cpu = user + sys from /usr/bin/time -v (median); peak RSS from /usr/bin/time -v (median)`,
      `- 1-minute load average during the runs: ${loadRange(out.results)} (on a busy machine wall times are inflated; the cpu column is the steadier one)`,
      '',
      '| tool | command | wall s | cpu s | packets/s | MB/s | peak RSS MB |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...TOOLS.map((t) => {
        const r = results[t.name];
        return `| ${t.name} | \`${r.command}\` | ${r.wallMedian === null ? 'failed' : r.wallMedian.toFixed(2)} | ${r.cpuMedian === null ? '-' : r.cpuMedian.toFixed(2)} | ${r.packetsPerSec === null ? '-' : (r.packetsPerSec / 1e6).toFixed(2) + 'M'} | ${r.mbPerSec ?? '-'} | ${r.rssMB === null ? '-' : r.rssMB.toFixed(0)} |`;
      }),
      '',
      '## Ratios (issue 6 targets)',
      '',
      ...ratioText.map((l) => `- ${l}`),
      ...Object.entries(targets).map(([k, v]) => `- ${k}: target ${v.target}: ${v.met === null ? 'not measured' : v.met ? 'met' : 'NOT met'}`),
      '',
    ].join('\n');
    writeFileSync(resolve(here, BIG ? 'RESULTS-big.md' : 'RESULTS.md'), md);
    process.stderr.write(`wrote ${relative(root, json)} and ${BIG ? 'bench/RESULTS-big.md' : 'bench/RESULTS.md'}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
