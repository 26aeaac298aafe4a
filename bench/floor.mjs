#!/usr/bin/env node
/**
 * The floor of issue 6's pipeline target: the least work any JavaScript program must do to turn the
 * capture into synfin's NDJSON, with none of synfin's analysis.
 *
 *   node bench/floor.mjs [--threads 1|2] [--template RECORDS.ndjson] FILE > /dev/null
 *
 * It reads every record (the bare loop of read-bare.mjs, classic little-endian pcap), finds each
 * Ethernet/IPv4/TCP packet's flow in an open-addressing typed-array table keyed by the symmetric
 * 4-tuple, counts packets and payload bytes per direction, and at the end writes one line per flow:
 * `JSON.stringify` of an object shaped exactly like synfin's record (built by a function compiled
 * from a real record of fixtures/demo.pcapng, so the line length matches synfin's ~2.4 KB), with
 * the flow's addresses, ports and counts filled in. --template: take the record from synfin's NDJSON
 * output in that file instead (bench/run.mjs writes it beforehand, so that loading synfin's code to
 * make the template is not timed: the floor is then the floor). No state machine, no sequence analysis, no
 * Zeek, no ordering of the lines: whatever synfin does on top of this costs more.
 *
 * --threads 2: two worker threads, as a sharded synfin would run: each reads every record (a
 * packet's owner is known only after reading it) and serialises the flows of its half of the
 * table; lines are written as they come, unordered.
 *
 * Prints {"packets", "flows", "bytesOut"} on stderr. bench/run.mjs runs it as the tool "floor".
 */
import { openSync, readSync, closeSync, writeSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));

const isTemplate = (r) => r.proto === 'tcp' && r.client.ip.includes('.') && r.handshake;

/** A real record (the first IPv4 TCP flow of fixtures/demo.pcapng, or of an NDJSON file) from the build in dist/. */
async function templateRecord(ndjson) {
  if (ndjson) {
    const rec = readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find(isTemplate);
    if (!rec) throw new Error(`floor: no IPv4 TCP record in ${ndjson}`);
    return rec;
  }
  const { analyze } = await import(resolve(here, '../dist/index.js'));
  let rec = null;
  await analyze([resolve(here, '../fixtures/demo.pcapng')], {
    onRecord: (r) => {
      if (rec === null && isTemplate(r)) rec = r;
    },
  });
  if (rec === null) throw new Error('floor: no IPv4 TCP record in fixtures/demo.pcapng');
  return rec;
}

/**
 * Compile `(id, cip, cport, sip, sport, pc, ps, bc, bs) => ({...})`: an object literal of the
 * template's shape and values, with the flow's own fields as parameters (a literal, as synfin's
 * buildRecord makes one, not a clone).
 */
