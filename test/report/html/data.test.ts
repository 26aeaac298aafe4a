/**
 * The report's embedded data, without a browser: columns, the per-packet budget, escaping, stuck groups.
 * Expected values come from the hand-written exchanges in handmade.ts (counted by hand there).
 */
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../../src/flow/types.js';
import { buildReportData, decodeReportData, encodeDeltas, EventCollector, FlowFlag } from '../../../src/report/html/data.js';
import { escapeHtml, jsonForScript, renderHtml } from '../../../src/report/html/render.js';
import { stuckPanel } from '../../../src/report/html/data.js';
import { StuckCollector } from '../../../src/report/stuck.js';
import { GRACEFUL_STEPS, RETRANS_STEPS, smallInput } from './handmade.js';

describe('buildReportData', () => {
  it('regroups interleaved events per connection, in capture order', () => {
    const { input, events } = smallInput();
    const d = buildReportData(input, new EventCollector().addAll(events));
    expect(d.flows.id).toEqual([1, 2, 3, 4, 5]);
    // Hand counts: 10 segments for #1, 7 for #2, none given for #3, 2 datagrams for #4, 3 SYNs for #5.
    expect(d.flows.en).toEqual([10, 7, 0, 2, 3]);
    expect(d.budget.embedded).toBe(22);
    const o2 = d.flows.en[0]; // #2's events follow #1's
    // #2's frames are 11..17 in order, and its 5th segment is the retransmission at +0.25 s.
    expect(d.events.frame.slice(o2, o2 + 7)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(d.events.rel[o2 + 4]).toBe(0.25);
    expect(d.events.from.slice(o2, o2 + 7)).toEqual(RETRANS_STEPS.map((s) => (s[0] === 'client' ? 0 : 1)));
    // #1's states after its last packet (RFC 9293 Figure 13: active closer in TIME_WAIT, passive CLOSED).
    const o1 = 0;
    expect(d.states[d.events.cst[o1 + 9]]).toBe('TIME_WAIT');
    expect(d.states[d.events.sst[o1 + 9]]).toBe('CLOSED');
    expect(d.events.len.slice(o1, o1 + 10)).toEqual(GRACEFUL_STEPS.map((s) => s[4]));
  });

  it('embeds the state transitions per connection, times from its first packet', () => {
    const { input, events } = smallInput();
    const d = buildReportData(input, new EventCollector().addAll(events));
    // Only #1 carries transitions: one per state change in GRACEFUL_STEPS (steps 1, 2, 3, 3, 8, 8, 9, 9, 10).
    expect(d.flows.tn).toEqual([9, 0, 0, 0, 0]);
    expect(d.transitions.frame).toEqual([1, 2, 3, 3, 8, 8, 9, 9, 10]);
    expect(d.transitions.t).toEqual([0, 0.001, 0.002, 0.002, 0.007, 0.007, 0.008, 0.008, 0.009]);
    expect(d.transitions.to.map((k) => d.states[k])).toEqual([
      'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSE_WAIT', 'TIME_WAIT', 'LAST_ACK', 'CLOSED',
    ]);
    expect(d.transitions.side).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 1]);
  });

  it('puts rows in id order when records come in the order connections ended', () => {
    const { input, events } = smallInput();
    const d = buildReportData({ ...input, records: [...input.records].reverse() }, new EventCollector().addAll(events));
    expect(d.flows.id).toEqual([1, 2, 3, 4, 5]);
    expect(d.flows.en).toEqual([10, 7, 0, 2, 3]);
  });

  it('marks a connection with no embedded packets as cut, and only that one', () => {
    const { input, events } = smallInput();
    const d = buildReportData(input, new EventCollector().addAll(events));
    const cut = d.flows.fl.map((f) => (f & FlowFlag.CUT) !== 0);
    expect(cut).toEqual([false, false, true, false, false]);
    expect(d.budget.cutConnections).toBe(1);
  });

  it('keeps the first N packets per connection and stops at the total budget', () => {
    const { input, events } = smallInput();
    // Per connection 4 (tail clamped to half: the first 2 and the last 2): #1 keeps 4 of 10, #2 4 of 7,
    // #4 its 2, #5 its 3 (2 first + 1 last, nothing left out).
    const a = buildReportData(input, new EventCollector({ perConnection: 4 }).addAll(events));
    expect(a.flows.en).toEqual([4, 4, 0, 2, 3]);
    // #1's frames 1..10: first two, then the last two; #2's frames 11..17: 11, 12, then 16, 17.
    expect(a.events.frame.slice(0, 8)).toEqual([1, 2, 9, 10, 11, 12, 16, 17]);
    expect(a.flows.eh).toEqual([2, 2, 0, 0, 0]);
    expect(a.flows.fl.map((f) => (f & FlowFlag.CUT) !== 0)).toEqual([true, true, true, false, false]);
    // No tail: the first 4 only.
    const h = buildReportData(input, new EventCollector({ perConnection: 4, tail: 0 }).addAll(events));
    expect(h.events.frame.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(h.flows.eh).toEqual([0, 0, 0, 0, 0]);
    // Total 12: the interleaved capture order is frames 1..10 (#1), 11..17 (#2): 10 + 2 of #2, none after.
    const b = buildReportData(input, new EventCollector({ maxEvents: 12 }).addAll(events));
    expect(b.flows.en).toEqual([10, 2, 0, 0, 0]);
    expect(b.flows.fl.map((f) => (f & FlowFlag.CUT) !== 0)).toEqual([false, true, true, true, true]);
  });

  it('summarises teardowns, end states and handshakes as the records say', () => {
    const { input, events } = smallInput();
    const s = buildReportData(input, new EventCollector().addAll(events)).summary;
    expect(s.connections).toEqual({ total: 5, tcp: 4, udp: 1, icmp: 0 });
    // TCP teardowns only (the UDP flow #4 has none), as `synfin summary` counts them.
    expect(s.teardown).toEqual({ graceful: 1, 'reset-server': 1, incomplete: 1, unanswered: 1 });
    // rttMs given for #1, #2, #3; null for #5 (SYN unanswered).
    expect(s.handshakes).toEqual({ complete: 3, incomplete: 1 });
    expect(s.endStates.server).toEqual({ CLOSED: 2, CLOSE_WAIT: 1, unknown: 1 });
    expect(s.span).toBe(7);
    expect(s.first).toBe('2023-11-14T22:13:20.000000Z');
  });
});

