/**
 * The data an HTML report embeds: the analysis result turned into compact columnar JSON.
 *
 * One array per field (not one object per connection) keeps a report near 120 bytes per
 * connection and lets the page sort and filter columns. Strings that repeat (addresses, Zeek
 * histories, services, transition causes) go into one string pool and are referenced by index.
 * Records stream in through ReportBuilder.add (analyze's onRecord), so none is kept.
 *
 * Per-packet detail (the ladder and the graphs of one connection) is embedded within a budget,
 * collected while analyze() runs by an EventCollector: of each connection its first packets and
 * its last `tail` ones (`perConnection` in all), and no more than `maxEvents` packets in all.
 * A connection whose packets were not all kept is marked `cut`, and the page says so.
 * State transitions come from analyze's onTransition, for every connection (MAX_TRANSITIONS).
 */
import type { CaptureInfo } from '../../capture/types.js';
import { isoTime } from '../../capture/time.js';
import { NOTE_NAMES } from '../../flow/types.js';
import type { Endpoint, FlowRecord, LayerCounts, PacketEvent, Proto, Side, SynOptions, TcpState, Transition } from '../../flow/types.js';
import { aggregateClientGroups, StuckCollector, stuckLine, stuckMeaning, timeWaitLine } from '../stuck.js';
import { SummaryBuilder, TEARDOWNS, type SummaryData } from '../summary.js';
import { STATE_NAMES } from '../../flow/tcp-state.js';

export const PROTOS: readonly Proto[] = ['tcp', 'udp', 'icmp', 'icmp6'];
/** Index 0 is "no state" (null in the record): the tracker's own St numbering. */
export const STATES: readonly (TcpState | null)[] = STATE_NAMES;
export { TEARDOWNS };

/** Bits of the `fl` column. */
export const FlowFlag = {
  DIRECTION_INFERRED: 1,
  STATE_INFERRED: 2,
  PORT_REUSE: 4,
  ICMP_REJECTED: 8,
  RST_OUT_OF_WINDOW: 16,
  HALF_CLOSE: 32,
  HANDSHAKE_COMPLETE: 64,
  /** Not every packet of the connection is in the embedded detail. */
  CUT: 128,
  /** Released early by the maxConnections bound (its record ends there). */
  EVICTED: 256,
} as const;

export interface ReportBudget {
  /** Packets embedded in all (default 200 000). */
  maxEvents: number;
  /** Packets embedded per connection (default 1 000): its first ones and, of these, its last `tail`. */
  perConnection: number;
  /** Of perConnection, how many are the connection's last packets (default 100, at most half). */
  tail: number;
}

export const DEFAULT_BUDGET: ReportBudget = { maxEvents: 200_000, perConnection: 1_000, tail: 100 };

/** Columns of the flow table, one entry per connection, in id order. */
export interface FlowColumns {
  id: number[];
  /** Index into PROTOS. */
  proto: number[];
  /** Index into the string pool. */
  cip: number[];
  cport: number[];
  sip: number[];
  sport: number[];
  /** Index into STATES (0 = null). */
  cst: number[];
  sst: number[];
  /** Seconds each side has been in its end state (−1 = null). */
  cage: number[];
  sage: number[];
  /** Index into TEARDOWNS. */
  td: number[];
  /** Zeek conn_state and history (string pool). */
  zs: number[];
  zh: number[];
  /** Service (string pool), −1 = unknown. */
  svc: number[];
  /** Seconds from the first packet of the capture, and duration in seconds. */
  start: number[];
  dur: number[];
  pc: number[];
  ps: number[];
  bc: number[];
  bs: number[];
  /** Handshake RTT in ms, −1 = none. */
  rtt: number[];
  rc: number[];
  rs: number[];
  /** Both directions summed: dup ACKs, zero-window seconds, segments missing from the capture. */
  dup: number[];
  zw: number[];
  lost: number[];
  /** FlowFlag bits. */
  fl: number[];
  /** Embedded packet events of each row; a row's events follow the previous rows' (offset = sum of en before it). */
  en: number[];
  /** When packets were left out between a connection's first and last ones: how many of its events are the first ones (0 = no gap). */
  eh: number[];
  /** Embedded transitions of each row (rows in order, like en). */
  tn: number[];
  /** Options each side offered in its SYN, as text (string pool; −1 = SYN not seen), e.g. "MSS 1460, wscale 7, SACK, TS". */
  soc: number[];
  sos: number[];
}

