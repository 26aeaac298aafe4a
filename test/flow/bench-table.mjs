// Measures what a flow key costs: keyV4/keyV6 + get() per packet, against a string-keyed Map doing
// the same job, and the whole FlowTracker.add() per TCP packet (untraced).
// CPU time (process.cpuUsage), so that other load on the machine inflates the figures less.
// Run: npx tsc -p tsconfig.json --outDir /tmp/sfd && node test/flow/bench-table.mjs /tmp/sfd
const base = process.argv[2] ?? '/tmp/sfd';
const { FlowTable } = await import(`${base}/flow/table.js`);
const { FlowTracker } = await import(`${base}/flow/tracker.js`);
const { Packet, PacketKind, TcpFlag } = await import(`${base}/decode/packet.js`);
const { RawRecord } = await import(`${base}/capture/types.js`);

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; // ms
const FLOWS = 50_000;
const PKTS = 2_000_000;
// Pre-generate a packet stream over FLOWS flows, both directions (numbers only).
const src = new Uint32Array(PKTS), dst = new Uint32Array(PKTS), sp = new Uint16Array(PKTS), dp = new Uint16Array(PKTS);
let x = 12345;
const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
for (let i = 0; i < PKTS; i++) {
  const f = Math.floor(rnd() * FLOWS);
  const a = 0x0a000000 + f, b = 0xc0a80001, pa = 10000 + (f % 50000), pb = 443;
  if (rnd() < 0.5) { src[i] = a; dst[i] = b; sp[i] = pa; dp[i] = pb; } else { src[i] = b; dst[i] = a; sp[i] = pb; dp[i] = pa; }
}

function benchTable() {
  const t = new FlowTable(1024);
  let hits = 0;
  const t0 = cpu();
  for (let i = 0; i < PKTS; i++) {
    t.keyV4(6, 0, src[i], sp[i], dst[i], dp[i]);
    if (t.get() === null) t.set(i); else hits++;
  }
  return [(cpu() - t0) * 1e6 / PKTS, hits];
}
function benchV6() {
  const t = new FlowTable(1024);
  const s6 = new Uint8Array(16), d6 = new Uint8Array(16);
  s6[0] = 0x20; d6[0] = 0x20; d6[15] = 1;
  const t0 = cpu();
  for (let i = 0; i < PKTS; i++) {
    const v = src[i];
    s6[12] = v >>> 24; s6[13] = v >>> 16; s6[14] = v >>> 8; s6[15] = v;
    const w = dst[i];
    d6[12] = w >>> 24; d6[13] = w >>> 16; d6[14] = w >>> 8; d6[15] = w;
    t.keyV6(6, 0, s6, sp[i], d6, dp[i]);
    if (t.get() === null) t.set(i);
  }
  return (cpu() - t0) * 1e6 / PKTS;
}
function benchMap() {
  const m = new Map();
  const t0 = cpu();
  for (let i = 0; i < PKTS; i++) {
    const a = `${src[i]}:${sp[i]}`, b = `${dst[i]}:${dp[i]}`;
    const k = a < b ? `6|${a}|${b}` : `6|${b}|${a}`;
    if (m.get(k) === undefined) m.set(k, i);
  }
  return (cpu() - t0) * 1e6 / PKTS;
}
function benchTracker() {
  const tr = new FlowTracker({ timeWait: 60, idleTimeout: 0, vlanKey: false, transitions: false, onRecord: () => {}, maxConnections: 0 });
  const p = new Packet(), r = new RawRecord();
  p.kind = PacketKind.Tcp; p.ipVersion = 4; p.ipLen = 52; p.tcpHeaderLen = 32; p.window = 1000;
  const seqs = new Uint32Array(FLOWS * 2);
  const t0 = cpu();
  for (let i = 0; i < PKTS; i++) {
    p.src4 = src[i]; p.dst4 = dst[i]; p.srcPort = sp[i]; p.dstPort = dp[i];
    const k = (src[i] & 0xffff) * 2 + (sp[i] === 443 ? 1 : 0);
    p.flags = TcpFlag.ACK | TcpFlag.PSH; p.payloadLen = 100; p.ipLen = 152;
    p.seq = seqs[k]; seqs[k] = (seqs[k] + 100) >>> 0; p.ack = 0;
    r.tsSec = 1_700_000_000 + (i >>> 14); r.tsNsec = (i & 16383) * 1000; r.frame = i + 1;
    tr.add(p, r);
  }
  const ns = (cpu() - t0) * 1e6 / PKTS;
  tr.finish();
  return ns;
}
for (let round = 0; round < 2; round++) {
  const [v4, hits] = benchTable();
  console.log(`round ${round}: table v4 ${v4.toFixed(1)} ns/lookup (hits ${hits}), v6 ${benchV6().toFixed(1)} ns, string-key Map ${benchMap().toFixed(1)} ns, FlowTracker.add ${benchTracker().toFixed(1)} ns/packet`);
}
// The tracker's own share: sequence analysis and Zeek's per-packet work replaced by no-ops
// (their per-connection construction still runs).
const { TcpSeqAnalysis } = await import(`${base}/flow/tcp-analysis.js`);
const { ZeekConn } = await import(`${base}/flow/zeek.js`);
TcpSeqAnalysis.prototype.onSegment = function () { return 0; };
ZeekConn.prototype.onPacket = function () {};
console.log(`FlowTracker.add without per-packet analysis/Zeek work: ${benchTracker().toFixed(1)} ns/packet`);
