/**
 * Stuck connections: sides whose state at capture end is one a healthy connection passes through
 * quickly (CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING, SYN_SENT, SYN_RECEIVED, TIME_WAIT), held for
 * at least `stuckAfter` seconds. Grouped by the endpoint (ip:port) of the side in that state.
 * Pure: the CLI and the HTML report share it. Streaming: add() records one at a time; only
 * stuck ones are kept.
 */
import type { Endpoint, FlowRecord, Side, TcpState } from '../flow/types.js';
import { formatDuration, formatEndpoint } from './fmt.js';

export const STUCK_STATES: readonly TcpState[] = [
  'CLOSE_WAIT', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK', 'CLOSING', 'SYN_SENT', 'SYN_RECEIVED', 'TIME_WAIT',
];
const STUCK_SET = new Set<TcpState>(STUCK_STATES);

/** Linux's default net.ipv4.ip_local_port_range. */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;
export const EPHEMERAL_COUNT = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1; // 28232

export interface StuckGroup {
  endpoint: Endpoint;
  state: TcpState;
  count: number;
  oldestSeconds: number;
  /** Flow ids, ascending. */
  ids: number[];
  /** Which side of the connections holds the state. */
  side: Side;
  /** The peers these connections are with (distinct endpoints, at most 5 listed). */
  peers: Endpoint[];
  peerCount: number;
  /** Set on merged client-side groups (aggregateClientGroups): how many local ports they span. */
  localPorts?: number;
  meaning: string;
}

export interface TimeWaitHost {
  ip: string;
  count: number;
  oldestSeconds: number;
  /** Distinct local ports tied up, and how many of them are in Linux's ephemeral range. */
  ports: number;
  ephemeralPorts: number;
  ids: number[];
}

export interface PortReuse {
  id: number;
  client: Endpoint;
  server: Endpoint;
}

/** One plain sentence: what holding `state` means for the host `who` (n connections). */
export function stuckMeaning(state: TcpState, who: string, n: number, timeWait = 60): string {
  const peers = n === 1 ? 'the peer' : 'the peers';
  const have = n === 1 ? 'has' : 'have';
  switch (state) {
    case 'CLOSE_WAIT':
      return `${peers} closed, the application on ${who} has not called close()`;
    case 'FIN_WAIT_1':
      return `${who} closed (sent its FIN) but ${peers} never acknowledged it: ${n === 1 ? 'it is' : 'they are'} gone or unreachable, or the FIN or its ACK was lost`;
    case 'FIN_WAIT_2':
      return `${who} closed and ${peers} acknowledged its FIN, but ${peers} ${have} not closed: ${n === 1 ? "the peer's application has" : "the peers' applications have"} not called close() (Linux drops an orphaned FIN_WAIT_2 after net.ipv4.tcp_fin_timeout, 60 s)`;
    case 'LAST_ACK':
      return `${peers} closed, ${who} closed too and is waiting for the ACK of its FIN: ${peers} ${have} gone or the ACK was lost, and ${who} retransmits the FIN until it gives up`;
    case 'CLOSING':
      return `${who} and ${peers} closed at the same time (the FINs crossed) and ${who} is still waiting for the ACK of its own FIN`;
    case 'SYN_SENT':
      return `${who} sent SYN and got no answer: the server is down or a firewall drops the SYN, or the SYN or the SYN-ACK was lost`;
    case 'SYN_RECEIVED':
      return `${who} answered SYN with SYN-ACK but the handshake was never completed: ${peers} did not send the final ACK (spoofed SYNs of a SYN flood, or the ACK is dropped on the way)`;
    case 'TIME_WAIT':
      return `${who} closed first and keeps each 4-tuple for ${timeWait} s (--time-wait; Linux holds TIME_WAIT 60 s, RFC 793's 2×MSL is 240 s) so old duplicate segments expire before the 4-tuple is used again`;
    default:
      return `${who} is in ${state}`;
  }
}

/** A group while it is built: its first peer, and a Map of its peers only once it has a second. */
interface Acc {
  ip: string;
  port: number;
  state: TcpState;
  side: Side;
  count: number;
  oldest: number;
  ids: number[];
  peer0: Endpoint;
  peers: Map<string, Endpoint> | null;
}

