// Checks that FlowTracker.add allocates nothing per packet on the untraced path: feeds N packets of
// one established flow and prints the number of young-generation collections (scavenges), which
// must not grow with N. Sequence analysis and Zeek are real unless "stub" is given.
// Run: npx tsc -p tsconfig.json --outDir /tmp/sfd && for n in 1000000 10000000; do
//        node --trace-gc test/flow/alloc-check.mjs /tmp/sfd $n | grep -c Scavenge; done
const [base = '/tmp/sfd', n = '1000000', mode = 'real'] = process.argv.slice(2);
const { FlowTracker } = await import(`${base}/flow/tracker.js`);
const { TcpSeqAnalysis } = await import(`${base}/flow/tcp-analysis.js`);
const { ZeekConn } = await import(`${base}/flow/zeek.js`);
const { Packet, PacketKind, TcpFlag } = await import(`${base}/decode/packet.js`);
const { RawRecord } = await import(`${base}/capture/types.js`);
if (mode === 'stub') {
  TcpSeqAnalysis.prototype.onSegment = function () { return 0; };
  ZeekConn.prototype.onPacket = function () {};
}
const tr = new FlowTracker({ timeWait: 60, idleTimeout: 0, vlanKey: false, transitions: false, onRecord: () => {}, maxConnections: 0 });
const p = new Packet();
const r = new RawRecord();
p.kind = PacketKind.Tcp; p.ipVersion = 4; p.tcpHeaderLen = 32; p.window = 1000;
p.src4 = 0x0a000001; p.dst4 = 0x0a000002; p.srcPort = 40000; p.dstPort = 80;
p.flags = TcpFlag.ACK | TcpFlag.PSH; p.payloadLen = 100; p.ipLen = 152; p.ack = 1;
const N = Number(n);
for (let i = 0; i < N; i++) {
  r.tsSec = 1_700_000_000 + Math.floor(i / 1e6);
  r.tsNsec = (i % 1e6) * 1000;
  r.frame = i + 1;
  p.seq = (i * 100) >>> 0;
  tr.add(p, r);
}
tr.finish();
console.log('packets', N);