/** Columns of the embedded state transitions. */
export interface TransitionColumns {
  /** Seconds since the connection's first packet. */
  t: number[];
  frame: number[];
  /** 0 = client, 1 = server. */
  side: number[];
  /** Index into STATES (0 = none). */
  from: number[];
  to: number[];
  /** 1 when deduced rather than seen. */
  inf: number[];
  /** The segment that caused it (string pool), −1 when left out (beyond MAX_CAUSES). */
  cause: number[];
}

/** At most this many transitions are embedded (about 7 per TCP connection); later connections get none. */
export const MAX_TRANSITIONS = 1_000_000;
/** Of these, the first this many carry their cause text (the segment that caused them). */
export const MAX_CAUSES = 100_000;

/** Columns of the embedded packet events, grouped by connection in row order (FlowColumns.en counts them). */
export interface EventColumns {
  frame: number[];
  /** Seconds since the connection's first packet. */
  rel: number[];
  /** 0 = client, 1 = server. */
  from: number[];
  flags: number[];
  seq: number[];
  ack: number[];
  len: number[];
  win: number[];
  notes: number[];
  /** −1 = unknown. */
  infl: number[];
  /** Index into STATES. */
  cst: number[];
  sst: number[];
}

export interface CaptureSummary {
  file: string;
  format: string | null;
  gzip: boolean;
  version: string;
  packets: number;
  linkTypes: number[];
  interfaces: number;
  dropped: number | null;
  warnings: number;
  error: string | null;
}

export interface ReportSummary {
  captures: CaptureSummary[];
  packets: number;
  /** ISO times of the first and last packet, and the seconds between them. */
  first: string | null;
  last: string | null;
  /** Epoch seconds of the first packet (the time axis origin), null without packets. */
  firstEpoch: number | null;
  span: number;
  layers: LayerCounts | null;
  connections: { total: number; tcp: number; udp: number; icmp: number };
  handshakes: { complete: number; incomplete: number };
  teardown: Record<string, number>;
  endStates: { client: Record<string, number>; server: Record<string, number> };
  evicted: number;
  interrupted: boolean;
  error: string | null;
}

export interface ReportData {
  version: 1;
  /**
   * 'delta': per connection, events' rel (µs) and frame are differences from the connection's previous event,
   * seq/ack/win from the previous event of the same sender; transitions' t (µs) and frame from the previous
   * transition. The first value of each run is absolute (rel/t from the connection's first packet).
   * decodeReportData() undoes it (the page does the same in client.js).
   */
  encoding: 'delta' | 'plain';
  tool: string;
  generated: string;
  title: string;
  budget: ReportBudget & { embedded: number; cutConnections: number };
  protos: readonly string[];
  states: readonly (string | null)[];
  teardowns: readonly string[];
  /** Note bit → name, in print order (flow/types.ts NOTE_NAMES). */
  noteNames: ReadonlyArray<readonly [number, string]>;
  strings: string[];
  summary: ReportSummary;
  /** What `synfin summary --format json` reports (null without layer counts, e.g. hand-made input). */
  cliSummary: SummaryData | null;
  stuck: StuckPanel;
  stuckAfter: number;
  flows: FlowColumns;
  events: EventColumns;
  /** State transitions of both sides, grouped by row like the events (FlowColumns.tn counts them). */
  transitions: TransitionColumns;
}

