#!/usr/bin/env node
/**
 * Benchmark capture generator (issue 6): a deterministic, seeded Ethernet/IPv4 pcap of many
 * interleaved TCP connections with full payloads, written with the project's own streaming
 * writer (dist/capture/writer.js, PcapFileWriter).
 *
 *   node bench/gen.mjs [--big] [--out FILE] [--connections N] [--seed S] [--check]
 *
 * Default: ~60k connections, ~1.7M packets, ~725 MB (the capture issue 6 measures on).
 * --big:   ~1M connections, ~10M packets (memory bound check: < 512 MB peak RSS in ndjson mode).
 * --check: also build the first packets with src/synth/frames.ts's tcpFrame (dist) and compare
 *          byte for byte with the patched templates (proves the in-place checksum patching).
 *
 * Speed: frames are never built from scratch. There is one template per header shape (SYN with
 * options, segment with the timestamp option, bare RST), built once with the project's tcpFrame
 * (dist/synth/frames.js); each packet patches addresses, ports,
 * sequence numbers, flags, window, timestamps and lengths in place, and the checksums are computed
 * from a precomputed prefix sum of the template payload plus the ~16 header words.
 *
 * Traffic model (per connection, all choices from one seeded PRNG):
 *   - handshake with Linux-like SYN options (MSS 1460, SACK permitted, timestamps, wscale 7);
 *     3% SYNs unanswered (1–2 SYN retransmissions), 2% rejected with RST,ACK;
 *   - 1–3 request/response rounds: request 80 B–4 kB, response heavy-tailed (median ~5 kB, up to
 *     ~1.5 MB), MSS-sized segments, delayed ACK every second segment;
 *   - ~0.8% of data segments retransmitted (with dup ACKs), ~0.4% delivered out of order,
 *     ~1% of connections stall on a zero window (probe, then window update);
 *   - teardown: 70% client FIN first, 12% server FIN first, 13% RST (either side), 5% left open.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

// ------------------------------------------------------------------------------------------
// arguments
const argv = process.argv.slice(2);
function arg(name, def) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
}
const BIG = argv.includes('--big');
const CHECK = argv.includes('--check');
const CONNS = Number(arg('--connections', BIG ? 1_000_000 : 60_000));
const SEED = Number(arg('--seed', 20261121)) >>> 0;
const OUT = resolve(arg('--out', resolve(root, 'bench/out', BIG ? 'big.pcap' : 'bench.pcap')));
/** Mean number of extra request/response rounds and median response size (the big capture has shorter connections). */
/** Connection arrivals per second of capture time (sets concurrency and the capture's span). */
const RESP_MEDIAN = Number(arg('--resp-median', BIG ? 300 : 500));
const ROUNDS_MEAN = Number(arg('--rounds', BIG ? 0.5 : 4.2));
const RATE = Number(arg('--rate', BIG ? 400 : 150));


