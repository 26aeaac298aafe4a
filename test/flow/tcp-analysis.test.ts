/**
 * TcpSeqAnalysis: the per-direction results (counts, windows, zero-window episodes) and the
 * helpers the tracker uses (inWindow, relSeq/relAck, scaledWindow). Per-packet flags are checked
 * against tshark in tcp-analysis.tshark.test.ts; the expected values here are hand-worked from
 * the packet sequences (each case shows the arithmetic) or from RFC 5961 §3 / RFC 7323 §2.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, PacketKind, TcpFlag } from '../../src/decode/packet.js';
import { TcpSeqAnalysis } from '../../src/flow/tcp-analysis.js';
import { Note } from '../../src/flow/types.js';

const FLAG: Record<string, number> = { F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK };

/** [dir, flags, seq, ack, window (raw), payload length, time in ms, wscale option] */
type Seg = [0 | 1, string, number, number, number, number?, number?, number?];

function feed(a: TcpSeqAnalysis, segs: Seg[]): number[] {
  const p = new Packet();
  p.kind = PacketKind.Tcp;
  return segs.map(([d, fl, seq, ack, win, len = 0, tMs = 0, ws = -1]) => {
    let f = 0;
    for (const ch of fl) f |= FLAG[ch];
    p.flags = f;
    p.seq = seq >>> 0;
    p.ack = ack >>> 0;
    p.window = win;
    p.payloadLen = len;
    p.payloadCaptured = len;
    p.optWscale = ws;
    const whole = Math.floor(tMs / 1000);
    return a.onSegment(p, d, 1700000000 + whole, Math.round((tMs - whole * 1000) * 1e6));
  });
}

// Handshake with window scale 7 both ways: client ISN 1000, server ISN 5000, iRTT 20 ms.
const HS: Seg[] = [
  [0, 'S', 1000, 0, 64240, 0, 0, 7],
  [1, 'SA', 5000, 1001, 65160, 0, 10, 7],
  [0, 'A', 1001, 5001, 502, 0, 20],
];