/** The stuck panel: the groups, TIME_WAIT hosts and port reuses of `synfin stuck`, with its sentences. */
export interface StuckPanel {
  groups: {
    endpoint: Endpoint;
    state: TcpState;
    side: Side;
    count: number;
    oldestSeconds: number;
    /** Client-side groups merged per host: how many local ports they span. */
    localPorts: number | null;
    ids: number[];
    line: string;
  }[];
  timeWait: { ip: string; count: number; oldestSeconds: number; ports: number; ephemeralPorts: number; ids: number[]; line: string }[];
  timeWaitMeaning: string;
  portReuse: { id: number; client: Endpoint; server: Endpoint }[];
  /** Connections with a stuck side. */
  total: number;
}

/** `synfin stuck`'s grouping (src/report/stuck.ts), as its text output shows it. */
export function stuckPanel(c: StuckCollector): StuckPanel {
  const timeWait = c.timeWait;
  const all = c.groups();
  const groups = aggregateClientGroups(all.filter((g) => g.state !== 'TIME_WAIT'), timeWait).map((g) => ({
    endpoint: g.endpoint,
    state: g.state,
    side: g.side,
    count: g.count,
    oldestSeconds: g.oldestSeconds,
    localPorts: g.localPorts ?? null,
    ids: g.ids,
    line: stuckLine(g),
  }));
  return {
    groups,
    timeWait: c.timeWaitHosts().map((h) => ({ ...h, line: timeWaitLine(h) })),
    timeWaitMeaning: stuckMeaning('TIME_WAIT', 'the host', 2, timeWait),
    portReuse: c.portReuse(),
    total: c.total,
  };
}

/**
 * Collects the packet events of analyze() within the budget. Pass `trace` and `onPacket` to
 * analyze(); connections first seen once the budget is spent are not traced at all.
 * Events are stored as plain number columns (no PacketEvent kept).
 */
export class EventCollector {
  readonly budget: ReportBudget;
  count = 0;
  /** Head packets kept per flow. */
  private readonly perFlow = new Map<number, number>();
  /** Per flow, the slots (indices into the columns) holding its last packets, oldest at `start`. */
  readonly tails = new Map<number, { pos: number[]; start: number }>();
  /** Connections some of whose packets were dropped, or that were not traced at all. */
  readonly cut = new Set<number>();
  readonly flow: number[] = [];
  /** 1 where the slot belongs to a flow's tail. */
  readonly isTail: number[] = [];
  readonly cols: EventColumns = {
    frame: [], rel: [], from: [], flags: [], seq: [], ack: [], len: [], win: [], notes: [], infl: [], cst: [], sst: [],
  };
  private readonly headCap: number;
  private readonly tailCap: number;

  constructor(budget: Partial<ReportBudget> = {}) {
    this.budget = { ...DEFAULT_BUDGET, ...budget };
    this.tailCap = Math.max(0, Math.min(this.budget.tail, Math.floor(this.budget.perConnection / 2)));
    this.headCap = Math.max(0, this.budget.perConnection - this.tailCap);
  }

  readonly trace = (flowId: number): boolean => {
    if (this.count >= this.budget.maxEvents) {
      this.cut.add(flowId);
      return false;
    }
    return true;
  };

  private write(at: number, e: PacketEvent): void {
    const c = this.cols;
    c.frame[at] = e.frame;
    c.rel[at] = round6(e.rel);
    c.from[at] = e.from === 'client' ? 0 : 1;
    c.flags[at] = e.flags;
    c.seq[at] = e.seq;
    c.ack[at] = e.ack;
    c.len[at] = e.len;
    c.win[at] = e.window;
    c.notes[at] = e.notes;
    c.infl[at] = e.inFlight;
    c.cst[at] = stateIndex(e.state.client);
    c.sst[at] = stateIndex(e.state.server);
  }

  private append(e: PacketEvent, tail: number): number {
    const at = this.flow.length;
    this.flow.push(e.flow);
    this.isTail.push(tail);
    this.write(at, e);
    this.count++;
    return at;
  }