export class StuckCollector {
  private reuse: PortReuse[] = [];
  // The stuck sides, one entry per side in the order add() saw them, as columns of numbers and the
  // records' address texts: ~100 bytes each. Groups (a Map entry, an object, a peer Map and an id
  // list each, ~700 bytes) are built only when asked for: `flows` asks only for the total, and a
  // SYN flood makes a group of every half-open client endpoint (a million in a million-SYN flood).
  private readonly sIds: number[] = [];
  /** Index in STUCK_STATES | side << 4 (1 = server). */
  private readonly sMeta: number[] = [];
  private readonly sAges: number[] = [];
  private readonly sIp: string[] = [];
  private readonly sPort: number[] = [];
  private readonly sPeerIp: string[] = [];
  private readonly sPeerPort: number[] = [];
  /** The groups of the sides so far (built by accs(), dropped by add()). */
  private built: Acc[] | null = null;

  constructor(
    readonly stuckAfter = 10,
    readonly timeWait = 60,
  ) {}

  /** Whether this side of the record counts as stuck. */
  isStuck(r: FlowRecord, side: Side): boolean {
    const s = r.state[side];
    const age = r.stateSeconds[side];
    return r.proto === 'tcp' && s !== null && STUCK_SET.has(s) && age !== null && age >= this.stuckAfter;
  }

  add(r: FlowRecord): void {
    if (r.portReuse) this.reuse.push({ id: r.id, client: r.client, server: r.server });
    if (r.proto !== 'tcp') return;
    for (const side of ['client', 'server'] as const) {
      if (!this.isStuck(r, side)) continue;
      const ep = r[side];
      const peer = side === 'client' ? r.server : r.client;
      this.sIds.push(r.id);
      this.sMeta.push(STUCK_STATES.indexOf(r.state[side]!) | (side === 'client' ? 0 : 16));
      this.sAges.push(r.stateSeconds[side]!);
      this.sIp.push(ep.ip);
      this.sPort.push(ep.port);
      this.sPeerIp.push(peer.ip);
      this.sPeerPort.push(peer.port);
      this.built = null;
    }
  }

  /** The groups, most connections first (then oldest first, state, endpoint): the order of groups(). */
  private accs(): Acc[] {
    if (this.built !== null) return this.built;
    const map = new Map<string, Acc>();
    for (let i = 0; i < this.sIds.length; i++) {
      const state = STUCK_STATES[this.sMeta[i] & 15];
      const side: Side = this.sMeta[i] & 16 ? 'server' : 'client';
      const age = this.sAges[i];
      const ip = this.sIp[i];
      const port = this.sPort[i];
      const key = `${ip}|${port}|${state}`;
      const peerIp = this.sPeerIp[i];
      const peerPort = this.sPeerPort[i];
      let g = map.get(key);
      if (!g) {
        const peer0 = { ip: peerIp, port: peerPort };
        map.set(key, { ip, port, state, side, count: 1, oldest: age > 0 ? age : 0, ids: [this.sIds[i]], peer0, peers: null });
        continue;
      }
      g.count++;
      if (age > g.oldest) g.oldest = age;
      g.ids.push(this.sIds[i]);
      // Distinct peers in order of first appearance (at most 1000 kept).
      if (g.peers === null) {
        if (peerIp === g.peer0.ip && peerPort === g.peer0.port) continue;
        g.peers = new Map([[`${g.peer0.ip}|${g.peer0.port}`, g.peer0]]);
      }
      if (g.peers.size < 1000) g.peers.set(`${peerIp}|${peerPort}`, { ip: peerIp, port: peerPort });
    }
    const out = [...map.values()];
    out.sort(
      (a, b) =>
        b.count - a.count ||
        b.oldest - a.oldest ||
        STUCK_STATES.indexOf(a.state) - STUCK_STATES.indexOf(b.state) ||
        (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) ||
        a.port - b.port,
    );
    this.built = out;
    return out;
  }

  private group(g: Acc): StuckGroup {
    return {
      endpoint: { ip: g.ip, port: g.port },
      state: g.state,
      count: g.count,
      oldestSeconds: g.oldest,
      ids: [...g.ids].sort((a, b) => a - b),
      side: g.side,
      peers: g.peers === null ? [g.peer0] : [...g.peers.values()].slice(0, 5),
      peerCount: g.peers === null ? 1 : g.peers.size,
      meaning: stuckMeaning(g.state, g.ip, g.count, this.timeWait),
    };
  }