describe('TcpSeqAnalysis results', () => {
  it('zero-window episode, probes, window update, window range (scale 7)', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [
      ...HS,
      [0, 'PA', 1001, 5001, 502, 1000, 30],
      [1, 'A', 5001, 2001, 0, 0, 40], // zero window starts (40 ms)
      [0, 'PA', 2001, 5001, 502, 1, 240], // probe
      [1, 'A', 5001, 2001, 0, 0, 250],
      [0, 'PA', 2001, 5001, 502, 1, 650], // probe
      [1, 'A', 5001, 2001, 0, 0, 660],
      [1, 'A', 5001, 2001, 200, 0, 900], // window opens: episode 40 → 900 ms
      [0, 'PA', 2001, 5001, 502, 1000, 910],
      [1, 'A', 5001, 3001, 200, 0, 930],
    ]);
    const r = a.result(1700000001, 0);
    expect(r.server.zeroWindows).toBe(1);
    expect(r.server.zeroWindowSeconds).toBeCloseTo(0.86, 9);
    expect(r.server.windowUpdates).toBe(1);
    // server windows: SYN-ACK 65160 (unscaled, RFC 7323 §2.2), 0, 200 << 7 = 25600
    expect([r.server.windowMin, r.server.windowMax, r.server.windowLast]).toEqual([0, 65160, 25600]);
    expect(r.server.windowScaleKnown).toBe(true);
    expect(r.client.zeroWindowProbes).toBe(2);
    // client windows: SYN 64240, then 502 << 7 = 64256
    expect([r.client.windowMin, r.client.windowMax, r.client.windowLast]).toEqual([64240, 64256, 64256]);
    expect(r.client.maxInFlight).toBe(1000);
    expect(r.client.retransmissions).toBe(0);
  });

  it('an open zero-window episode lasts until capture end', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [...HS, [1, 'A', 5001, 1001, 0, 0, 1000]]);
    const r = a.result(1700000003, 500000000); // 1.0 s → 3.5 s
    expect(r.server.zeroWindows).toBe(1);
    expect(r.server.zeroWindowSeconds).toBeCloseTo(2.5, 9);
  });

  it('fast retransmission after a lost segment: counts per side', () => {
    const a = new TcpSeqAnalysis();
    const notes = feed(a, [
      ...HS,
      [0, 'PA', 1001, 5001, 502, 100, 30],
      [0, 'PA', 1201, 5001, 502, 100, 31], // 1101..1201 not captured: 100 bytes missing
      [0, 'PA', 1301, 5001, 502, 100, 32],
      [1, 'A', 5001, 1101, 510, 0, 40],
      [1, 'A', 5001, 1101, 510, 0, 41],
      [1, 'A', 5001, 1101, 510, 0, 42],
      [1, 'A', 5001, 1101, 510, 0, 43],
      [0, 'PA', 1101, 5001, 502, 100, 45],
      [1, 'A', 5001, 1401, 510, 0, 60],
    ]);
    expect(notes[4] & Note.LOST_SEGMENT).toBeTruthy();
    expect(notes[10] & Note.FAST_RETRANSMISSION).toBeTruthy();
    const r = a.result(1700000001, 0);
    expect(r.client).toMatchObject({ retransmissions: 1, fastRetransmissions: 1, retransmittedBytes: 100, lostSegments: 1, missedBytes: 100 });
    expect(r.server.dupAcks).toBe(3);
  });

  it('SYN retransmissions carry SYN_RETRANSMISSION and count as retransmissions', () => {
    const a = new TcpSeqAnalysis();
    const n = feed(a, [
      [0, 'S', 1000, 0, 64240, 0, 0, 7],
      [0, 'S', 1000, 0, 64240, 0, 1000, 7],
      [1, 'SA', 5000, 1001, 65160, 0, 1010, 7],
      [1, 'SA', 5000, 1001, 65160, 0, 2010, 7],
    ]);
    expect(n.map((x) => (x & Note.SYN_RETRANSMISSION) !== 0)).toEqual([false, true, false, true]);
    const r = a.result(1700000003, 0);
    expect([r.client.retransmissions, r.server.retransmissions]).toEqual([1, 1]);
  });

  it('window scale unknown without the handshake; relative numbers start at 1', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [[0, 'PA', 777777, 888888, 1000, 100, 0], [1, 'A', 888888, 777877, 2000, 0, 10]]);
    expect(a.relSeq(0, 777777)).toBe(1); // first seq − 1 is the base (Wireshark, bug 1542)
    expect(a.relAck(0, 888888)).toBe(1); // the peer's base is ack − 1
    expect(a.relSeq(1, 888888)).toBe(1);
    expect(a.scaledWindow(1, 2000)).toBe(2000);
    const r = a.result(1700000001, 0);
    expect(r.client.windowScaleKnown).toBe(false);
    expect(r.server.windowScaleKnown).toBe(false);
  });

  it('scaling applies only when both SYNs carried the option (RFC 7323 §2.2)', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [[0, 'S', 1000, 0, 64240, 0, 0, 7], [1, 'SA', 5000, 1001, 65160, 0, 10], [0, 'A', 1001, 5001, 502, 0, 20]]);
    expect(a.scaledWindow(0, 502)).toBe(502);
    const b = new TcpSeqAnalysis();
    feed(b, HS);
    expect(b.scaledWindow(0, 502)).toBe(502 * 128);
    const r = a.result(1700000001, 0);
    expect(r.client.windowScaleKnown).toBe(true); // known to be "no scaling"
    // the other way round: a SYN-ACK offering a scale to a SYN that did not is not scaled either
    const c = new TcpSeqAnalysis();
    feed(c, [[0, 'S', 1000, 0, 64240], [1, 'SA', 5000, 1001, 65160, 0, 10, 7], [0, 'A', 1001, 5001, 502, 0, 20], [1, 'A', 5001, 1001, 510, 0, 30]]);
    expect([c.scaledWindow(0, 502), c.scaledWindow(1, 510)]).toEqual([502, 510]);
  });

  it('a shift count above 14 is used as 14 (RFC 7323 §2.3)', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [[0, 'S', 1000, 0, 64240, 0, 0, 15], [1, 'SA', 5000, 1001, 65160, 0, 10, 15], [0, 'A', 1001, 5001, 502, 0, 20]]);
    expect(a.scaledWindow(0, 502)).toBe(502 * 16384);
  });

  it("a RST's window is not part of the window range (it says nothing about the receiver)", () => {
    const a = new TcpSeqAnalysis();
    feed(a, [...HS, [0, 'R', 1001, 0, 0, 0, 30]]);
    // client windows: SYN 64240, ACK 502 << 7 = 64256; the RST's 0 is left out
    const r = a.result(1700000001, 0);
    expect([r.client.windowMin, r.client.windowMax, r.client.windowLast]).toEqual([64240, 64256, 64256]);
    expect(r.client.zeroWindows).toBe(0);
  });

  it('same seq/ack with the window closing to 0 is a zero window, not a window update (Wireshark: update needs a non-zero window)', () => {
    const a = new TcpSeqAnalysis();
    const n = feed(a, [...HS, [1, 'A', 5001, 1001, 510, 0, 30], [1, 'A', 5001, 1001, 0, 0, 40], [1, 'A', 5001, 1001, 300, 0, 50]]);
    expect([n[4] & Note.ZERO_WINDOW, n[4] & Note.WINDOW_UPDATE]).toEqual([Note.ZERO_WINDOW, 0]);
    expect(n[5] & Note.WINDOW_UPDATE).toBe(Note.WINDOW_UPDATE); // 0 → 300: an update
  });
});