  readonly onPacket = (e: PacketEvent): void => {
    const kept = this.perFlow.get(e.flow) ?? 0;
    const full = this.count >= this.budget.maxEvents;
    if (kept < this.headCap) {
      if (full) {
        this.cut.add(e.flow);
        return;
      }
      this.perFlow.set(e.flow, kept + 1);
      this.append(e, 0);
      return;
    }
    // Beyond the head: keep the last `tailCap` packets in a ring of slots.
    let t = this.tails.get(e.flow);
    if (!t) {
      if (this.tailCap === 0 || full) {
        this.cut.add(e.flow);
        return;
      }
      t = { pos: [], start: 0 };
      this.tails.set(e.flow, t);
    }
    if (t.pos.length < this.tailCap && !full) {
      t.pos.push(this.append(e, 1));
      return;
    }
    // Ring full (or the budget spent): the oldest tail packet makes room for this one.
    this.write(t.pos[t.start], e);
    t.start = (t.start + 1) % t.pos.length;
    this.cut.add(e.flow);
  };

  /** Add events made elsewhere (tests, or a list already in memory). */
  addAll(events: Iterable<PacketEvent>): this {
    for (const e of events) {
      if (!this.perFlow.has(e.flow) && !this.tails.has(e.flow) && !this.trace(e.flow)) continue;
      this.onPacket(e);
    }
    return this;
  }
}

/** What buildReportData needs of an analysis (AnalysisResult has all of it). */
export interface ReportInput {
  records: FlowRecord[];
  captures: CaptureInfo[];
  layers: LayerCounts | null;
  firstSec: number | null;
  firstNsec: number | null;
  lastSec: number | null;
  lastNsec: number | null;
  evicted: number;
  interrupted: boolean;
  error: { message: string } | null;
}

export interface BuildOptions {
  title?: string;
  /** Seconds in state after which a connection counts as stuck (default 10). */
  stuckAfter?: number;
  /** The TIME_WAIT duration the analysis used (default 60), for the stuck sentences. */
  timeWait?: number;
  /** Fixed "generated" time (tests); default now. */
  generated?: Date;
  tool?: string;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** "MSS 1460, wscale 7, SACK, TS" (what a SYN offered; "no options" when none). */
export function synOptionsText(o: SynOptions): string {
  const parts: string[] = [];
  if (o.mss !== null) parts.push(`MSS ${o.mss}`);
  if (o.wscale !== null) parts.push(`wscale ${o.wscale}`);
  if (o.sackPermitted) parts.push('SACK');
  if (o.timestamps) parts.push('TS');
  if (o.tfo) parts.push('TFO');
  if (o.mptcp) parts.push('MPTCP');
  return parts.length ? parts.join(', ') : 'no options';
}

function stateIndex(s: TcpState | null | undefined): number {
  if (!s) return 0;
  const i = STATES.indexOf(s);
  return i < 0 ? 0 : i;
}

/**
 * Builds the report data from records given one at a time (analyze's onRecord), so no FlowRecord is
 * kept: each becomes one row of the columns, and feeds the summary and the stuck grouping.
 */
export class ReportBuilder {
  private readonly strings: string[] = [];
  private readonly pool = new Map<string, number>();
  private readonly cols: FlowColumns = {
    id: [], proto: [], cip: [], cport: [], sip: [], sport: [], cst: [], sst: [], cage: [], sage: [], td: [], zs: [],
    zh: [], svc: [], start: [], dur: [], pc: [], ps: [], bc: [], bs: [], rtt: [], rc: [], rs: [], dup: [], zw: [],
    lost: [], fl: [], en: [], eh: [], tn: [], soc: [], sos: [],
  };
  /** Transitions as analyze() reports them (onTransition), in capture order; grouped per row in finish(). */
  private readonly tr = { flow: [] as number[], sec: [] as number[], nsec: [] as number[], frame: [] as number[], side: [] as number[], from: [] as number[], to: [] as number[], inf: [] as number[], cause: [] as number[] };
  /** Raw start times, made relative to the capture's first packet in finish(). */
  private readonly startSec: number[] = [];
  private readonly startNsec: number[] = [];
  private readonly teardown: Record<string, number> = {};
  private readonly endClient: Record<string, number> = {};
  private readonly endServer: Record<string, number> = {};
  private complete = 0;
  private incomplete = 0;
  private tcp = 0;
  private udp = 0;
  private icmp = 0;
  private readonly stuck: StuckCollector;
  private readonly summary: SummaryBuilder;
  private readonly stuckAfter: number;
  private readonly timeWait: number;

