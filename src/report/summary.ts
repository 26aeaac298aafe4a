/**
 * `synfin summary`: the capture file(s), the counts per layer of the TCP/IP model, handshakes,
 * teardown kinds, top talkers and the top stuck groups. SummaryBuilder is fed records one at a time
 * (streaming, as analyze's onRecord gives them); summaryData() is also what the HTML report can use.
 */
import type { AnalysisResult } from '../pipeline.js';
import type { FlowRecord, Teardown } from '../flow/types.js';
import { isoTime } from '../capture/time.js';
import { formatBytes, formatCount, formatDuration, linkTypeName } from './fmt.js';
import { StuckCollector, stuckJson, stuckLine, type StuckGroup } from './stuck.js';
import { renderTable, PLAIN, type Colors } from './table.js';

/** Teardown kinds in display order (also the HTML report's index order). */
export const TEARDOWNS: readonly Teardown[] = ['graceful', 'simultaneous', 'reset-client', 'reset-server', 'rejected', 'unanswered', 'incomplete', 'none'];

export interface Talker {
  ip: string;
  packets: number;
  /** IP bytes sent and received. */
  bytesSent: number;
  bytesReceived: number;
  connections: number;
}

export interface SummaryFile {
  file: string;
  format: string | null;
  gzip: boolean;
  version: string;
  linkTypes: string[];
  interfaces: number;
  packets: number;
  /** Packets the capturing interfaces dropped (pcapng isb_ifdrop), null when the file does not say. */
  dropped: number | null;
  error: string | null;
  warnings: string[];
}

export interface SummaryData {
  /** Total packets (frames) read, all files. */
  packets: number;
  files: SummaryFile[];
  start: string | null;
  end: string | null;
  durationSeconds: number;
  dropped: number | null;
  layers: {
    link: { frames: number; ethernet: number; vlanTagged: number; arp: number; other: number; unsupported: number; types: Record<string, number> };
    internet: { ipv4: number; ipv6: number; fragments: number; tunnelled: number; icmp: number; icmp6: number };
    transport: { tcp: number; udp: number; other: number };
    application: Record<string, number>;
    malformed: { link: number; network: number; transport: number };
    truncated: number;
  };
  connections: { total: number; tcp: number; udp: number; icmp: number; icmp6: number };
  handshakes: { complete: number; incomplete: number };
  teardown: Record<Teardown, number>;
  topTalkers: Talker[];
  stuck: object[];
  evicted: number;
  interrupted: boolean;
}

export class SummaryBuilder {
  readonly stuck: StuckCollector;
  private talkers = new Map<string, Talker>();
  private conn = { total: 0, tcp: 0, udp: 0, icmp: 0, icmp6: 0 };
  private hs = { complete: 0, incomplete: 0 };
  private td = Object.fromEntries(TEARDOWNS.map((t) => [t, 0])) as Record<Teardown, number>;

  constructor(stuckAfter = 10, timeWait = 60) {
    this.stuck = new StuckCollector(stuckAfter, timeWait);
  }

  private talker(ip: string): Talker {
    let t = this.talkers.get(ip);
    if (!t) this.talkers.set(ip, (t = { ip, packets: 0, bytesSent: 0, bytesReceived: 0, connections: 0 }));
    return t;
  }

  add(r: FlowRecord): void {
    this.conn.total++;
    this.conn[r.proto]++;
    if (r.proto === 'tcp') {
      if (r.handshake?.complete) this.hs.complete++;
      else this.hs.incomplete++;
      this.td[r.teardown]++; // every kind starts at 0 (TEARDOWNS)
    }
    const c = this.talker(r.client.ip);
    const s = this.talker(r.server.ip);
    c.connections++;
    if (s !== c) s.connections++;
    c.packets += r.packets.client;
    s.packets += r.packets.server;
    c.bytesSent += r.ipBytes.client;
    s.bytesReceived += r.ipBytes.client;
    s.bytesSent += r.ipBytes.server;
    c.bytesReceived += r.ipBytes.server;
    this.stuck.add(r);
  }

  /** The summary, given analyze()'s result. `top` = number of talkers and stuck groups listed. */
  data(res: Pick<AnalysisResult, 'captures' | 'layers' | 'firstSec' | 'firstNsec' | 'lastSec' | 'lastNsec' | 'evicted' | 'interrupted'>, top = 10): SummaryData {
    const L = res.layers;
    let dropped: number | null = null;
    const files: SummaryFile[] = res.captures.map((ci) => {
      let fd: number | null = null;
      for (const i of ci.interfaces) if (i.dropped !== undefined) fd = (fd ?? 0) + i.dropped;
      if (fd !== null) dropped = (dropped ?? 0) + fd;
      return {
        file: ci.file,
        format: ci.format,
        gzip: ci.gzip,
        version: ci.version,
        linkTypes: [...new Set(ci.interfaces.map((i) => linkTypeName(i.linkType)))],
        interfaces: ci.interfaces.length,
        packets: ci.packets,
        dropped: fd,
        error: ci.error ? ci.error.message : null,
        warnings: ci.warnings.map((w) => `${w.file}: byte ${w.offset}: ${w.message}`),
      };
    });
    const types: Record<string, number> = {};
    for (const [k, v] of Object.entries(L.linkTypes)) types[linkTypeName(Number(k))] = v;
    let unsupported = 0;
    for (const v of Object.values(L.unsupportedLinkTypes)) unsupported += v;
    const application: Record<string, number> = { dns: 0, dhcp: 0, ...L.applications };
    const start = res.firstSec !== null ? isoTime(res.firstSec, res.firstNsec ?? 0) : null;
    const end = res.lastSec !== null ? isoTime(res.lastSec, res.lastNsec ?? 0) : null;
    const durationSeconds =
      res.firstSec !== null && res.lastSec !== null ? res.lastSec - res.firstSec + ((res.lastNsec ?? 0) - (res.firstNsec ?? 0)) / 1e9 : 0;
    const talkers = [...this.talkers.values()]
      .sort((a, b) => b.bytesSent + b.bytesReceived - (a.bytesSent + a.bytesReceived) || b.packets - a.packets || (a.ip < b.ip ? -1 : 1))
      .slice(0, top);
    return {
      packets: files.reduce((a, f) => a + f.packets, 0),
      files,
      start,
      end,
      durationSeconds,
      dropped,
      layers: {
        link: { frames: L.frames, ethernet: L.ethernet, vlanTagged: L.vlanTagged, arp: L.arp, other: L.otherLink, unsupported, types },
        internet: { ipv4: L.ipv4, ipv6: L.ipv6, fragments: L.fragments, tunnelled: L.tunnelled, icmp: L.icmp, icmp6: L.icmp6 },
        transport: { tcp: L.tcp, udp: L.udp, other: L.otherIp },
        application,
        malformed: { ...L.malformed },
        truncated: L.truncated,
      },
      connections: { ...this.conn },
      handshakes: { ...this.hs },
      teardown: { ...this.td },
      topTalkers: talkers,
      stuck: stuckJson(this.stuck.groups(top)),
      evicted: res.evicted,
      interrupted: res.interrupted,
    };
  }