// The sequence span (Zeek's orig_bytes rule, DirectionAnalysis.seqBytes) is ZeekConn's:
// test/flow/zeek.test.ts covers it (the 1 MiB SYN/RST and ack-0 rules, the bgp-role case).

describe('inWindow (RFC 5961 §3: RCV.NXT ≤ SEG.SEQ < RCV.NXT + RCV.WND)', () => {
  it('uses the receiver’s last ACK and scaled window', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [...HS, [1, 'A', 5001, 1001, 510, 0, 25]]); // server: RCV.NXT 1001, RCV.WND 510 << 7 = 65280
    expect(a.inWindow(0, 1001)).toBe(true);
    expect(a.inWindow(0, 1001 + 65279)).toBe(true);
    expect(a.inWindow(0, 1001 + 65280)).toBe(false);
    expect(a.inWindow(0, 1000)).toBe(false);
    // client: RCV.NXT 5001, window 502 << 7 = 64256
    expect(a.inWindow(1, 5001 + 64255)).toBe(true);
    expect(a.inWindow(1, 5001 + 64256)).toBe(false);
  });
  it('zero window: only RCV.NXT is acceptable', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [...HS, [1, 'A', 5001, 1001, 0, 0, 25]]);
    expect(a.inWindow(0, 1001)).toBe(true);
    expect(a.inWindow(0, 1002)).toBe(false);
  });
  it('unknown receiver (never sent an ACK): true', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [[0, 'S', 1000, 0, 64240]]);
    expect(a.inWindow(1, 123456)).toBe(true);
  });
  it('works across the 2^32 wrap', () => {
    const a = new TcpSeqAnalysis();
    feed(a, [[0, 'PA', 4294967000, 10, 1000, 100, 0], [1, 'A', 10, 4294967100, 1000, 0, 1]]);
    // server RCV.NXT = 4294967100, window 1000 raw (scale unknown → up to 1000 << 14 accepted)
    expect(a.inWindow(0, 4294967100)).toBe(true);
    expect(a.inWindow(0, 500)).toBe(true); // 696 bytes past the wrap
    expect(a.inWindow(0, 4294967099)).toBe(false);
    expect(a.inWindow(0, (4294967100 + 1000 * 16384 - 1) >>> 0)).toBe(true);
    expect(a.inWindow(0, (4294967100 + 1000 * 16384) >>> 0)).toBe(false);
  });
});