// ------------------------------------------------------------------------------------------
// seeded PRNG (mulberry32)
let rs = SEED || 1;
function rnd() {
  rs = (rs + 0x6d2b79f5) | 0;
  let t = rs;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function rint(lo, hi) {
  return lo + Math.floor(rnd() * (hi - lo + 1));
}
/** Log-normal via Box–Muller. */
function lognormal(median, sigma) {
  const u = 1 - rnd();
  const v = rnd();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(sigma * z);
}
function expo(mean) {
  return -Math.log(1 - rnd()) * mean;
}

// ------------------------------------------------------------------------------------------
// frame templates
const MSS = 1448; // 1460 − 12 bytes of timestamp option
const ETH = 14;
const IP = 20;
/** Shapes: TCP header length and options. */
const SHAPE_SYN = 0; // 40-byte header: MSS, SACK_PERM, TS, NOP, WS
const SHAPE_TS = 1; // 32-byte header: NOP, NOP, TS
const SHAPE_BARE = 2; // 20-byte header (RST)
const TCP_HDR = [40, 32, 20];

const MAC_C = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const MAC_S = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

/** One template per header shape, built once with the project's tcpFrame (dist/synth/frames.js). */
function makeTemplate(tcpFrame, shape) {
  const th = TCP_HDR[shape];
  const opts =
    shape === SHAPE_SYN
      ? [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7] // MSS 1460, SACK_PERM, TS, NOP, WS 7 (Linux order)
      : shape === SHAPE_TS
        ? [1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0] // NOP, NOP, TS
        : [];
  // payload: deterministic bytes (HTTP-like text, then binary)
  const payload = new Uint8Array(MSS);
  let x = 0x12345678;
  for (let i = 0; i < MSS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    payload[i] = i < 512 ? 0x20 + ((x >>> 0) % 95) : x & 0xff;
  }
  const buf = tcpFrame({
    src: '0.0.0.0',
    dst: '0.0.0.0',
    sport: 0,
    dport: 0,
    seq: 0,
    ack: 0,
    flags: 'A',
    window: 0,
    ttl: 64,
    df: true,
    options: opts.length ? { raw: Uint8Array.from(opts) } : undefined,
    payload,
  });
  if (buf.length !== ETH + IP + th + MSS) throw new Error(`template ${shape}: ${buf.length} bytes`);
  // prefix sums of the payload as 16-bit big-endian words: byte at an even index is a word's high byte
  const p = ETH + IP + th;
  const psum = new Float64Array(MSS + 1);
  for (let i = 0; i < MSS; i++) psum[i + 1] = psum[i] + ((i & 1) === 0 ? buf[p + i] << 8 : buf[p + i]);
  return { buf, th, psum, tsAt: shape === SHAPE_SYN ? ETH + IP + 28 : shape === SHAPE_TS ? ETH + IP + 24 : -1 };
}
/** Filled in main() once dist/synth/frames.js is loaded. */
let TEMPLATES = [];

function fold(s) {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

function u32(buf, at, v) {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

/** Patch the template in place; returns the frame length. */
function patch(shape, src, dst, sport, dport, seq, ack, flags, win, len, tsval, tsecr, ipid, srcIsClient) {
  const T = TEMPLATES[shape];
  const b = T.buf;
  const th = T.th;
  // Ethernet
  const ms = srcIsClient ? MAC_C : MAC_S;
  const md = srcIsClient ? MAC_S : MAC_C;
  for (let i = 0; i < 6; i++) {
    b[i] = md[i];
    b[6 + i] = ms[i];
  }
  // IPv4
  const ip = ETH;
  const total = IP + th + len;
  b[ip + 2] = total >>> 8;
  b[ip + 3] = total & 0xff;
  b[ip + 4] = (ipid >>> 8) & 0xff;
  b[ip + 5] = ipid & 0xff;
  b[ip + 10] = 0;
  b[ip + 11] = 0;
  u32(b, ip + 12, src);
  u32(b, ip + 16, dst);
  let s = 0;
  for (let i = 0; i < IP; i += 2) s += (b[ip + i] << 8) | b[ip + i + 1];
  const ic = ~fold(s) & 0xffff;
  b[ip + 10] = ic >>> 8;
  b[ip + 11] = ic & 0xff;
  // TCP
  const t = ETH + IP;
  b[t] = sport >>> 8;
  b[t + 1] = sport & 0xff;
  b[t + 2] = dport >>> 8;
  b[t + 3] = dport & 0xff;
  u32(b, t + 4, seq >>> 0);
  u32(b, t + 8, ack >>> 0);
  b[t + 13] = flags;
  b[t + 14] = win >>> 8;
  b[t + 15] = win & 0xff;
  b[t + 16] = 0;
  b[t + 17] = 0;
  if (T.tsAt >= 0) {
    u32(b, T.tsAt, tsval >>> 0);
    u32(b, T.tsAt + 4, tsecr >>> 0);
  }
  // pseudo header + header + payload prefix
  s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + th + len;
  for (let i = 0; i < th; i += 2) s += (b[t + i] << 8) | b[t + i + 1];
  s += T.psum[len];
  const tc = ~fold(s) & 0xffff;
  b[t + 16] = tc >>> 8;
  b[t + 17] = tc & 0xff;
  return ETH + total;
}

// ------------------------------------------------------------------------------------------
// connections
const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
const SERVER_PORTS = [443, 443, 443, 80, 80, 8080, 22, 5432, 3306, 6379, 25, 8443];
const CLIENT_HOSTS = BIG ? 60000 : 5000;
const SERVER_HOSTS = 200;
const clientPortNext = new Uint16Array(CLIENT_HOSTS);
for (let i = 0; i < CLIENT_HOSTS; i++) clientPortNext[i] = rint(32768, 60999);

/**
 * What the generator did, counted as it did it (written with the capture's metadata): the
 * expected values of the end-to-end check in test/pipeline/bench-capture.test.ts.
 */
const STATS = {
  unanswered: 0,
  synRetransmissions: 0,
  rejected: 0,
  finByClient: 0,
  finByServer: 0,
  rstByClient: 0,
  rstByServer: 0,
  leftOpen: 0,
  lostAndRetransmitted: 0,
  outOfOrder: 0,
  zeroWindowConnections: 0,
  clientPayloadBytes: 0,
  serverPayloadBytes: 0,
};

/** The packet a connection's generator describes when it is advanced (one shared struct). */
const P = { fromClient: true, flags: 0, seq: 0, ack: 0, win: 0, len: 0, shape: SHAPE_TS };

/**
 * One connection as a generator: each step fills P with the packet due now and yields the delay
 * in seconds to the connection's next packet (or −1 after its last one).
 */
function* connection() {
  const rtt = Math.min(0.25, lognormal(0.012, 1.2)); // seconds
  const half = rtt / 2;
  let cseq = (rnd() * 4294967296) >>> 0;
  let sseq = (rnd() * 4294967296) >>> 0;
  const cwinRaw = rint(400, 3000); // scaled by 128 (wscale 7)
  const swinRaw = rint(400, 3000);
  const jitter = () => half * (0.8 + 0.4 * rnd());
  const pkt = (fromClient, flags, seq, ack, win, len, shape) => {
    P.fromClient = fromClient;
    P.flags = flags;
    P.seq = seq >>> 0;
    P.ack = ack >>> 0;
    P.win = win;
    P.len = len;
    P.shape = shape;
  };

  // --- handshake
  const fate = rnd();
  if (fate < 0.03) {
    // unanswered SYN, retransmitted with Linux's 1 s, 2 s backoff
    const tries = rint(1, 3);
    STATS.unanswered++;
    STATS.synRetransmissions += tries - 1;
    for (let i = 0; i < tries; i++) {
      pkt(true, SYN, cseq, 0, 64240, 0, SHAPE_SYN);
      yield i === tries - 1 ? -1 : 1 << i;
    }
    return;
  }
  pkt(true, SYN, cseq, 0, 64240, 0, SHAPE_SYN);
  yield jitter();
  cseq = (cseq + 1) >>> 0;
  if (fate < 0.05) {
    STATS.rejected++;
    pkt(false, RST | ACK, 0, cseq, 0, 0, SHAPE_BARE);
    yield -1;
    return;
  }
  pkt(false, SYN | ACK, sseq, cseq, 65160, 0, SHAPE_SYN);
  yield jitter();
  sseq = (sseq + 1) >>> 0;
  pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
  yield rnd() * 0.002;

  // --- request/response rounds
  const rounds = 1 + Math.floor(expo(ROUNDS_MEAN));
  const zeroWindowAt = rnd() < 0.01 ? rint(0, rounds - 1) : -1;
  for (let r = 0; r < rounds; r++) {
    // request (client → server)
    let req = Math.max(80, Math.min(4000, Math.round(lognormal(400, 0.9))));
    while (req > 0) {
      const n = Math.min(MSS, req);
      req -= n;
      STATS.clientPayloadBytes += n;
      pkt(true, ACK | (req === 0 ? PSH : 0), cseq, sseq, cwinRaw, n, SHAPE_TS);
      cseq = (cseq + n) >>> 0;
      yield req === 0 ? jitter() : 0.00002;
    }
    // server ACK of the request
    pkt(false, ACK, sseq, cseq, swinRaw, 0, SHAPE_TS);
    yield 0.0005 + rnd() * 0.01; // server think time
    // response (server → client), delayed ACKs, occasional loss / reordering / zero window
    let resp = Math.max(200, Math.min(1_500_000, Math.round(lognormal(RESP_MEDIAN, 1.5))));
    let sinceAck = 0;
    let acked = sseq;
    let seg = 0;
    while (resp > 0) {
      const n = Math.min(MSS, resp);
      resp -= n;
      STATS.serverPayloadBytes += n;
      const last = resp === 0;
      const x = rnd();
      if (x < 0.004 && !last) {
        // out of order: the next segment overtakes this one
        const n2 = Math.min(MSS, resp);
        resp -= n2;
        STATS.serverPayloadBytes += n2;
        STATS.outOfOrder++;
        pkt(false, ACK | (resp === 0 ? PSH : 0), (sseq + n) >>> 0, cseq, swinRaw, n2, SHAPE_TS);
        yield 0.00003;
        pkt(true, ACK, cseq, acked, cwinRaw, 0, SHAPE_TS); // dup ACK (SACK not modelled)
        yield 0.00003;
        pkt(false, ACK, sseq, cseq, swinRaw, n, SHAPE_TS);
        sseq = (sseq + n + n2) >>> 0;
        yield 0.00003;
        pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
        acked = sseq;
        sinceAck = 0;
        yield 0.00003;
        continue;
      }
      pkt(false, ACK | (last ? PSH : 0), sseq, cseq, swinRaw, n, SHAPE_TS);
      const segSeq = sseq;
      sseq = (sseq + n) >>> 0;
      seg++;
      if (x > 0.992) {
        // lost downstream of the capture point: dup ACKs, then the retransmission (RTO-ish pause)
        STATS.lostAndRetransmitted++;
        yield 0.00003;
        pkt(true, ACK, cseq, segSeq, cwinRaw, 0, SHAPE_TS);
        yield 0.00003;
        pkt(true, ACK, cseq, segSeq, cwinRaw, 0, SHAPE_TS);
        yield rtt + 0.2;
        pkt(false, ACK, segSeq, cseq, swinRaw, n, SHAPE_TS);
        yield jitter();
        pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
        acked = sseq;
        sinceAck = 0;
        yield 0.00003;
        continue;
      }
      if (r === zeroWindowAt && seg === 4) {
        // the client's receive buffer fills: zero window, a probe, then a window update
        STATS.zeroWindowConnections++;
        yield half;
        pkt(true, ACK, cseq, sseq, 0, 0, SHAPE_TS);
        acked = sseq;
        sinceAck = 0;
        yield 0.2;
        pkt(false, ACK, (sseq - 1) >>> 0, cseq, swinRaw, 0, SHAPE_TS); // zero-window probe (Linux: seq = snd.una − 1)
        yield half;
        pkt(true, ACK, cseq, sseq, 0, 0, SHAPE_TS);
        yield 0.3;
        pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS); // window update
        yield half;
        continue;
      }
      sinceAck++;
      if (sinceAck === 2 || last) {
        yield half;
        pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
        acked = sseq;
        sinceAck = 0;
        yield last ? 0.001 + expo(0.05) : 0.00003;
      } else {
        yield 0.00003;
      }
    }
  }

  // --- teardown
  const end = rnd();
  if (end < 0.7) {
    STATS.finByClient++;
    pkt(true, FIN | ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
    cseq = (cseq + 1) >>> 0;
    yield jitter();
    pkt(false, FIN | ACK, sseq, cseq, swinRaw, 0, SHAPE_TS);
    sseq = (sseq + 1) >>> 0;
    yield jitter();
    pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
    yield -1;
  } else if (end < 0.82) {
    STATS.finByServer++;
    pkt(false, FIN | ACK, sseq, cseq, swinRaw, 0, SHAPE_TS);
    sseq = (sseq + 1) >>> 0;
    yield jitter();
    pkt(true, FIN | ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
    cseq = (cseq + 1) >>> 0;
    yield jitter();
    pkt(false, ACK, sseq, cseq, swinRaw, 0, SHAPE_TS);
    yield -1;
  } else if (end < 0.95) {
    const byClient = rnd() < 0.6;
    if (byClient) STATS.rstByClient++;
    else STATS.rstByServer++;
    if (byClient) pkt(true, RST | ACK, cseq, sseq, 0, 0, SHAPE_BARE);
    else pkt(false, RST | ACK, sseq, cseq, 0, 0, SHAPE_BARE);
    yield -1;
  } else {
    // left open at capture end (or idle): a last keep-alive-less ACK
    STATS.leftOpen++;
    pkt(true, ACK, cseq, sseq, cwinRaw, 0, SHAPE_TS);
    yield -1;
  }
}

// ------------------------------------------------------------------------------------------
// scheduler: a binary heap of (next packet time, connection slot)
const MAXACTIVE = 1 << 20;
const heapT = new Float64Array(MAXACTIVE);
const heapS = new Int32Array(MAXACTIVE);
let heapN = 0;
function push(t, s) {
  let i = heapN++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heapT[p] <= t) break;
    heapT[i] = heapT[p];
    heapS[i] = heapS[p];
    i = p;
  }
  heapT[i] = t;
  heapS[i] = s;
}
function pop() {
  const n = --heapN;
  const t = heapT[n];
  const s = heapS[n];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heapT[c + 1] < heapT[c]) c++;
    if (heapT[c] >= t) break;
    heapT[i] = heapT[c];
    heapS[i] = heapS[c];
    i = c;
  }
  heapT[i] = t;
  heapS[i] = s;
}

