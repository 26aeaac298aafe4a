/**
 * One connection as a ladder (sequence) diagram, the textbook handshake/teardown picture made from
 * real packets: a column per endpoint, one arrow per packet with the relative time, the frame number,
 * flags, relative seq/ack, payload length, scaled window, the analysis notes, and each side's state
 * after the packet.
 */
import { NOTE_NAMES, type FlowRecord, type PacketEvent, type TcpState } from '../flow/types.js';
import { fit, formatEndpoint, formatFlags } from './fmt.js';
import { PLAIN, type Colors } from './table.js';

const ACK = 0x10;

export function noteNames(notes: number): string[] {
  const out: string[] = [];
  if (!notes) return out;
  for (const [bit, name] of NOTE_NAMES) if (notes & bit) out.push(name);
  return out;
}

/** The label on an arrow: `SYN,ACK seq=0 ack=1 len=0 win=65160`. */
export function arrowLabel(e: PacketEvent, proto: string): string {
  if (proto !== 'tcp') return `len=${e.len}`;
  let s = `${formatFlags(e.flags)} seq=${e.seq}`;
  if (e.flags & ACK) s += ` ack=${e.ack}`;
  return s + ` len=${e.len} win=${e.window}`;
}

const STATE_W = 12; // 'SYN_RECEIVED'

function st(s: TcpState | null): string {
  return s ?? '-';
}

export interface LadderOptions {
  colors?: Colors;
}

/** Lines of the ladder (no trailing newline on each). */
export function ladderLines(rec: Pick<FlowRecord, 'id' | 'proto' | 'client' | 'server'> & Partial<FlowRecord>, events: PacketEvent[], o: LadderOptions = {}): string[] {
  const c = o.colors ?? PLAIN;
  const labels = events.map((e) => arrowLabel(e, rec.proto));
  const inner = Math.max(36, ...labels.map((l) => l.length + 8));
  const cName = formatEndpoint(rec.client, rec.proto === 'tcp' || rec.proto === 'udp');
  const sName = formatEndpoint(rec.server, rec.proto === 'tcp' || rec.proto === 'udp');
  const lines: string[] = [];
  let title = `flow ${rec.id}  ${rec.proto}  client ${cName}  server ${sName}`;
  const extra: string[] = [];
  if (rec.teardown) extra.push(`teardown ${rec.teardown}`);
  if (rec.zeek) extra.push(`zeek ${rec.zeek.conn_state}${rec.zeek.history ? ' ' + rec.zeek.history : ''}`);
  if (rec.handshake?.rttMs != null) extra.push(`RTT ${rec.handshake.rttMs.toFixed(3)} ms`);
  if (rec.directionInferred) extra.push('direction inferred');
  if (extra.length) title += `  (${extra.join(', ')})`;
  lines.push(c.bold(title));
  lines.push('');
  const timeW = 10;
  const frameW = Math.max(5, ...events.map((e) => String(e.frame).length));
  const pre = `${fit('time', timeW, 'right')}  ${fit('frame', frameW, 'right')}  ${fit('client', STATE_W)}  `;
  // Endpoint names over the two lines of the ladder.
  const names = cName;
  const gap = Math.max(1, inner + 1 - names.length - sName.length);
  lines.push(c.bold(`${pre}${names}${' '.repeat(gap)}${sName}  server`));
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const label = labels[i];
    const dashes = inner - label.length - 4; // room for '--' before and '->' / '<-' ends
    let arrow: string;
    if (e.from === 'client') arrow = '|--' + label + '-'.repeat(Math.max(1, dashes)) + '>|';
    else arrow = '|<' + '-'.repeat(Math.max(1, dashes)) + label + '--|';
    const notes = noteNames(e.notes);
    const time = fit(e.rel.toFixed(6), timeW, 'right');
    const frame = fit(String(e.frame), frameW, 'right');
    let line = `${time}  ${frame}  ${fit(st(e.state.client), STATE_W)}  ${arrow}  ${fit(st(e.state.server), STATE_W)}`;
    if (notes.length) line += '  ' + c.yellow(`[${notes.join(', ')}]`);
    lines.push(line.replace(/\s+$/, ''));
  }
  if (events.length === 0) lines.push('(no packets)');
  return lines;
}

export function ladderText(rec: Parameters<typeof ladderLines>[0], events: PacketEvent[], o: LadderOptions = {}): string {
  return ladderLines(rec, events, o).join('\n') + '\n';
}