  constructor(
    readonly events: EventCollector,
    readonly opts: BuildOptions = {},
  ) {
    this.stuckAfter = opts.stuckAfter ?? 10;
    this.timeWait = opts.timeWait ?? 60;
    this.stuck = new StuckCollector(this.stuckAfter, this.timeWait);
    this.summary = new SummaryBuilder(this.stuckAfter, this.timeWait);
  }

  private str(s: string): number {
    let i = this.pool.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.pool.set(s, i);
    }
    return i;
  }

  /** Give to analyze() as onTransition (instead of transitions: true, which keeps them in every record). */
  readonly onTransition = (t: Transition): void => {
    const tr = this.tr;
    if (tr.flow.length >= MAX_TRANSITIONS) return;
    tr.flow.push(t.flow);
    tr.sec.push(t.tsSec);
    tr.nsec.push(t.tsNsec);
    tr.frame.push(t.frame);
    tr.side.push(t.side === 'client' ? 0 : 1);
    tr.from.push(stateIndex(t.from));
    tr.to.push(stateIndex(t.to));
    tr.inf.push(t.inferred ? 1 : 0);
    // The causes ("client→server FIN,ACK seq=1 ack=1") are nearly all distinct: only the first ones are kept.
    tr.cause.push(tr.flow.length <= MAX_CAUSES ? this.str(t.cause) : -1);
  };

  readonly add = (r: FlowRecord): void => {
    const cols = this.cols;
    cols.id.push(r.id);
    cols.proto.push(Math.max(0, PROTOS.indexOf(r.proto)));
    cols.cip.push(this.str(r.client.ip));
    cols.cport.push(r.client.port);
    cols.sip.push(this.str(r.server.ip));
    cols.sport.push(r.server.port);
    cols.cst.push(stateIndex(r.state?.client));
    cols.sst.push(stateIndex(r.state?.server));
    cols.cage.push(r.stateSeconds?.client == null ? -1 : round6(r.stateSeconds.client));
    cols.sage.push(r.stateSeconds?.server == null ? -1 : round6(r.stateSeconds.server));
    cols.td.push(Math.max(0, TEARDOWNS.indexOf(r.teardown)));
    cols.zs.push(this.str(r.zeek?.conn_state ?? ''));
    cols.zh.push(this.str(r.zeek?.history ?? ''));
    cols.svc.push(r.service ? this.str(r.service) : -1);
    this.startSec.push(r.startSec);
    this.startNsec.push(r.startNsec);
    cols.dur.push(round6(r.duration));
    cols.pc.push(r.packets.client);
    cols.ps.push(r.packets.server);
    cols.bc.push(r.bytes.client);
    cols.bs.push(r.bytes.server);
    cols.rtt.push(r.handshake?.rttMs == null ? -1 : Math.round(r.handshake.rttMs * 1000) / 1000);
    cols.rc.push(r.retransmissions?.client ?? 0);
    cols.rs.push(r.retransmissions?.server ?? 0);
    const a = r.analysis;
    cols.dup.push(a ? a.client.dupAcks + a.server.dupAcks : 0);
    cols.zw.push(a ? round6(a.client.zeroWindowSeconds + a.server.zeroWindowSeconds) : 0);
    cols.lost.push(a ? a.client.lostSegments + a.server.lostSegments : 0);
    cols.fl.push(
      (r.directionInferred ? FlowFlag.DIRECTION_INFERRED : 0) |
        (r.stateInferred ? FlowFlag.STATE_INFERRED : 0) |
        (r.portReuse ? FlowFlag.PORT_REUSE : 0) |
        (r.icmpRejected ? FlowFlag.ICMP_REJECTED : 0) |
        (r.rstOutOfWindow > 0 ? FlowFlag.RST_OUT_OF_WINDOW : 0) |
        (r.halfClose ? FlowFlag.HALF_CLOSE : 0) |
        (r.handshake?.complete ? FlowFlag.HANDSHAKE_COMPLETE : 0) |
        (r.evicted ? FlowFlag.EVICTED : 0),
    );
    // Packets seen, for the cut flag (replaced by the embedded count in finish()).
    cols.en.push(r.packets.client + r.packets.server);
    const opt = r.handshake?.options;
    cols.soc.push(opt?.client ? this.str(synOptionsText(opt.client)) : -1);
    cols.sos.push(opt?.server ? this.str(synOptionsText(opt.server)) : -1);
    // Transitions carried by the record (buildReportData on records made with transitions: true).
    if (r.transitions) for (const t of r.transitions) this.onTransition(t);

    if (r.proto === 'tcp') {
      // Teardown kinds are TCP's (as `synfin summary` counts them).
      this.teardown[r.teardown] = (this.teardown[r.teardown] ?? 0) + 1;
      this.tcp++;
      const cs = r.state?.client ?? 'unknown';
      const ss = r.state?.server ?? 'unknown';
      this.endClient[cs] = (this.endClient[cs] ?? 0) + 1;
      this.endServer[ss] = (this.endServer[ss] ?? 0) + 1;
      if (r.handshake?.complete) this.complete++;
      else this.incomplete++;
    } else if (r.proto === 'udp') this.udp++;
    else this.icmp++;
    this.stuck.add(r);
    this.summary.add(r);
  };

