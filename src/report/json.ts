/**
 * JSON and NDJSON: the FlowRecord itself is the contract (issue 3). NDJSON is one record per line;
 * JSON is an array, written incrementally so it can be streamed too.
 *
 * ndjsonLine is the hot end of `synfin flows --format ndjson` (one ~2.3 KB line per connection).
 * It writes the record's fixed shape as one template string: the keys are constants and V8 joins
 * the pieces without looking up each property by name as JSON.stringify must. The text is byte for
 * byte what JSON.stringify gives for any value of the FlowRecord type whose keys are in
 * buildRecord's order (the contract's order, with the optional vlan / evicted after service):
 * numbers as String() writes them except NaN and ±Infinity as null (and −0 as 0), free-form
 * strings escaped by JSON.stringify whenever they hold a quote, a backslash, a control character
 * or a surrogate, fields that are undefined left out. A record with transitions (traced, rare)
 * goes through JSON.stringify whole. test/report/json-fast.test.ts checks the equality on random
 * records. Measured on the benchmark's 60 000 records: ~12% less CPU than JSON.stringify (not
 * more: V8's stringify is native; see docs/performance.md).
 */
import type { DirectionAnalysis, FlowRecord, Handshake, PerSide, SynOptions, ZeekFields } from '../flow/types.js';