function collect(records: FlowRecord[], stuckAfter: number): StuckCollector {
  const c = new StuckCollector(stuckAfter, 60);
  for (const r of records) c.add(r);
  return c;
}

describe('delta encoding of the embedded columns', () => {
  it('round-trips, and turns connection 1 into small steps', () => {
    const { input, events } = smallInput();
    const plain = buildReportData(input, new EventCollector().addAll(events));
    const copy = JSON.parse(JSON.stringify(plain));
    const enc = encodeDeltas(JSON.parse(JSON.stringify(plain)));
    expect(enc.encoding).toBe('delta');
    // #1: frames 1..10 → 1 then +1 each; times 1 ms apart → 0 then 1000 µs each.
    expect(enc.events.frame.slice(0, 10)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(enc.events.rel.slice(0, 10)).toEqual([0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    // Client seq 0, 1, 1, 101, 101, 102 (GRACEFUL_STEPS) → 0, +1, 0, +100, 0, +1.
    const cseq = enc.events.seq.slice(0, 10).filter((_, k) => enc.events.from[k] === 0);
    expect(cseq).toEqual([0, 1, 0, 100, 0, 1]);
    const dec = decodeReportData(enc);
    expect(dec.events).toEqual(copy.events);
    expect(dec.transitions).toEqual(copy.transitions);
  });
});

describe('stuck panel (synfin stuck\'s grouping)', () => {
  it('groups by the endpoint that holds the state', () => {
    const { input } = smallInput();
    const p = stuckPanel(collect(input.records, 10));
    // #3: server 10.0.0.5:8080 in CLOSE_WAIT 120 s and client in FIN_WAIT_2 120 s; #5 client SYN_SENT 30 s.
    // #1's TIME_WAIT is only 5 s old: below --stuck-after 10.
    const key = p.groups.map((x) => `${x.endpoint.ip}:${x.endpoint.port} ${x.side} ${x.state} ${x.count} ${x.oldestSeconds} ${x.ids.join(',')}`).sort();
    expect(key).toEqual([
      '10.0.0.1:40002 client SYN_SENT 1 30 5',
      '10.0.0.5:8080 server CLOSE_WAIT 1 120 3',
      '192.168.1.7:51000 client FIN_WAIT_2 1 120 3',
    ]);
    expect(p.timeWait).toEqual([]);
    expect(p.total).toBe(3);
    const cw = p.groups.find((x) => x.state === 'CLOSE_WAIT')!;
    expect(cw.line).toMatch(/^10\.0\.0\.5:8080 holds 1 connection in CLOSE_WAIT .*oldest 2m00s/);
    // With --stuck-after 1, #1's client (10.0.0.1, port 40000) is a TIME_WAIT host with 1 port.
    const tw = stuckPanel(collect(input.records, 1)).timeWait;
    expect(tw.map((h) => [h.ip, h.count, h.ports, h.ids])).toEqual([['10.0.0.1', 1, 1, [1]]]);
  });
});

describe('escaping', () => {
  it('escapes HTML text and keeps the embedded JSON free of "<"', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const j = jsonForScript({ s: '</script><script>alert(1)</script>\u2028<!--' });
    expect(j).not.toMatch(/</);
    expect(j).not.toMatch(/\u2028/);
    expect(JSON.parse(j)).toEqual({ s: '</script><script>alert(1)</script>\u2028<!--' });
  });

  it('puts a hostile file name into the page only as text', () => {
    // A path whose directory part would end the data <script> and whose base name is an HTML tag.
    const { input, events } = smallInput('</script><!--/<img src=x onerror=alert(1)>.pcap');
    const html = renderHtml(buildReportData(input, new EventCollector().addAll(events)));
    // Exactly three <script> elements: the data, uPlot and the page script.
    expect(html.match(/<script[\s>]/g)?.length).toBe(3);
    expect(html).toContain('<title>synfin report: &lt;img src=x onerror=alert(1)&gt;.pcap</title>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script><!--');
    // No URL but uPlot's banner comment and the SVG namespace name (neither is fetched).
    expect(html.match(/https?:\/\/[^\s"')]+/g)?.filter((u) => !/^https:\/\/github\.com\/leeoniya\/uPlot|^http:\/\/www\.w3\.org\/2000\/svg$/.test(u)) ?? []).toEqual([]);
  });
});