  /** Groups, most connections first (then oldest first); groups().slice(0, limit) when given. */
  groups(limit = Infinity): StuckGroup[] {
    return this.accs().slice(0, limit).map((g) => this.group(g));
  }

  /**
   * aggregateClientGroups(this.groups(), this.timeWait).slice(0, top), without making a StuckGroup
   * (its id list copy and its sentence) of every group: a SYN flood has a million.
   */
  topAggregated(top: number): StuckGroup[] {
    // Entries in order of first appearance, as aggregateClientGroups makes them: a server-side group,
    // or the client-side groups of one (host, state), merged.
    interface Entry {
      count: number;
      oldest: number;
      first: Acc;
      more: Acc[] | null;
    }
    const entries: Entry[] = [];
    const merged = new Map<string, Entry>();
    for (const g of this.accs()) {
      if (g.side !== 'client') {
        entries.push({ count: g.count, oldest: g.oldest, first: g, more: null });
        continue;
      }
      const key = `${g.ip}|${g.state}`;
      const m = merged.get(key);
      if (!m) {
        const e = { count: g.count, oldest: g.oldest, first: g, more: null };
        merged.set(key, e);
        entries.push(e);
        continue;
      }
      m.count += g.count;
      m.oldest = Math.max(m.oldest, g.oldest);
      (m.more ??= []).push(g);
    }
    entries.sort((a, b) => b.count - a.count || b.oldest - a.oldest);
    return entries.slice(0, top).map((e) => {
      const first = this.group(e.first);
      if (e.first.side !== 'client') return first;
      const members = [first];
      for (const g of e.more ?? []) members.push(this.group(g));
      return aggregateClientGroups(members, this.timeWait)[0];
    });
  }