/** Per active slot: the generator and the connection's addressing and counters. */
const slotGen = [];
const slotFree = [];
const sCip = new Uint32Array(MAXACTIVE);
const sSip = new Uint32Array(MAXACTIVE);
const sCport = new Uint16Array(MAXACTIVE);
const sSport = new Uint16Array(MAXACTIVE);
const sCid = new Uint16Array(MAXACTIVE);
const sSid = new Uint16Array(MAXACTIVE);
const sT0 = new Float64Array(MAXACTIVE);
const sTsC = new Uint32Array(MAXACTIVE);
const sTsS = new Uint32Array(MAXACTIVE);
const sLastTsvalC = new Uint32Array(MAXACTIVE);
const sLastTsvalS = new Uint32Array(MAXACTIVE);

const ARRIVAL = -1; // heap entry meaning "start the next connection"

async function main() {
  const { PcapFileWriter } = await import(resolve(root, 'dist/capture/writer.js'));
  const { tcpFrame } = await import(resolve(root, 'dist/synth/frames.js'));
  TEMPLATES = [makeTemplate(tcpFrame, SHAPE_SYN), makeTemplate(tcpFrame, SHAPE_TS), makeTemplate(tcpFrame, SHAPE_BARE)];
  mkdirSync(dirname(OUT), { recursive: true });
  const w = new PcapFileWriter(OUT, { snaplen: 262144 });
  const EPOCH = 1_763_700_000; // 2025-11-21T04:40:00Z
  const t0 = process.hrtime.bigint();
  let started = 0;
  let packets = 0;
  let bytes = 24;
  const check = CHECK ? await setupCheck() : null;

  push(0, ARRIVAL);
  let tNextArrival = 0;
  while (heapN > 0) {
    const t = heapT[0];
    const s = heapS[0];
    pop();
    if (s === ARRIVAL) {
      // start a connection
      const slot = slotFree.length ? slotFree.pop() : slotGen.length;
      const g = connection();
      slotGen[slot] = g;
      const ch = rint(0, CLIENT_HOSTS - 1);
      const sh = rint(0, SERVER_HOSTS - 1);
      sCip[slot] = (0x0a000000 | (((ch >> 8) + 1) << 16) | ((ch & 0xff) << 8) | 1 + (ch % 250)) >>> 0;
      sSip[slot] = (0xac100000 | ((sh >> 6) << 8) | (1 + (sh & 63) * 3)) >>> 0;
      let cp = clientPortNext[ch] + 1;
      if (cp > 60999) cp = 32768;
      clientPortNext[ch] = cp;
      sCport[slot] = cp;
      sSport[slot] = SERVER_PORTS[rint(0, SERVER_PORTS.length - 1)];
      sCid[slot] = rint(0, 65535);
      sSid[slot] = rint(0, 65535);
      sT0[slot] = t;
      sTsC[slot] = (rnd() * 4294967296) >>> 0;
      sTsS[slot] = (rnd() * 4294967296) >>> 0;
      sLastTsvalC[slot] = 0;
      sLastTsvalS[slot] = 0;
      push(t, slot);
      started++;
      if (started < CONNS) {
        tNextArrival = t + expo(1 / RATE);
        push(tNextArrival, ARRIVAL);
      }
      continue;
    }
    const g = slotGen[s];
    const step = g.next();
    if (step.done) throw new Error('generator ended without a last packet');
    const dt = step.value;
    // timestamps option: 1 kHz clocks (Linux), echo the peer's last value
    const ms = Math.floor((t - sT0[s]) * 1000);
    const fromC = P.fromClient;
    const tsval = ((fromC ? sTsC[s] : sTsS[s]) + ms) >>> 0;
    const tsecr = P.flags === SYN ? 0 : fromC ? sLastTsvalS[s] : sLastTsvalC[s];
    if (fromC) sLastTsvalC[s] = tsval;
    else sLastTsvalS[s] = tsval;
    const ipid = fromC ? sCid[s]++ : sSid[s]++;
    const len = fromC
      ? patch(P.shape, sCip[s], sSip[s], sCport[s], sSport[s], P.seq, P.ack, P.flags, P.win, P.len, tsval, tsecr, ipid, true)
      : patch(P.shape, sSip[s], sCip[s], sSport[s], sCport[s], P.seq, P.ack, P.flags, P.win, P.len, tsval, tsecr, ipid, false);
    const sec = Math.floor(t);
    const nsec = Math.min(999_999_999, Math.floor((t - sec) * 1e9));
    const frame = TEMPLATES[P.shape].buf.subarray(0, len);
    if (check && packets < 2000) check(frame, fromC ? sCip[s] : sSip[s], fromC ? sSip[s] : sCip[s], fromC ? sCport[s] : sSport[s], fromC ? sSport[s] : sCport[s], tsval, tsecr, ipid, fromC);
    w.write(EPOCH + sec, nsec, frame);
    packets++;
    bytes += 16 + len;
    if (dt < 0) {
      slotGen[s] = undefined;
      slotFree.push(s);
    } else {
      push(t + dt, s);
    }
  }
  await w.close();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const size = statSync(OUT).size;
  if (size !== bytes) throw new Error(`size mismatch ${size} vs ${bytes}`);
  const out = { file: OUT, packets, connections: started, bytes: size, seconds: secs, seed: SEED, stats: STATS };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** --check: compare patched frames with tcpFrame from the project's synth module. */
async function setupCheck() {
  const frames = await import(resolve(root, 'dist/synth/frames.js'));
  let mismatches = 0;
  let checked = 0;
  process.on('exit', () => process.stderr.write(`check: ${checked} frames compared with tcpFrame, ${mismatches} differ\n`));
  return (frame, src, dst, sport, dport, tsval, tsecr, ipid) => {
    const ip = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    let letters = '';
    for (const [bit, ch] of [[1, 'F'], [2, 'S'], [4, 'R'], [8, 'P'], [16, 'A']]) if (P.flags & bit) letters += ch;
    const want = frames.tcpFrame({
      src: ip(src),
      dst: ip(dst),
      sport,
      dport,
      seq: P.seq,
      ack: P.ack,
      flags: letters,
      window: P.win,
      ipId: ipid,
      ttl: 64,
      df: true,
      srcMac: frame.slice(6, 12),
      dstMac: frame.slice(0, 6),
      options: { raw: frame.slice(54, 34 + TCP_HDR[P.shape]) },
      payload: frame.slice(34 + TCP_HDR[P.shape]),
    });
    void tsval;
    void tsecr;
    checked++;
    if (want.length !== frame.length || want.some((v, i) => v !== frame[i])) {
      if (mismatches++ < 5) {
        const diff = [];
        for (let i = 0; i < Math.max(want.length, frame.length); i++) if (want[i] !== frame[i]) diff.push(i);
        process.stderr.write(`check: frame ${checked} differs from tcpFrame at bytes ${diff.slice(0, 12).join(',')} (len ${frame.length} vs ${want.length})\n`);
      }
    }
  };
}

main().catch((e) => {
  process.stderr.write(`gen: ${e.stack ?? e}\n`);
  process.exit(1);
});
