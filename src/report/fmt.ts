/**
 * Small pure formatters shared by every text report (and the HTML report): durations, sizes,
 * endpoints, TCP flags, link-type names.
 */
import { tcpFlagNames } from '../decode/packet.js';
import type { Endpoint } from '../flow/types.js';

/**
 * A duration for people: `0s`, `850ms`, `12.3s`, `4m12s`, `2h05m`, `3d04h`.
 * Sub-second values keep milliseconds; below 60 s one decimal; above, whole units.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  const neg = seconds < 0;
  let s = Math.abs(seconds);
  let out: string;
  if (s === 0) out = '0s';
  else if (s < 1) {
    const ms = s * 1000;
    out = ms < 1 ? `${Math.round(ms * 1000)}µs` : ms < 10 ? `${trimZero(ms.toFixed(1))}ms` : `${Math.round(ms)}ms`;
    if (out === '1000ms') out = '1s';
  } else if (s < 60) {
    out = s < 10 ? `${trimZero(s.toFixed(2))}s` : `${trimZero(s.toFixed(1))}s`;
    if (out === '60s') out = '1m00s';
  } else {
    s = Math.round(s);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d > 0) out = `${d}d${pad2(h)}h`;
    else if (h > 0) out = `${h}h${pad2(m)}m`;
    else out = `${m}m${pad2(sec)}s`;
  }
  return neg ? '-' + out : out;
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Bytes in binary units: `0 B`, `999 B`, `1.5 KiB`, `12 MiB`, `3.2 GiB`. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${v} B`;
  return `${v < 10 ? trimZero(v.toFixed(1)) : Math.round(v)} ${units[i]}`;
}

/** Counts with thousands separators: 1234567 → 1,234,567. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds with sensible precision (`0.123`, `12.3`, `250`), `-` for null. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1) return trimZero(ms.toFixed(3));
  if (ms < 100) return trimZero(ms.toFixed(1));
  return String(Math.round(ms));
}

/** `ip:port`, IPv6 in brackets (`[2001:db8::1]:443`, RFC 3986 authority form); ICMP (port 0): just the address. */
export function formatEndpoint(e: Endpoint, withPort = true): string {
  const ip = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return withPort ? `${ip}:${e.port}` : e.ip;
}

/** Parse `ip:port` or `[ipv6]:port`; null when it is not of that form. */
export function parseEndpoint(s: string): Endpoint | null {
  let m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(s);
  if (!m) m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { ip: m[1].toLowerCase(), port };
}

/** TCP flags as Wireshark names them, e.g. `SYN,ACK`; `-` for none. */
export function formatFlags(flags: number): string {
  return tcpFlagNames(flags, '-');
}

/** Common LINKTYPE_* names (tcpdump.org/linktypes.html), for the summary. */
const LINK_TYPES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'ETHERNET',
  9: 'PPP',
  12: 'RAW',
  14: 'RAW',
  50: 'PPP_HDLC',
  51: 'PPP_ETHER',
  101: 'RAW',
  104: 'C_HDLC',
  105: 'IEEE802_11',
  108: 'LOOP',
  113: 'LINUX_SLL',
  127: 'IEEE802_11_RADIOTAP',
  228: 'IPV4',
  229: 'IPV6',
  276: 'LINUX_SLL2',
};

export function linkTypeName(t: number): string {
  const n = LINK_TYPES[t];
  return n ? `${n} (${t})` : `LINKTYPE ${t}`;
}

/** Pad or cut a string to exactly `width` characters (code points). */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const len = [...s].length;
  if (len > width) return [...s].slice(0, Math.max(0, width - 1)).join('') + (width > 0 ? '…' : '');
  const padding = ' '.repeat(width - len);
  return align === 'left' ? s + padding : padding + s;
}
