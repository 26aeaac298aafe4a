/**
 * Test helpers: run Conversations through the FlowTracker, packet by packet, and collect both
 * sides' states after every packet (from the traced PacketEvents), the records and transitions.
 *
 * Two ways in: `decode: true` (default) builds each frame into a RawRecord and runs the project's
 * Decoder, as the pipeline does; `decode: false` fills the Packet straight from the DSL, so the
 * state machine can be tested apart from the decoder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RawRecord } from '../../src/capture/types.js';
import { Decoder } from '../../src/decode/decoder.js';
import { Packet } from '../../src/decode/packet.js';
import { FlowTracker, type TrackerOptions } from '../../src/flow/tracker.js';
import type { FlowRecord, PacketEvent, TcpState, Transition } from '../../src/flow/types.js';
import type { BuiltSegment, Conversation } from '../../src/synth/conversation.js';
import { eachPacket } from '../decode/helpers.js';

export type Pair = [TcpState | null, TcpState | null];

export interface RunResult {
  /** [client, server] state of the packet's own flow after each packet. */
  states: Pair[];
  events: PacketEvent[];
  records: FlowRecord[];
  transitions: Transition[];
  tracker: FlowTracker;
}

/** The options both runners start from: TIME_WAIT 60 s, no idle timeout, no VLAN in the key, no connection bound. */
const BASE_OPTIONS = { timeWait: 60, idleTimeout: 0, vlanKey: false, maxConnections: 0 } as const;

export function run(
  convs: Conversation | Conversation[],
  o: Partial<TrackerOptions> & { decode?: boolean } = {},
): RunResult {
  const list = Array.isArray(convs) ? convs : [convs];
  // Merge all conversations' packets in time order (stable: conversation order on ties).
  const all: BuiltSegment[] = [];
  const src: [Conversation, number][] = [];
  list.forEach((c) => c.segments.forEach((g, i) => { all.push(g); src.push([c, i]); }));
  const order = all.map((_, i) => i).sort((a, b) => all[a].tsSec - all[b].tsSec || all[a].tsNsec - all[b].tsNsec || a - b);

  const events: PacketEvent[] = [];
  const records: FlowRecord[] = [];
  const transitions: Transition[] = [];
  const tracker = new FlowTracker({
    ...BASE_OPTIONS,
    transitions: true,
    trace: () => true,
    onPacket: (e) => events.push(e),
    onTransition: (t) => transitions.push(t),
    onRecord: (r) => records.push(r),
    ...o,
  });
  const decoder = new Decoder();
  const pkt = new Packet();
  const rec = new RawRecord();
  const states: Pair[] = [];
  let frame = 0;
  for (const i of order) {
    const g = all[i];
    rec.buf = g.frame;
    rec.offset = 0;
    rec.capLen = g.frame.length;
    rec.origLen = g.frame.length;
    rec.tsSec = g.tsSec;
    rec.tsNsec = g.tsNsec;
    rec.linkType = 1;
    rec.frame = ++frame;
    if (o.decode === false) src[i][0].fillPacket(src[i][1], pkt);
    else decoder.decode(rec, pkt);
    const before = events.length;
    tracker.add(pkt, rec);
    const e = events.length > before ? events[events.length - 1] : null;
    states.push(e ? [e.state.client, e.state.server] : [null, null]);
  }
  tracker.finish();
  return { states, events, records, transitions, tracker };
}

/**
 * The conversations' packets merged in time order through one tracker (run()), without transitions
 * and tracing (either keeps a TCP connection's analysers eager): the records only.
 */
export function runRecords(convs: Conversation | Conversation[], o: Partial<TrackerOptions> = {}): FlowRecord[] {
  return run(convs, { transitions: false, trace: undefined, onPacket: undefined, onTransition: undefined, ...o }).records;
}

/** A capture file's records through one tracker (no transitions, no limits unless `o` sets them). */
export async function runFile(file: string, o: Partial<TrackerOptions>): Promise<FlowRecord[]> {
  const records: FlowRecord[] = [];
  const t = new FlowTracker({
    ...BASE_OPTIONS,
    transitions: false,
    onRecord: (r) => records.push(r),
    ...o,
  });
  await eachPacket(file, (r, p) => t.add(p, r));
  t.finish();
  return records;
}

/** The repository's own captures that the tracker-level comparisons run on: the demo, the kernel scenarios, the analysis fixtures. */
export function fixtureCaptures(root: string): string[] {
  return [
    path.join(root, 'fixtures/demo.pcapng'),
    path.join(root, 'fixtures/kernel/scenarios.pcapng'),
    ...fs
      .readdirSync(path.join(root, 'fixtures/analysis'))
      .filter((f) => f.endsWith('.pcap'))
      .map((f) => path.join(root, 'fixtures/analysis', f)),
  ];
}