function compileBuilder(t) {
  const own = {
    id: 'id',
    'client.ip': 'cip',
    'client.port': 'cport',
    'server.ip': 'sip',
    'server.port': 'sport',
    'packets.client': 'pc',
    'packets.server': 'ps',
    'bytes.client': 'bc',
    'bytes.server': 'bs',
  };
  const lit = (v, path) => {
    if (own[path]) return own[path];
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
    if (Array.isArray(v)) return '[' + v.map((x, i) => lit(x, `${path}.${i}`)).join(',') + ']';
    return '{' + Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${lit(x, path ? `${path}.${k}` : k)}`).join(',') + '}';
  };
  return new Function('id', 'cip', 'cport', 'sip', 'sport', 'pc', 'ps', 'bc', 'bs', `return ${lit(t, '')};`);
}

const NAP = new Int32Array(new SharedArrayBuffer(4));

/** writeSync all of `text` to stdout, waiting while a pipe is full (EAGAIN), at most a minute in all. */
function writeAll(text) {
  const b = Buffer.from(text, 'latin1');
  let off = 0;
  for (let waits = 0; off < b.length; ) {
    try {
      off += writeSync(1, b, off, b.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN' || ++waits > 60_000) throw e;
      Atomics.wait(NAP, 0, 0, 1);
    }
  }
  return b.length;
}

function ip4(x) {
  return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
}

/** Read FILE, track flows; serialise those whose table slot % count === index. */
function run(file, build, count, index) {
  const fd = openSync(file, 'r');
  const CHUNK = 4 << 20;
  const buf = Buffer.allocUnsafe(CHUNK + 262144 + 16);
  if (readSync(fd, buf, 0, 24, 0) < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('floor: expects a little-endian microsecond pcap');
  const CAP = 1 << 21; // slots (the big capture has 1M flows)
  const MASK = CAP - 1;
  const kLo = new Int32Array(CAP);
  const kHi = new Int32Array(CAP);
  const kPorts = new Int32Array(CAP);
  const used = new Uint8Array(CAP);
  const loIsClient = new Uint8Array(CAP);
  const pkts = new Float64Array(CAP * 2);
  const bytes = new Float64Array(CAP * 2);
  let pos = 24;
  let start = 0;
  let end = 0;
  let packets = 0;
  let flows = 0;
  for (;;) {
    buf.copy(buf, 0, start, end);
    end -= start;
    start = 0;
    const n = readSync(fd, buf, end, CHUNK, pos);
    if (n === 0) break;
    pos += n;
    end += n;
    while (end - start >= 16) {
      const cap = buf.readUInt32LE(start + 8);
      if (end - start < 16 + cap) break;
      const f = start + 16;
      packets++;
      start += 16 + cap;
      if (cap < 54 || buf[f + 12] !== 8 || buf[f + 13] !== 0 || buf[f + 23] !== 6) continue;
      const ip = f + 14;
      const ihl = (buf[ip] & 15) * 4;
      const total = (buf[ip + 2] << 8) | buf[ip + 3];
      const src = buf.readInt32BE(ip + 12);
      const dst = buf.readInt32BE(ip + 16);
      const t = ip + ihl;
      const sp = (buf[t] << 8) | buf[t + 1];
      const dp = (buf[t + 2] << 8) | buf[t + 3];
      const payload = total - ihl - (buf[t + 12] >> 4) * 4;
      const srcIsLo = src < dst || (src === dst && sp <= dp);
      const lo = srcIsLo ? src : dst;
      const hi = srcIsLo ? dst : src;
      const ports = srcIsLo ? (sp << 16) | dp : (dp << 16) | sp;
      let s = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(ports, 0x85ebca6b), 0xc2b2ae35) >>> 11) & MASK;
      for (let probes = 0; probes < CAP; probes++) {
        if (used[s] === 0) {
          used[s] = 1;
          kLo[s] = lo;
          kHi[s] = hi;
          kPorts[s] = ports;
          loIsClient[s] = srcIsLo ? 1 : 0; // the first packet's sender is the client
          flows++;
          break;
        }
        if (kLo[s] === lo && kHi[s] === hi && kPorts[s] === ports) break;
        s = (s + 1) & MASK;
      }
      const dir = (srcIsLo ? 1 : 0) === loIsClient[s] ? 0 : 1;
      pkts[s * 2 + dir]++;
      bytes[s * 2 + dir] += payload;
    }
  }
  closeSync(fd);
  let out = '';
  let bytesOut = 0;
  let id = 0;
  for (let s = 0; s < CAP; s++) {
    if (used[s] === 0) continue;
    id++;
    if (s % count !== index) continue;
    const c = loIsClient[s] === 1;
    const lo = ip4(kLo[s]);
    const hi = ip4(kHi[s]);
    const pLo = kPorts[s] >>> 16;
    const pHi = kPorts[s] & 0xffff;
    const r = build(id, c ? lo : hi, c ? pLo : pHi, c ? hi : lo, c ? pHi : pLo, pkts[s * 2], pkts[s * 2 + 1], bytes[s * 2], bytes[s * 2 + 1]);
    out += JSON.stringify(r) + '\n';
    if (out.length >= 1 << 16) {
      bytesOut += writeAll(out);
      out = '';
    }
  }
  if (out.length) bytesOut += writeAll(out);
  return { packets, flows, bytesOut };
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--threads');
  const threads = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 1;
  const mi = args.indexOf('--template');
  const templateFile = mi >= 0 ? args.splice(mi, 2)[1] : null;
  const file = args[0];
  if (!file || !(threads === 1 || threads === 2)) {
    process.stderr.write('usage: node bench/floor.mjs [--threads 1|2] [--template RECORDS.ndjson] FILE.pcap\n');
    process.exit(2);
  }
  const template = await templateRecord(templateFile);
  if (threads === 1) {
    process.stderr.write(JSON.stringify(run(file, compileBuilder(template), 1, 0)) + '\n');
  } else {
    const parts = await Promise.all(
      [0, 1].map(
        (index) =>
          new Promise((done, fail) => {
            const w = new Worker(fileURLToPath(import.meta.url), { workerData: { file, template, count: 2, index } });
            w.once('message', done);
            w.once('error', fail);
          }),
      ),
    );
    process.stderr.write(JSON.stringify({ packets: parts[0].packets, flows: parts[0].flows, bytesOut: parts[0].bytesOut + parts[1].bytesOut }) + '\n');
  }
} else {
  const { file, template, count, index } = workerData;
  parentPort.postMessage(run(file, compileBuilder(template), count, index));
}
