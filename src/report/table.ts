/**
 * Text tables (cli-table3, borderless, two spaces between columns) and the flow table, which drops
 * its least important columns until it fits the terminal width.
 */
import Table from 'cli-table3';
import type { FlowRecord, TcpState } from '../flow/types.js';
import { formatBytes, formatDuration, formatEndpoint, formatMs } from './fmt.js';

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

export type Align = 'left' | 'right';

export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const COLOR: Colors = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), green: ansi(32, 39) };
const id = (s: string) => s;
export const PLAIN: Colors = { bold: id, dim: id, red: id, yellow: id, green: id };

/**
 * Tables of up to this many rows are rendered by cli-table3; larger ones by padTable(), the same
 * text (test/report/table-pad.test.ts holds the two equal). cli-table3 costs ~30 µs per cell
 * (it builds a regular expression per measurement, ansi-regex) and its layout (layout-manager.js,
 * written for row and column spans) is quadratic in the rows: 2 000 rows took 1.7 s, 8 000 rows
 * 22 s, the 60 000 of the benchmark capture ~20 minutes; padTable renders those in a fraction of a second.
 */
export const CLI_TABLE_MAX_ROWS = 256;

/** Visible width of a cell: code points once ANSI colour codes are removed (cells are ASCII or Latin). */
// eslint-disable-next-line no-control-regex
const visibleLength = (s: string) => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;

/** Render rows as a borderless table; lines have no trailing spaces. */
export function renderTable(head: string[], rows: string[][], aligns: Align[], c: Colors = PLAIN): string {
  return rows.length > CLI_TABLE_MAX_ROWS ? padTable(head, rows, aligns, c) : cliTable(head, rows, aligns, c);
}

/** The borderless table by cli-table3 (any size; the reference padTable is tested against). */
export function cliTable(head: string[], rows: string[][], aligns: Align[], c: Colors = PLAIN): string {
  const t = new Table({
    head: head.map((h) => c.bold(h)),
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: aligns,
  });
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.replace(/\s+$/, '')).join('\n') + '\n';
}

/**
 * cli-table3's borderless layout without cli-table3, in time linear in the cells: each column as
 * wide as its widest cell (head included), cells padded on the side their alignment leaves free,
 * two spaces between columns, trailing spaces removed.
 */
export function padTable(head: string[], rows: string[][], aligns: Align[], c: Colors = PLAIN): string {
  const heads = head.map((h) => c.bold(h));
  const widths = heads.map(visibleLength);
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) {
      const w = visibleLength(r[i]);
      if (w > widths[i]) widths[i] = w;
    }
  }
  const line = (cells: string[]): string => {
    let l = '';
    for (let i = 0; i < widths.length; i++) {
      const s = cells[i] ?? '';
      const n = widths[i] - visibleLength(s);
      if (i > 0) l += '  ';
      l += aligns[i] === 'right' ? ' '.repeat(n) + s : s + ' '.repeat(n);
    }
    return l.replace(/\s+$/, '') + '\n';
  };
  let out = heads.length ? line(heads) : '';
  for (const r of rows) out += line(r);
  return out === '' ? '\n' : out;
}

interface Column {
  head: string;
  align: Align;
  /** Higher survives longer when the terminal is narrow. */
  priority: number;
  cell: (r: FlowRecord, c: Colors) => string;
}