/** Characters JSON.stringify escapes (or may: lone surrogates). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A free-form string. */
function s(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

function sn(v: string | null): string {
  return v === null ? 'null' : NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

/** A number (JSON has no NaN or Infinity: JSON.stringify writes null). */
function n(v: number): string {
  return v - v === 0 ? '' + v : 'null';
}

function nn(v: number | null): string {
  return v === null || v - v !== 0 ? 'null' : '' + v;
}

function b(v: boolean): string {
  return v ? 'true' : 'false';
}

function sides(p: PerSide<number | null>): string {
  return `{"client":${nn(p.client)},"server":${nn(p.server)}}`;
}

function synOptions(o: SynOptions | null): string {
  if (o === null) return 'null';
  return `{"mss":${nn(o.mss)},"wscale":${nn(o.wscale)},"sackPermitted":${b(o.sackPermitted)},"timestamps":${b(o.timestamps)},"tfo":${b(o.tfo)},"mptcp":${b(o.mptcp)}}`;
}

function handshake(h: Handshake | null): string {
  if (h === null) return 'null';
  return (
    `{"complete":${b(h.complete)},"syn":${sn(h.syn)},"synAck":${sn(h.synAck)},"ack":${sn(h.ack)},` +
    `"rttMs":${nn(h.rttMs)},"synToSynAckMs":${nn(h.synToSynAckMs)},"synAckToAckMs":${nn(h.synAckToAckMs)},` +
    `"synRetransmissions":${n(h.synRetransmissions)},"synAckRetransmissions":${n(h.synAckRetransmissions)},` +
    `"synDataBytes":${n(h.synDataBytes)},"options":{"client":${synOptions(h.options.client)},"server":${synOptions(h.options.server)}}}`
  );
}

function direction(d: DirectionAnalysis): string {
  return (
    `{"retransmissions":${n(d.retransmissions)},"fastRetransmissions":${n(d.fastRetransmissions)},` +
    `"spuriousRetransmissions":${n(d.spuriousRetransmissions)},"retransmittedBytes":${n(d.retransmittedBytes)},` +
    `"outOfOrder":${n(d.outOfOrder)},"lostSegments":${n(d.lostSegments)},"missedBytes":${n(d.missedBytes)},` +
    `"dupAcks":${n(d.dupAcks)},"keepAlives":${n(d.keepAlives)},"zeroWindowProbes":${n(d.zeroWindowProbes)},` +
    `"ackedUnseen":${n(d.ackedUnseen)},"windowMin":${nn(d.windowMin)},"windowMax":${nn(d.windowMax)},` +
    `"windowLast":${nn(d.windowLast)},"windowScaleKnown":${b(d.windowScaleKnown)},"zeroWindows":${n(d.zeroWindows)},` +
    `"zeroWindowSeconds":${n(d.zeroWindowSeconds)},"windowFull":${n(d.windowFull)},"windowUpdates":${n(d.windowUpdates)},` +
    `"maxInFlight":${n(d.maxInFlight)},"seqBytes":${n(d.seqBytes)}}`
  );
}

/** An optional number field: left out when undefined, as JSON.stringify does. */
function opt(key: string, v: number | null | undefined): string {
  return v === undefined ? '' : key + nn(v);
}

function zeek(z: ZeekFields): string {
  return (
    `{"conn_state":"${z.conn_state}","history":${s(z.history)},"missed_bytes":${n(z.missed_bytes)},` +
    `"origIsClient":${b(z.origIsClient)},"orig_bytes":${nn(z.orig_bytes)},"resp_bytes":${nn(z.resp_bytes)}` +
    opt(',"duration":', z.duration) +
    opt(',"orig_pkts":', z.orig_pkts) +
    opt(',"resp_pkts":', z.resp_pkts) +
    opt(',"orig_ip_bytes":', z.orig_ip_bytes) +
    opt(',"resp_ip_bytes":', z.resp_ip_bytes) +
    '}'
  );
}

function tail(r: FlowRecord): string {
  let t = '';
  const vlan = r.vlan;
  if (vlan !== undefined) {
    t += ',"vlan":[';
    for (let i = 0; i < vlan.length; i++) t += (i > 0 ? ',' : '') + n(vlan[i]);
    t += ']';
  }
  if (r.evicted !== undefined) t += ',"evicted":' + b(r.evicted);
  return t;
}

export function ndjsonLine(r: FlowRecord): string {
  if (r.transitions !== undefined) return JSON.stringify(r) + '\n';
  const rs = r.reset;
  const hc = r.halfClose;
  const an = r.analysis;
  const line =
    `{"id":${n(r.id)},"proto":"${r.proto}","client":{"ip":${s(r.client.ip)},"port":${n(r.client.port)}},` +
    `"server":{"ip":${s(r.server.ip)},"port":${n(r.server.port)}},"directionInferred":${b(r.directionInferred)},` +
    `"start":${s(r.start)},"end":${s(r.end)},"startSec":${n(r.startSec)},"startNsec":${n(r.startNsec)},` +
    `"endSec":${n(r.endSec)},"endNsec":${n(r.endNsec)},"duration":${n(r.duration)},"packets":${sides(r.packets)},` +
    `"bytes":${sides(r.bytes)},"ipBytes":${sides(r.ipBytes)},"payloadBytes":${sides(r.payloadBytes)},` +
    `"handshake":${handshake(r.handshake)},"state":{"client":${sn(r.state.client)},"server":${sn(r.state.server)}},` +
    `"stateSeconds":${sides(r.stateSeconds)},"stateSince":{"client":${sn(r.stateSince.client)},"server":${sn(r.stateSince.server)}},` +
    `"stateInferred":${b(r.stateInferred)},"teardown":"${r.teardown}",` +
    `"reset":${rs === null ? 'null' : `{"by":"${rs.by}","afterFin":${b(rs.afterFin)},"frame":${n(rs.frame)}}`},` +
    `"halfClose":${hc === null ? 'null' : `{"side":"${hc.side}","bytes":${n(hc.bytes)}}`},` +
    `"retransmissions":${sides(r.retransmissions)},` +
    `"analysis":${an === null ? 'null' : `{"client":${direction(an.client)},"server":${direction(an.server)}}`},` +
    `"zeek":${zeek(r.zeek)},"portReuse":${b(r.portReuse)},"rstOutOfWindow":${n(r.rstOutOfWindow)},` +
    `"icmpRejected":${b(r.icmpRejected)},"service":${sn(r.service)}` +
    tail(r) +
    '}\n';
  return flat(line);
}

/**
 * The line joined into one flat string. A template of ~150 pieces is a tree of V8 cons strings
 * holding every piece alive; lines waiting in the Reorder were then ~5× their length in memory and
 * the pipeline's peak RSS doubled. Converting to a number reads the characters, which makes V8
 * flatten the string in place (the number is thrown away; a line never starts with a digit).
 */
function flat(s: string): string {
  if ((s as unknown as number) - 0 === 1) return s + '';
  return s;
}

/** Incremental JSON array writer: open(), item() for each record, close(). Output is valid JSON. */
export class JsonArrayWriter {
  private n = 0;
  constructor(private readonly write: (s: string) => void) {}
  open(): void {
    this.write('[');
  }
  item(v: unknown): void {
    this.write((this.n++ ? ',\n' : '\n') + JSON.stringify(v));
  }
  close(): void {
    this.write(this.n ? '\n]\n' : ']\n');
  }
}