  /** Top stuck groups for text (client-side groups merged per host). */
  topStuck(top = 10): StuckGroup[] {
    return this.stuck.topAggregated(top);
  }
}

function kv(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

const n = formatCount;

export function summaryText(d: SummaryData, stuckTop: StuckGroup[], c: Colors = PLAIN): string {
  let out = '';
  out += c.bold('Capture') + '\n';
  const rows: [string, string][] = [];
  for (const f of d.files) {
    const fmt = f.format ? `${f.format}${f.version ? ' ' + f.version : ''}${f.gzip ? ' (gzip)' : ''}` : 'unknown';
    rows.push(
      ['file', f.file],
      ['format', fmt],
      ['link types', f.linkTypes.join(', ') || '-'],
      ['interfaces', String(f.interfaces)],
      ['packets', n(f.packets)],
    );
    if (f.dropped !== null) rows.push(['dropped', `${n(f.dropped)} (interface statistics)`]);
    if (f.error) rows.push(['error', f.error]);
    for (const w of f.warnings) rows.push(['warning', w]);
  }
  const span: [string, string][] = [
    ['packets', n(d.packets)],
    ['first packet', d.start ?? '-'],
    ['last packet', d.end ?? '-'],
    ['time span', formatDuration(d.durationSeconds)],
  ];
  out += kv([...rows, ...(d.files.length > 1 ? span : span.slice(1))]);
  if (d.interrupted) out += c.yellow('  interrupted: the counts cover what was read before Ctrl-C') + '\n';

  const L = d.layers;
  out += '\n' + c.bold('Layers (TCP/IP model, frames)') + '\n';
  const lt = Object.entries(L.link.types).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  const app = Object.entries(L.application)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  out += kv([
    ['link', `${n(L.link.frames)} frames: ${lt || '-'}; Ethernet ${n(L.link.ethernet)} (VLAN-tagged ${n(L.link.vlanTagged)}), ARP ${n(L.link.arp)}, other ${n(L.link.other)}, unsupported link type ${n(L.link.unsupported)}`],
    ['internet', `IPv4 ${n(L.internet.ipv4)}, IPv6 ${n(L.internet.ipv6)}, ICMP ${n(L.internet.icmp)}, ICMPv6 ${n(L.internet.icmp6)}, fragments ${n(L.internet.fragments)}, tunnelled ${n(L.internet.tunnelled)}`],
    ['transport', `TCP ${n(L.transport.tcp)}, UDP ${n(L.transport.udp)}, other ${n(L.transport.other)}`],
    ['application', `${app || '-'} (guessed from ports)`],
    ['malformed', `link ${n(L.malformed.link)}, network ${n(L.malformed.network)}, transport ${n(L.malformed.transport)}; truncated by snaplen ${n(L.truncated)}`],
  ]);

  out += '\n' + c.bold('Connections') + '\n';
  const td = Object.entries(d.teardown)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  out += kv([
    ['total', `${n(d.connections.total)} (TCP ${n(d.connections.tcp)}, UDP ${n(d.connections.udp)}, ICMP ${n(d.connections.icmp)}, ICMPv6 ${n(d.connections.icmp6)})`],
    ['handshakes', `${n(d.handshakes.complete)} complete, ${n(d.handshakes.incomplete)} incomplete`],
    ['teardown', td || '-'],
  ]);
  if (d.evicted) out += c.yellow(`  ${n(d.evicted)} connections evicted by the connection limit`) + '\n';

  if (d.topTalkers.length) {
    out += '\n' + c.bold('Top talkers (IP bytes)') + '\n';
    out += renderTable(
      ['HOST', 'SENT', 'RECEIVED', 'PACKETS', 'CONNECTIONS'],
      d.topTalkers.map((t) => [t.ip, formatBytes(t.bytesSent), formatBytes(t.bytesReceived), n(t.packets), n(t.connections)]),
      ['left', 'right', 'right', 'right', 'right'],
      c,
    ).replace(/^(?=.)/gm, '  ');
  }
  out += '\n' + c.bold('Stuck') + '\n';
  if (stuckTop.length === 0) out += '  nothing stuck\n';
  for (const g of stuckTop) out += '  ' + stuckLine(g) + '\n';
  return out;
}
