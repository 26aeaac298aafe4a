import { describe, expect, it } from 'vitest';
import { Note, type PacketEvent } from '../../src/flow/types.js';
import { arrowLabel, ladderLines, noteNames } from '../../src/report/ladder.js';
import { flowTable, renderTable } from '../../src/report/table.js';
import { rec } from './records.js';

// A three-way handshake worked by hand (RFC 9293 §3.5 figure 6): client SYN (rel seq 0), server
// SYN-ACK (seq 0, ack 1), client ACK (seq 1, ack 1). States after each packet per the RFC's diagram
// as seen from a capture point: SYN_SENT/-, SYN_SENT/SYN_RECEIVED, ESTABLISHED/ESTABLISHED.
function ev(frame: number, rel: number, from: 'client' | 'server', flags: number, seq: number, ack: number, len: number, win: number, st: [string | null, string | null], notes = 0): PacketEvent {
  return { flow: 1, frame, tsSec: 1700000000, tsNsec: 0, rel, from, flags, seq, ack, len, window: win, notes, inFlight: -1, state: { client: st[0], server: st[1] } as PacketEvent['state'] };
}
const hs = [
  ev(1, 0, 'client', 0x02, 0, 0, 0, 64240, ['SYN_SENT', null]),
  ev(2, 0.001, 'server', 0x12, 0, 1, 0, 65160, ['SYN_SENT', 'SYN_RECEIVED']),
  ev(3, 0.0015, 'client', 0x10, 1, 1, 0, 64256, ['ESTABLISHED', 'ESTABLISHED']),
  ev(4, 0.2, 'client', 0x18, 1, 1, 100, 64256, ['ESTABLISHED', 'ESTABLISHED'], Note.RETRANSMISSION | Note.DUP_ACK),
];

describe('ladder', () => {
  it('labels: flags, relative seq, ack only with ACK set, len, window', () => {
    expect(arrowLabel(hs[0], 'tcp')).toBe('SYN seq=0 len=0 win=64240');
    expect(arrowLabel(hs[1], 'tcp')).toBe('SYN,ACK seq=0 ack=1 len=0 win=65160');
    expect(arrowLabel(hs[3], 'tcp')).toBe('PSH,ACK seq=1 ack=1 len=100 win=64256');
    expect(arrowLabel({ ...hs[0], len: 33 }, 'udp')).toBe('len=33');
  });

  it('one arrow per packet, pointing the right way, with both states after it and the notes', () => {
    const lines = ladderLines(rec(), hs);
    expect(lines[0]).toContain('flow 1  tcp  client 10.0.0.1:40000  server 10.0.0.5:80');
    const rows = lines.slice(3);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^ +0\.000000 +1 +SYN_SENT +\|--SYN seq=0 len=0 win=64240-+>\| +-$/);
    expect(rows[1]).toMatch(/^ +0\.001000 +2 +SYN_SENT +\|<-+SYN,ACK seq=0 ack=1 len=0 win=65160--\| +SYN_RECEIVED$/);
    expect(rows[2]).toMatch(/ESTABLISHED +\|--ACK seq=1 ack=1 len=0 win=64256-+>\| +ESTABLISHED$/);
    expect(rows[3]).toMatch(/\[retransmission, dup ACK\]$/);
    // The two vertical lines of the ladder are at the same columns on every row.
    const bars = rows.map((r) => [r.indexOf('|'), r.lastIndexOf('|')]);
    for (const b of bars) expect(b).toEqual(bars[0]);
    // The endpoint names stand over the lines: client name starts at the left line.
    expect(lines[2].indexOf('10.0.0.1:40000')).toBe(bars[0][0]);
    expect(lines[2].indexOf('10.0.0.5:80') + '10.0.0.5:80'.length - 1).toBe(bars[0][1]);
  });

  it('note names in NOTE_NAMES order', () => {
    expect(noteNames(Note.ZERO_WINDOW | Note.PORT_REUSE)).toEqual(['port reuse', 'zero window']);
    expect(noteNames(0)).toEqual([]);
  });
});

describe('tables', () => {
  it('renderTable: header, aligned columns, no trailing spaces', () => {
    const t = renderTable(['A', 'NUM'], [['x', '1'], ['longer', '100']], ['left', 'right']);
    expect(t).toBe('A       NUM\nx         1\nlonger  100\n');
  });

  it('flowTable drops the least important columns to fit the width, and says which', () => {
    const rs = [rec(), rec({ id: 2, client: { ip: '2001:db8:1234:5678::1', port: 50000 } })];
    // 2000 B = 1.95 KiB → one decimal → 2.0 → "2 KiB".
    const wide = flowTable(rs, 0);
    expect(wide.split('\n')[0].split(/\s{2,}/)).toEqual(['ID', 'PROTO', 'CLIENT', 'SERVER', 'C-STATE', 'S-STATE', 'TEARDOWN', 'CONN', 'HISTORY', 'RTT ms', 'DURATION', 'PKTS c/s', 'BYTES c/s', 'RETX c/s', 'ZWIN c/s']);
    expect(wide.split('\n')[1]).toMatch(/^ 1  tcp +10\.0\.0\.1:40000 +10\.0\.0\.5:80 +TIME_WAIT +CLOSED +graceful +SF +ShADadFf +1\.5 +1\.5s +6\/4 +100 B\/2 KiB +0\/0 +0s\/0s$/);
    const narrow = flowTable(rs, 80);
    const lines = narrow.trimEnd().split('\n');
    for (const l of lines.slice(0, -1)) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toMatch(/^\(hidden to fit 80 columns: .*ZWIN c\/s\)$/);
    // The most important columns are kept, in their original order.
    expect(lines[0].split(/\s{2,}/).slice(0, 4)).toEqual(['ID', 'CLIENT', 'SERVER', 'C-STATE']);
    expect(lines[0]).toContain('CLIENT');
    expect(lines[0]).toContain('C-STATE');
  });
});