  timeWaitHosts(): TimeWaitHost[] {
    const tw = new Map<string, { count: number; oldest: number; ports: Set<number>; ids: number[] }>();
    const twIndex = STUCK_STATES.indexOf('TIME_WAIT');
    for (let i = 0; i < this.sIds.length; i++) {
      if ((this.sMeta[i] & 15) !== twIndex) continue;
      const ip = this.sIp[i];
      const age = this.sAges[i];
      let h = tw.get(ip);
      if (!h) tw.set(ip, (h = { count: 0, oldest: 0, ports: new Set(), ids: [] }));
      h.count++;
      if (age > h.oldest) h.oldest = age;
      h.ports.add(this.sPort[i]);
      h.ids.push(this.sIds[i]);
    }
    const out: TimeWaitHost[] = [];
    for (const [ip, h] of tw) {
      let eph = 0;
      for (const p of h.ports) if (p >= EPHEMERAL_LOW && p <= EPHEMERAL_HIGH) eph++;
      out.push({ ip, count: h.count, oldestSeconds: h.oldest, ports: h.ports.size, ephemeralPorts: eph, ids: [...h.ids].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => b.count - a.count || (a.ip < b.ip ? -1 : 1));
  }

  portReuse(): PortReuse[] {
    return [...this.reuse].sort((a, b) => a.id - b.id);
  }

  /** Stuck sides so far (the sum of the groups' counts). */
  get total(): number {
    return this.sIds.length;
  }
}

/** What `--format json` prints: the groups as {endpoint, state, count, oldestSeconds, ids} (plus side, peers, meaning). */
export function stuckJson(groups: StuckGroup[]): object[] {
  return groups.map((g) => ({
    endpoint: g.endpoint,
    state: g.state,
    count: g.count,
    oldestSeconds: g.oldestSeconds,
    ids: g.ids,
    side: g.side,
    meaning: g.meaning,
  }));
}

/** One line per group, e.g. `10.0.0.5:8080 holds 312 connections in CLOSE_WAIT (oldest 4m12s): …`. */
export function stuckLine(g: StuckGroup): string {
  const conns = g.count === 1 ? '1 connection' : `${g.count} connections`;
  let with_ = '';
  if (g.side === 'client' && g.peerCount === 1) with_ = ` to ${formatEndpoint(g.peers[0])}`;
  else if (g.side === 'server' && g.peerCount === 1) with_ = ` with ${formatEndpoint(g.peers[0])}`;
  const who = g.localPorts && g.localPorts > 1 ? `${g.endpoint.ip} (on ${g.localPorts} local ports)` : formatEndpoint(g.endpoint);
  return `${who} holds ${conns} in ${g.state}${with_} (oldest ${formatDuration(g.oldestSeconds)}): ${g.meaning}`;
}

export function timeWaitLine(h: TimeWaitHost): string {
  const conns = h.count === 1 ? '1 connection' : `${h.count} connections`;
  const p = (100 * h.ephemeralPorts) / EPHEMERAL_COUNT;
  const pct = p === 0 ? '0' : p < 0.01 ? '<0.01' : p < 1 ? p.toFixed(2) : p < 10 ? p.toFixed(1) : p.toFixed(0);
  return (
    `${h.ip} holds ${conns} in TIME_WAIT (oldest ${formatDuration(h.oldestSeconds)}) on ${h.ports} local port${h.ports === 1 ? '' : 's'}, ` +
    `${h.ephemeralPorts} of the ${EPHEMERAL_COUNT} ephemeral ports ${EPHEMERAL_LOW}–${EPHEMERAL_HIGH} (${pct}%)`
  );
}

export interface StuckTextOptions {
  stuckAfter: number;
  /** At most this many group lines (0 = all). */
  limit?: number;
}

/**
 * For text: connections held on the client side sit on many ephemeral ports, one group each; merge
 * them per (host, state) so that 500 SYN_SENT from one host are one line, not 500.
 */
export function aggregateClientGroups(groups: StuckGroup[], timeWait = 60): StuckGroup[] {
  const merged = new Map<string, StuckGroup & { localPorts: number }>();
  const out: StuckGroup[] = [];
  for (const g of groups) {
    if (g.side !== 'client') {
      out.push(g);
      continue;
    }
    const key = `${g.endpoint.ip}|${g.state}`;
    const m = merged.get(key);
    if (!m) {
      const copy = { ...g, ids: [...g.ids], peers: [...g.peers], localPorts: 1 };
      merged.set(key, copy);
      out.push(copy);
      continue;
    }
    m.count += g.count;
    m.localPorts++;
    m.oldestSeconds = Math.max(m.oldestSeconds, g.oldestSeconds);
    for (const id of g.ids) m.ids.push(id); // not push(...ids): ~120k arguments overflow the stack
    for (const p of g.peers) if (!m.peers.some((q) => q.ip === p.ip && q.port === p.port)) m.peers.push(p);
    m.peerCount = m.peers.length;
    m.meaning = stuckMeaning(m.state, m.endpoint.ip, m.count, timeWait);
  }
  for (const m of merged.values()) m.ids.sort((a, b) => a - b);
  return out.sort((a, b) => b.count - a.count || b.oldestSeconds - a.oldestSeconds);
}

/** The text report of `synfin stuck`. */
export function stuckText(c: StuckCollector, o: StuckTextOptions): string {
  const groups = c.groups();
  const lines: string[] = [];
  const nonTw = aggregateClientGroups(groups.filter((g) => g.state !== 'TIME_WAIT'), c.timeWait);
  const shown = o.limit ? nonTw.slice(0, o.limit) : nonTw;
  for (const g of shown) lines.push(stuckLine(g));
  if (shown.length < nonTw.length) lines.push(`… and ${nonTw.length - shown.length} more groups (--limit 0 shows all)`);
  const tw = c.timeWaitHosts();
  if (tw.length) {
    if (lines.length) lines.push('');
    lines.push(`TIME_WAIT: ${stuckMeaning('TIME_WAIT', 'the host', 2, c.timeWait)}.`);
    for (const h of tw) lines.push('  ' + timeWaitLine(h));
  }
  const reuse = c.portReuse();
  if (reuse.length) {
    if (lines.length) lines.push('');
    lines.push(`${reuse.length} 4-tuple${reuse.length === 1 ? ' was' : 's were'} reused by a new SYN while still in TIME_WAIT:`);
    for (const u of reuse) lines.push(`  ${formatEndpoint(u.client)} → ${formatEndpoint(u.server)} (flow ${u.id})`);
  }
  if (lines.length === 0) lines.push(`nothing stuck: no connection has been in ${STUCK_STATES.join(', ')} for ${o.stuckAfter} s or more`);
  return lines.join('\n') + '\n';
}
