/**
 * Zeek conn.log in Zeek's ASCII (TSV) log format, as `zeek -r capture` writes it with the default
 * scripts (fields of base/protocols/conn/main.zeek's Conn::Info; header lines of Zeek's ASCII
 * writer, see /work/shared/reference/zeek-conn.md and peers.md §3):
 *
 *   #separator \x09            #set_separator ,     #empty_field (empty)   #unset_field -
 *   #path conn                 #open YYYY-MM-DD-HH-MM-SS (local time, like Zeek)
 *   #fields ... / #types ...   rows ...             #close YYYY-MM-DD-HH-MM-SS
 *
 * Unset fields are `-`: duration/orig_bytes/resp_bytes when Zeek leaves them unset (duration 0),
 * service unless synfin guessed one and both sides sent payload (Zeek only names a service its
 * protocol analyzer confirmed on payload), history when empty, local_orig/local_resp (Zeek leaves
 * them unset when Site::local_nets is empty, its default) and tunnel_parents (no tunnel).
 * orig/resp follow record.zeek.origIsClient (Zeek may have flipped the roles).
 */
import { createHash } from 'node:crypto';
import type { FlowRecord } from '../flow/types.js';

export const ZEEK_FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration',
  'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history',
  'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents',
] as const;

export const ZEEK_TYPES = [
  'time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval',
  'count', 'count', 'string', 'bool', 'bool', 'count', 'string',
  'count', 'count', 'count', 'count', 'set[string]',
] as const;

const UNSET = '-';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Zeek's header time format (Ascii::Timestamp: strftime "%Y-%m-%d-%H-%M-%S", local time). */
export function zeekOpenTime(d: Date): string {
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}-` +
    `${pad(d.getHours(), 2)}-${pad(d.getMinutes(), 2)}-${pad(d.getSeconds(), 2)}`
  );
}

/** Zeek `time`: seconds since the epoch with 6 decimals (%.6f), rounded to the microsecond, exact. */
export function zeekTime(sec: number, nsec: number): string {
  let us = Math.round(nsec / 1000);
  let s = sec;
  if (us >= 1_000_000) {
    us -= 1_000_000;
    s += 1;
  }
  if (s < 0 && us > 0) {
    // negative epoch times: (s + us/1e6) with s < 0
    const total = -(s * 1_000_000 + us);
    return '-' + Math.floor(total / 1_000_000) + '.' + pad(total % 1_000_000, 6);
  }
  return s + '.' + pad(us, 6);
}

/** Zeek `interval`: seconds with 6 decimals. */
export function zeekInterval(seconds: number): string {
  return seconds.toFixed(6);
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A Zeek-style connection uid: 'C' + base62 of 96 bits. Zeek draws them at random; synfin derives
 * them from a SHA-1 of the flow's identity (proto, endpoints, first timestamp, id) so that the same
 * capture always gives the same uids.
 */
export function zeekUid(r: FlowRecord): string {
  const h = createHash('sha1')
    .update(`${r.proto}|${r.client.ip}|${r.client.port}|${r.server.ip}|${r.server.port}|${r.startSec}|${r.startNsec}|${r.id}`)
    .digest();
  let n = 0n;
  for (let i = 0; i < 12; i++) n = (n << 8n) | BigInt(h[i]);
  let s = '';
  while (n > 0n) {
    s = B62[Number(n % 62n)] + s;
    n /= 62n;
  }
  return 'C' + (s || '0');
}

/** Zeek's ASCII escaping: the separator and non-printable bytes as \xNN; a value equal to `-` or `(empty)` escaped too. */
export function zeekString(s: string | null | undefined): string {
  if (s === null || s === undefined) return UNSET;
  if (s === '') return '(empty)';
  if (s === UNSET) return '\\x2d';
  if (s === '(empty)') return '\\x28empty)';
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

export function zeekHeader(open: Date): string {
  return (
    '#separator \\x09\n' +
    '#set_separator\t,\n' +
    '#empty_field\t(empty)\n' +
    '#unset_field\t-\n' +
    '#path\tconn\n' +
    `#open\t${zeekOpenTime(open)}\n` +
    `#fields\t${ZEEK_FIELDS.join('\t')}\n` +
    `#types\t${ZEEK_TYPES.join('\t')}\n`
  );
}

export function zeekFooter(close: Date): string {
  return `#close\t${zeekOpenTime(close)}\n`;
}

/** One conn.log row (with its newline). */
export function zeekRow(r: FlowRecord): string {
  const z = r.zeek;
  const o = z.origIsClient ? 'client' : 'server';
  const p = z.origIsClient ? 'server' : 'client';
  const orig = r[o];
  const resp = r[p];
  // Zeek sets duration, orig_bytes and resp_bytes only when the duration is > 0. The tracker's
  // ZeekConn gives Zeek's own duration (null = unset); without it, synfin's duration stands in.
  const duration = z.duration === undefined ? (r.duration > 0 ? r.duration : null) : z.duration;
  const unsetSpan = duration === null || duration <= 0;
  const payloadBoth = r.bytes.client > 0 && r.bytes.server > 0;
  const cols = [
    zeekTime(r.startSec, r.startNsec),
    zeekUid(r),
    orig.ip,
    String(orig.port),
    resp.ip,
    String(resp.port),
    r.proto === 'icmp6' ? 'icmp' : r.proto,
    r.service && payloadBoth ? zeekString(r.service) : UNSET,
    unsetSpan ? UNSET : zeekInterval(duration!),
    unsetSpan || z.orig_bytes === null ? UNSET : String(z.orig_bytes),
    unsetSpan || z.resp_bytes === null ? UNSET : String(z.resp_bytes),
    z.conn_state,
    UNSET,
    UNSET,
    String(z.missed_bytes),
    z.history ? zeekString(z.history) : UNSET,
    // Zeek's ConnSize counters when the tracker gives them (bad-checksum packets excluded), else ours.
    String(z.orig_pkts ?? r.packets[o]),
    String(z.orig_ip_bytes ?? r.ipBytes[o]),
    String(z.resp_pkts ?? r.packets[p]),
    String(z.resp_ip_bytes ?? r.ipBytes[p]),
    UNSET,
  ];
  return cols.join('\t') + '\n';
}
