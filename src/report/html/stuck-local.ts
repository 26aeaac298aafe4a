/**
 * Stuck connections for the HTML report, grouped as `synfin stuck` groups them (issue 4):
 * connections a side of which has been in CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING, SYN_SENT,
 * SYN_RECEIVED or TIME_WAIT for at least `stuckAfter` seconds at capture end, grouped by the
 * endpoint (host:port) that holds them; TIME_WAIT grouped per host, with the local ports it ties up.
 *
 * Local stand-in until the CLI's src/report/stuck.ts exists; the shape of a group is the one
 * `synfin stuck --format json` prints ({endpoint, state, count, oldestSeconds, ids}) plus the sentence.
 */
import type { FlowRecord, Side, TcpState } from '../../flow/types.js';

export interface StuckGroup {
  endpoint: { ip: string; port: number };
  state: TcpState;
  count: number;
  oldestSeconds: number;
  ids: number[];
  /** TIME_WAIT: distinct local ports tied up on the host. */
  ports?: number;
  sentence: string;
}

export const STUCK_STATES: readonly TcpState[] = [
  'CLOSE_WAIT',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'LAST_ACK',
  'CLOSING',
  'SYN_SENT',
  'SYN_RECEIVED',
  'TIME_WAIT',
];

/** 252 → "4m12s", 3.5 → "3.5s", 7300 → "2h01m40s". */
export function formatAge(s: number): string {
  if (s < 60) return (Math.round(s * 10) / 10).toString() + 's';
  const t = Math.floor(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  return h > 0 ? `${h}h${p2(m)}m${p2(sec)}s` : `${m}m${p2(sec)}s`;
}

function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function sentence(g: Omit<StuckGroup, 'sentence'>): string {
  const ep = endpointText(g.endpoint.ip, g.endpoint.port);
  const n = `${g.count} connection${g.count === 1 ? '' : 's'}`;
  const age = `(oldest ${formatAge(g.oldestSeconds)})`;
  const ip = g.endpoint.ip;
  switch (g.state) {
    case 'CLOSE_WAIT':
      return `${ep} holds ${n} in CLOSE_WAIT ${age}: the peers closed, the application on ${ip} has not called close()`;
    case 'FIN_WAIT_1':
      return `${ep} holds ${n} in FIN_WAIT_1 ${age}: it closed, but the peer never acknowledged its FIN (peer gone or path broken)`;
    case 'FIN_WAIT_2':
      return `${ep} holds ${n} in FIN_WAIT_2 ${age}: the peer acknowledged its FIN but its application has not closed its side`;
    case 'LAST_ACK':
      return `${ep} holds ${n} in LAST_ACK ${age}: it closed after the peer and its FIN is still unacknowledged`;
    case 'CLOSING':
      return `${ep} holds ${n} in CLOSING ${age}: both sides closed at once and its FIN is still unacknowledged`;
    case 'SYN_SENT':
      return `${ep} holds ${n} in SYN_SENT ${age}: it sent a SYN that was never answered (server down or filtered)`;
    case 'SYN_RECEIVED':
      return `${ep} holds ${n} in SYN_RECEIVED ${age}: it answered a SYN and the final ACK never came (SYN flood or asymmetric path)`;
    case 'TIME_WAIT':
      return `${ip} holds ${n} in TIME_WAIT tying up ${g.ports ?? 0} local port${g.ports === 1 ? '' : 's'} ${age}: normal after an active close, but many can exhaust the ephemeral range (Linux 32768–60999)`;
    default:
      return `${ep} holds ${n} in ${g.state} ${age}`;
  }
}

/** Group the stuck connections of `records`, largest groups first. */
export function stuckGroups(records: readonly FlowRecord[], o: { stuckAfter?: number } = {}): StuckGroup[] {
  const after = o.stuckAfter ?? 10;
  const groups = new Map<string, Omit<StuckGroup, 'sentence'> & { portSet?: Set<number> }>();
  for (const r of records) {
    if (r.proto !== 'tcp' || !r.state) continue;
    for (const side of ['client', 'server'] as Side[]) {
      const st = r.state[side];
      const age = r.stateSeconds?.[side];
      if (!st || age == null || age < after || !STUCK_STATES.includes(st)) continue;
      const ep = r[side];
      const tw = st === 'TIME_WAIT';
      const port = tw ? 0 : ep.port;
      const key = `${st} ${ep.ip} ${port}`;
      let g = groups.get(key);
      if (!g) {
        g = { endpoint: { ip: ep.ip, port }, state: st, count: 0, oldestSeconds: 0, ids: [] };
        if (tw) g.portSet = new Set();
        groups.set(key, g);
      }
      g.count++;
      if (age > g.oldestSeconds) g.oldestSeconds = age;
      // Both sides of one record are handled one after the other: a duplicate id is the last one.
      if (g.ids[g.ids.length - 1] !== r.id) g.ids.push(r.id);
      g.portSet?.add(ep.port);
    }
  }
  const out: StuckGroup[] = [];
  for (const g of groups.values()) {
    const { portSet, ...rest } = g;
    if (portSet) rest.ports = portSet.size;
    out.push({ ...rest, sentence: sentence(rest) });
  }
  out.sort((a, b) => b.count - a.count || b.oldestSeconds - a.oldestSeconds || a.endpoint.ip.localeCompare(b.endpoint.ip));
  return out;
}