  /** The data, once the analysis is over (`input.records` are ignored: they came through add()). */
  finish(input: Omit<ReportInput, 'records'>): ReportData {
    const events = this.events;
    const opts = this.opts;
    const n = this.cols.id.length;
    // Rows in id order (records arrive in the order their connections' fates became final).
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.cols.id.some((v, i) => i > 0 && v < this.cols.id[i - 1])) order.sort((x, y) => this.cols.id[x] - this.cols.id[y]);
    const cols = {} as FlowColumns;
    for (const k of Object.keys(this.cols) as (keyof FlowColumns)[]) cols[k] = order.map((i) => this.cols[k][i]);
    const startSec = order.map((i) => this.startSec[i]);
    const startNsec = order.map((i) => this.startNsec[i]);
    let firstSec = input.firstSec;
    let firstNsec = input.firstNsec ?? 0;
    if (firstSec === null) {
      for (let i = 0; i < n; i++) {
        if (firstSec === null || startSec[i] < firstSec || (startSec[i] === firstSec && startNsec[i] < firstNsec)) {
          firstSec = startSec[i];
          firstNsec = startNsec[i];
        }
      }
    }
    cols.start = startSec.map((sec, i) => round6(sec - (firstSec ?? 0) + (startNsec[i] - firstNsec) / 1e9));