const STUCKISH = new Set<TcpState>(['CLOSE_WAIT', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK', 'CLOSING', 'SYN_SENT', 'SYN_RECEIVED']);

function stateCell(s: TcpState | null, c: Colors): string {
  if (s === null) return '-';
  if (STUCKISH.has(s)) return c.yellow(s);
  if (s === 'TIME_WAIT') return c.dim(s);
  return s;
}

const pair = (a: number, b: number) => `${a}/${b}`;

const COLUMNS: Column[] = [
  { head: 'ID', align: 'right', priority: 100, cell: (r) => String(r.id) },
  { head: 'PROTO', align: 'left', priority: 60, cell: (r) => r.proto },
  { head: 'CLIENT', align: 'left', priority: 99, cell: (r) => formatEndpoint(r.client, r.proto === 'tcp' || r.proto === 'udp') + (r.directionInferred ? '?' : '') },
  { head: 'SERVER', align: 'left', priority: 98, cell: (r) => formatEndpoint(r.server, r.proto === 'tcp' || r.proto === 'udp') },
  { head: 'C-STATE', align: 'left', priority: 90, cell: (r, c) => stateCell(r.state.client, c) },
  { head: 'S-STATE', align: 'left', priority: 89, cell: (r, c) => stateCell(r.state.server, c) },
  { head: 'TEARDOWN', align: 'left', priority: 80, cell: (r, c) => (r.proto !== 'tcp' ? '-' : r.teardown.startsWith('reset') || r.teardown === 'rejected' ? c.red(r.teardown) : r.teardown) },
  { head: 'CONN', align: 'left', priority: 50, cell: (r) => r.zeek.conn_state },
  { head: 'HISTORY', align: 'left', priority: 30, cell: (r) => r.zeek.history || '-' },
  { head: 'RTT ms', align: 'right', priority: 40, cell: (r) => formatMs(r.handshake?.rttMs) },
  { head: 'DURATION', align: 'right', priority: 70, cell: (r) => formatDuration(r.duration) },
  { head: 'PKTS c/s', align: 'right', priority: 65, cell: (r) => pair(r.packets.client, r.packets.server) },
  { head: 'BYTES c/s', align: 'right', priority: 55, cell: (r) => `${formatBytes(r.bytes.client)}/${formatBytes(r.bytes.server)}` },
  { head: 'RETX c/s', align: 'right', priority: 45, cell: (r) => pair(r.retransmissions.client, r.retransmissions.server) },
  {
    head: 'ZWIN c/s',
    align: 'right',
    priority: 20,
    cell: (r) => (r.analysis ? `${formatDuration(r.analysis.client.zeroWindowSeconds)}/${formatDuration(r.analysis.server.zeroWindowSeconds)}` : '-'),
  },
];

/** One connection's cells of the flow table, every column (what `flows --format table` keeps per connection). */
export function flowTableRow(r: FlowRecord, c: Colors = PLAIN): string[] {
  return COLUMNS.map((col) => col.cell(r, c));
}

/**
 * The flow table. `width` is the terminal's width (columns are dropped, least important first,
 * until the table fits; a last line names the hidden ones); 0 = no limit.
 */
export function flowTable(records: FlowRecord[], width: number, c: Colors = PLAIN): string {
  return flowTableOfRows(records.map((r) => flowTableRow(r, c)), width, c);
}

/** The flow table from rows of flowTableRow (colours in the cells do not count towards widths). */
export function flowTableOfRows(cells: string[][], width: number, c: Colors = PLAIN): string {
  if (cells.length === 0) return 'no connections\n';
  // A loop, not Math.max(...cells): a spread of a million arguments overflows the stack.
  const widths = COLUMNS.map((col, i) => cells.reduce((m, row) => Math.max(m, visibleLength(row[i])), visibleLength(col.head)));
  let keep = COLUMNS.map((_, i) => i);
  const total = (ks: number[]) => ks.reduce((a, i) => a + widths[i], 0) + 2 * (ks.length - 1);
  if (width > 0 && total(keep) > width) {
    // Most important first; a column goes in if it still fits (so a narrow one may fill the gap a
    // wide one left). The four most important always stay.
    const byPriority = [...keep].sort((a, b) => COLUMNS[b].priority - COLUMNS[a].priority);
    const chosen: number[] = [];
    for (const i of byPriority) {
      if (chosen.length < 4 || total([...chosen, i]) <= width) chosen.push(i);
    }
    keep = chosen.sort((a, b) => a - b);
  }
  const rows = keep.length === COLUMNS.length ? cells : cells.map((row) => keep.map((i) => row[i]));
  let out = renderTable(keep.map((i) => COLUMNS[i].head), rows, keep.map((i) => COLUMNS[i].align), c);
  const hidden = COLUMNS.filter((_, i) => !keep.includes(i)).map((col) => col.head);
  if (hidden.length) out += c.dim(`(hidden to fit ${width} columns: ${hidden.join(', ')})`) + '\n';
  return out;
}