describe('never throws (fast-check)', () => {
  it('random segment streams, sequence numbers near 2^32, timestamps going backwards', () => {
    const seg = fc.record({
      d: fc.constantFrom<0 | 1>(0, 1),
      flags: fc.integer({ min: 0, max: 0x1ff }),
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xfffff000, max: 0xffffffff }), fc.integer({ min: 0, max: 4096 })),
      ack: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xfffff000, max: 0xffffffff }), fc.integer({ min: 0, max: 4096 })),
      win: fc.integer({ min: 0, max: 0xffff }),
      len: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 65535 })),
      ws: fc.integer({ min: -1, max: 20 }),
      sec: fc.integer({ min: 0, max: 10 }),
      nsec: fc.integer({ min: 0, max: 999999999 }),
    });
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 200 }), (segs) => {
        const a = new TcpSeqAnalysis();
        const p = new Packet();
        for (const s of segs) {
          p.flags = s.flags;
          p.seq = s.seq;
          p.ack = s.ack;
          p.window = s.win;
          p.payloadLen = s.len;
          p.optWscale = s.ws;
          const n = a.onSegment(p, s.d, 1700000000 + s.sec, s.nsec);
          if (!Number.isInteger(n) || n < 0 || n >= 1 << 19) return false;
          if (a.inFlight(s.d) < -1) return false;
          a.inWindow(s.d, s.seq);
          a.relSeq(s.d, s.seq);
        }
        const r = a.result(1700000005, 0);
        for (const side of [r.client, r.server]) {
          for (const v of Object.values(side)) if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('bytes in flight against a naive model of the Wireshark unacked list', () => {
  it('random in-order sends, retransmissions and ACKs, across the 2^32 wrap', () => {
    // Reference: the list algorithm of packet-tcp.c as peers.md §2.1 / docs/analysis.md describe it,
    // written the plain way (array of {seq, next}, full scan on every ACK).
    const op = fc.record({ kind: fc.constantFrom('new', 'again', 'ack'), n: fc.integer({ min: 1, max: 1500 }), back: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(op, { maxLength: 120 }), (isn, ops) => {
        const a = new TcpSeqAnalysis();
        const p = new Packet();
        const seg = (d: 0 | 1, flags: number, seq: number, ack: number, len: number): void => {
          p.flags = flags;
          p.seq = seq >>> 0;
          p.ack = ack >>> 0;
          p.window = 65535;
          p.payloadLen = len;
          p.optWscale = -1;
          a.onSegment(p, d, 1700000000, 0); // one timestamp: never fast/ooo-relevant for bif
        };
        const base = isn >>> 0;
        seg(0, TcpFlag.SYN, base, 0, 0);
        seg(1, TcpFlag.SYN | TcpFlag.ACK, 7, base + 1, 0);
        seg(0, TcpFlag.ACK, base + 1, 8, 0);
        const model: Array<{ s: number; e: number }> = [];
        const sent: Array<{ s: number; e: number }> = [];
        let next = 1; // relative
        let acked = 1;
        for (const o of ops) {
          if (o.kind === 'ack') {
            const to = acked + Math.floor(((next - acked) * o.n) / 1500);
            acked = Math.max(acked, to);
            seg(1, TcpFlag.ACK, 8, base + acked, 0);
            for (let i = model.length - 1; i >= 0; i--) {
              if (model[i].e <= acked) model.splice(i, 1);
              else if (acked > model[i].s) model[i].s = acked;
            }
            continue;
          }
          let s: number;
          let len: number;
          if (o.kind === 'again' && sent.length > 0) {
            const x = sent[Math.max(0, sent.length - 1 - o.back)];
            s = x.s;
            len = x.e - x.s;
          } else {
            s = next;
            len = o.n;
            next += len;
            sent.push({ s, e: s + len });
          }
          seg(0, TcpFlag.ACK | TcpFlag.PSH, base + s, 8, len);
          model.push({ s, e: s + len });
          const want = model.length === 0 ? 0 : Math.max(...model.map((m) => m.e)) - Math.min(...model.map((m) => m.s));
          if (a.inFlight(0) !== want) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
