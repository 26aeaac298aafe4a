/**
 * Differential test against tshark 4.0.17: every scenario in fixtures/analysis/scenarios.json was
 * written to a pcap by fixtures/analysis/gen.mjs and dissected ONCE by tshark (command in
 * fixtures/analysis/README.md); tshark's per-frame tcp.analysis.* fields are committed as
 * <name>.tshark.tsv. Expected values here all come from those files, never from our code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Packet, PacketKind, TcpFlag } from '../../src/decode/packet.js';
import { TcpSeqAnalysis } from '../../src/flow/tcp-analysis.js';
import { Note } from '../../src/flow/types.js';

const dir = join(import.meta.dirname, '../../fixtures/analysis');
const BASE_SEC = 1700000000; // same conversion as gen.mjs

export interface ScenarioPacket {
  t: number;
  d: 0 | 1;
  f: string;
  seq: number;
  ack: number;
  win: number;
  len?: number;
  ws?: number;
  mss?: number;
  sackOk?: boolean;
  sack?: Array<[number, number]>;
}
interface Scenario {
  name: string;
  description: string;
  packets: ScenarioPacket[];
  /** Frames where we deliberately differ from tshark (documented in docs/analysis.md). */
  differs?: Record<string, string>;
}

const FLAG: Record<string, number> = {
  F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK, U: TcpFlag.URG, E: TcpFlag.ECE, C: TcpFlag.CWR,
};

function fill(p: Packet, s: ScenarioPacket): void {
  p.kind = PacketKind.Tcp;
  p.seq = s.seq >>> 0;
  p.ack = s.ack >>> 0;
  let fl = 0;
  for (const ch of s.f) fl |= FLAG[ch];
  p.flags = fl;
  p.window = s.win;
  p.payloadLen = s.len ?? 0;
  p.optWscale = s.ws ?? -1;
  p.optMss = s.mss ?? -1;
  p.optSackPermitted = !!s.sackOk;
  p.optSackCount = s.sack?.length ?? 0;
  s.sack?.forEach(([le, re], i) => {
    p.optSack[2 * i] = le >>> 0;
    p.optSack[2 * i + 1] = re >>> 0;
  });
}

function time(tMs: number): [number, number] {
  const whole = Math.floor(tMs / 1000);
  return [BASE_SEC + whole, Math.round((tMs - whole * 1000) * 1e6)];
}

// Column order of gen.mjs FIELDS → Note bit (RETRANSMISSION is printed by tshark for fast and
// spurious retransmissions too, and we set it the same way).
const COLS: Array<[number, number]> = [
  [5, Note.RETRANSMISSION],
  [6, Note.FAST_RETRANSMISSION],
  [7, Note.SPURIOUS_RETRANSMISSION],
  [8, Note.OUT_OF_ORDER],
  [9, Note.LOST_SEGMENT],
  [10, Note.ACKED_UNSEEN],
  [11, Note.DUP_ACK],
  [13, Note.ZERO_WINDOW],
  [14, Note.ZERO_WINDOW_PROBE],
  [15, Note.ZERO_WINDOW_PROBE_ACK],
  [16, Note.WINDOW_FULL],
  [17, Note.WINDOW_UPDATE],
  [18, Note.KEEP_ALIVE],
  [19, Note.KEEP_ALIVE_ACK],
];
const COMPARED = COLS.reduce((m, [, b]) => m | b, 0);

const scenarios = JSON.parse(readFileSync(join(dir, 'scenarios.json'), 'utf8')) as Scenario[];

describe('tcp.analysis flags per frame, against tshark 4.0.17', () => {
  for (const sc of scenarios) {
    it(`${sc.name}: ${sc.description}`, () => {
      const rows = readFileSync(join(dir, `${sc.name}.tshark.tsv`), 'utf8').replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
      expect(rows.length).toBe(sc.packets.length);
      const a = new TcpSeqAnalysis();
      const p = new Packet();
      const got: string[] = [];
      const want: string[] = [];
      const departures: string[] = [];
      sc.packets.forEach((sp, i) => {
        fill(p, sp);
        const [s, ns] = time(sp.t);
        const notes = a.onSegment(p, sp.d, s, ns);
        const row = rows[i];
        let expected = 0;
        for (const [c, bit] of COLS) if (row[c] === '1') expected |= bit;
        const frame = i + 1;
        const dup = row[12] === '' ? '' : ` dup#${row[12]}`;
        // Relative seq/ack and the (scaled) window as tshark shows them.
        const seqAck = `seq=${a.relSeq(sp.d, sp.seq)} ack=${sp.f.includes('A') ? a.relAck(sp.d, sp.ack) : 0} win=${a.scaledWindow(sp.d, sp.win)}`;
        const wantSeqAck = `seq=${row[1]} ack=${row[2]} win=${row[4]}`;
        const bif = row[20] === '' ? '' : ` bif=${row[20]}`;
        const ourBif = (sp.len ?? 0) > 0 && a.inFlight(sp.d) > 0 ? ` bif=${a.inFlight(sp.d)}` : '';
        const note = sc.differs?.[String(frame)];
        if (note !== undefined) {
          // A documented difference must really be one (otherwise the entry is stale).
          departures.push(`#${frame} tshark ${expected.toString(2)} synfin ${(notes & COMPARED).toString(2)}`);
          expect(notes & COMPARED).not.toBe(expected);
          return;
        }
        want.push(`#${frame} ${expected.toString(2)}${dup} ${wantSeqAck}${bif}`);
        const ourDup = notes & Note.DUP_ACK ? ` dup#${a.dupAckCount(sp.d)}` : '';
        got.push(`#${frame} ${(notes & COMPARED).toString(2)}${ourDup} ${seqAck}${ourBif}`);
      });
      expect(got).toEqual(want);
      expect(departures.length).toBe(Object.keys(sc.differs ?? {}).length);
    });
  }
});