    // Group the events by flow (counting sort on the row keeps capture order within a flow).
    const row = new Map<number, number>();
    cols.id.forEach((id, i) => row.set(id, i));
    const counts = new Array<number>(n).fill(0);
    for (const f of events.flow) {
      const i = row.get(f);
      if (i !== undefined) counts[i]++;
    }
    const offsets = new Array<number>(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = total;
      total += counts[i];
    }
    const src = events.cols;
    const keys = Object.keys(src) as (keyof EventColumns)[];
    const ev = {} as EventColumns;
    for (const k of keys) ev[k] = new Array<number>(total);
    // Heads in capture order, then each tail from its oldest slot.
    const copy = (from: number, to: number): void => {
      for (const key of keys) ev[key][to] = src[key][from];
    };
    for (let k = 0; k < events.flow.length; k++) {
      if (events.isTail[k]) continue;
      const i = row.get(events.flow[k]);
      if (i !== undefined) copy(k, offsets[i]++);
    }
    for (const [flow, t] of events.tails) {
      const i = row.get(flow);
      if (i === undefined) continue;
      for (let j = 0; j < t.pos.length; j++) copy(t.pos[(t.start + j) % t.pos.length], offsets[i]++);
    }
    // Transitions, grouped per row in capture order; times relative to the connection's first packet.
    const tr = this.tr;
    const tcount = new Array<number>(n).fill(0);
    const trow = tr.flow.map((f) => row.get(f) ?? -1);
    for (const i of trow) if (i >= 0) tcount[i]++;
    const toff = new Array<number>(n);
    let ttotal = 0;
    for (let i = 0; i < n; i++) {
      toff[i] = ttotal;
      ttotal += tcount[i];
    }
    const transitions: TransitionColumns = {
      t: new Array(ttotal), frame: new Array(ttotal), side: new Array(ttotal), from: new Array(ttotal), to: new Array(ttotal),
      inf: new Array(ttotal), cause: new Array(ttotal),
    };
    for (let k = 0; k < trow.length; k++) {
      const i = trow[k];
      if (i < 0) continue;
      const at = toff[i]++;
      transitions.t[at] = round6(tr.sec[k] - startSec[i] + (tr.nsec[k] - startNsec[i]) / 1e9);
      transitions.frame[at] = tr.frame[k];
      transitions.side[at] = tr.side[k];
      transitions.from[at] = tr.from[k];
      transitions.to[at] = tr.to[k];
      transitions.inf[at] = tr.inf[k];
      transitions.cause[at] = tr.cause[k];
    }
    cols.tn = tcount;

    let cutConnections = 0;
    cols.eh = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const seen = cols.en[i];
      const id = cols.id[i];
      const cut = events.cut.has(id) || (counts[i] === 0 && seen > 0);
      if (cut) {
        cols.fl[i] |= FlowFlag.CUT;
        cutConnections++;
        // Packets were left out between the head and the tail.
        const t = events.tails.get(id);
        if (t && t.pos.length) cols.eh[i] = counts[i] - t.pos.length;
      }
      cols.en[i] = counts[i];
    }

    const haveTimes = input.firstSec !== null && input.lastSec !== null;
    const summary: ReportSummary = {
      captures: input.captures.map((c) => {
        const dropped = c.interfaces.reduce<number | null>((s, f) => (f.dropped == null ? s : (s ?? 0) + f.dropped), null);
        return {
          file: c.file,
          format: c.format,
          gzip: c.gzip,
          version: c.version,
          packets: c.packets,
          linkTypes: [...new Set(c.interfaces.map((f) => f.linkType))],
          interfaces: c.interfaces.length,
          dropped,
          warnings: c.warnings.length,
          error: c.error ? c.error.message : null,
        };
      }),
      packets: input.captures.reduce((s, c) => s + c.packets, 0),
      first: haveTimes ? isoTime(input.firstSec!, input.firstNsec ?? 0) : null,
      last: haveTimes ? isoTime(input.lastSec!, input.lastNsec ?? 0) : null,
      firstEpoch: haveTimes ? input.firstSec! + (input.firstNsec ?? 0) / 1e9 : null,
      span: haveTimes ? round6(input.lastSec! - input.firstSec! + ((input.lastNsec ?? 0) - (input.firstNsec ?? 0)) / 1e9) : 0,
      layers: input.layers,
      connections: { total: n, tcp: this.tcp, udp: this.udp, icmp: this.icmp },
      handshakes: { complete: this.complete, incomplete: this.incomplete },
      teardown: this.teardown,
      endStates: { client: this.endClient, server: this.endServer },
      evicted: input.evicted,
      interrupted: input.interrupted,
      error: input.error ? input.error.message : null,
    };

    let cliSummary: SummaryData | null = null;
    if (input.layers) {
      cliSummary = this.summary.data({ ...input, layers: input.layers }, 10);
      cliSummary.stuck = []; // the stuck panel has them all
    }
    const names = input.captures.map((c) => baseName(c.file));
    const title = opts.title ?? (names.length === 0 ? 'capture' : names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`);
    return {
      version: 1,
      tool: opts.tool ?? 'synfin',
      generated: (opts.generated ?? new Date()).toISOString(),
      title,
      budget: { ...events.budget, embedded: total, cutConnections },
      protos: PROTOS,
      states: STATES,
      teardowns: TEARDOWNS,
      noteNames: NOTE_NAMES,
      strings: this.strings,
      summary,
      cliSummary,
      stuck: stuckPanel(this.stuck),
      stuckAfter: this.stuckAfter,
      flows: cols,
      events: ev,
      transitions,
      encoding: 'plain',
    };
  }
}

/** Runs of a column, one per row: [offset, count] from the counts. */
function runs(counts: number[], visit: (off: number, n: number) => void): void {
  let off = 0;
  for (const n of counts) {
    visit(off, n);
    off += n;
  }
}

/** Delta-encode the events and transitions in place (see ReportData.encoding); small numbers compress well. */
export function encodeDeltas(d: ReportData): ReportData {
  if (d.encoding === 'delta') return d;
  const E = d.events;
  runs(d.flows.en, (off, n) => {
    let rel = 0;
    let frame = 0;
    const last = [[0, 0, 0], [0, 0, 0]];
    for (let k = off; k < off + n; k++) {
      const us = Math.round(E.rel[k] * 1e6);
      E.rel[k] = us - rel;
      rel = us;
      const f = E.frame[k];
      E.frame[k] = f - frame;
      frame = f;
      const l = last[E.from[k]];
      const seq = E.seq[k], ack = E.ack[k], win = E.win[k];
      E.seq[k] = seq - l[0];
      E.ack[k] = ack - l[1];
      E.win[k] = win - l[2];
      l[0] = seq;
      l[1] = ack;
      l[2] = win;
    }
  });
  const T = d.transitions;
  runs(d.flows.tn, (off, n) => {
    let t = 0;
    let frame = 0;
    for (let k = off; k < off + n; k++) {
      const us = Math.round(T.t[k] * 1e6);
      T.t[k] = us - t;
      t = us;
      const f = T.frame[k];
      T.frame[k] = f - frame;
      frame = f;
    }
  });
  d.encoding = 'delta';
  return d;
}

/** Undo encodeDeltas (tests; the page has the same loop in client.js). */
export function decodeReportData(d: ReportData): ReportData {
  if (d.encoding !== 'delta') return d;
  const E = d.events;
  runs(d.flows.en, (off, n) => {
    let rel = 0;
    let frame = 0;
    const last = [[0, 0, 0], [0, 0, 0]];
    for (let k = off; k < off + n; k++) {
      rel += E.rel[k];
      E.rel[k] = rel / 1e6;
      frame += E.frame[k];
      E.frame[k] = frame;
      const l = last[E.from[k]];
      l[0] += E.seq[k];
      l[1] += E.ack[k];
      l[2] += E.win[k];
      E.seq[k] = l[0];
      E.ack[k] = l[1];
      E.win[k] = l[2];
    }
  });
  const T = d.transitions;
  runs(d.flows.tn, (off, n) => {
    let t = 0;
    let frame = 0;
    for (let k = off; k < off + n; k++) {
      t += T.t[k];
      T.t[k] = t / 1e6;
      frame += T.frame[k];
      T.frame[k] = frame;
    }
  });
  d.encoding = 'plain';
  return d;
}

/** Turn records, capture info and collected events into the embedded report data. */
export function buildReportData(input: ReportInput, events: EventCollector, opts: BuildOptions = {}): ReportData {
  const b = new ReportBuilder(events, opts);
  for (const r of input.records) b.add(r);
  return b.finish(input);
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
