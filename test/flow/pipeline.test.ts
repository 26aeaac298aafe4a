/**
 * The whole pipeline on written captures: capture writer → openCapture → Decoder → FlowTracker via
 * src/pipeline.ts's analyze(), checking the NDJSON record contract of issue 3.
 *
 * Expected values are hand-worked:
 *  - timestamps: the DSL starts at 1 700 000 000 s (`date -u -d @1700000000` = 2023-11-14T22:13:20Z),
 *    one packet every 10 ms;
 *  - sizes: IPv4 header 20 + TCP header 20 (no options) + payload;
 *  - states: RFC 9293 §3.6 Figure 12 (normal close), as in states.test.ts;
 *  - Zeek: conn_state SF = "normal establishment and termination" (Zeek conn.log docs); history
 *    letters by the rules in /work/shared/reference/zeek-conn.md (first S, h, A, D per side, F, f).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { Conversation } from '../../src/synth/conversation.js';
import type { Transition } from '../../src/flow/types.js';

const dir = mkdtempSync(join(tmpdir(), 'synfin-flow-'));

describe('analyze() on a written pcap', () => {
  it('yields the NDJSON contract fields for a normal connection', async () => {
    const c = new Conversation({ start: 1_700_000_000 })
      .syn()
      .synAck()
      .ack()
      .data('client', 100)
      .data('server', 200)
      .fin('client')
      .ack('server')
      .fin('server')
      .ack('client');
    const file = join(dir, 'normal.pcap');
    writeFileSync(file, c.pcap());
    const transitions: Transition[] = [];
    const res = await analyze(file, { onTransition: (t) => transitions.push(t) });
    expect(res.error).toBeNull();
    expect(res.records).toHaveLength(1);
    // As `synfin flows --format ndjson` prints it: through JSON.
    const r = JSON.parse(JSON.stringify(res.records[0]));
    expect(r).toMatchObject({
      id: 1,
      proto: 'tcp',
      client: { ip: '10.0.0.1', port: 40000 },
      server: { ip: '10.0.0.2', port: 80 },
      start: '2023-11-14T22:13:20.000000Z',
      end: '2023-11-14T22:13:20.080000Z',
      packets: { client: 5, server: 4 },
      bytes: { client: 100, server: 200 },
      // client: SYN 40, ACK 40, data 140, FIN 40, ACK 40; server: SYN-ACK 40, data 240, ACK 40, FIN 40
      ipBytes: { client: 300, server: 360 },
      handshake: { complete: true },
      state: { client: 'TIME_WAIT', server: 'CLOSED' },
      teardown: 'graceful',
      retransmissions: { client: 0, server: 0 },
      zeek: { conn_state: 'SF', history: 'ShADdFaf' },
      service: 'http',
      portReuse: false,
      rstOutOfWindow: 0,
      icmpRejected: false,
      reset: null,
      halfClose: null,
    });
    expect(r.vlan).toBeUndefined();
    expect(r.duration).toBeCloseTo(0.08, 9);
    expect(r.handshake.rttMs).toBeCloseTo(20, 6);
    // Transitions as events: client SYN_SENT, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT;
    // server SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED — 10 in all, with frame numbers.
    expect(transitions.map((t) => `${t.frame}:${t.side}:${t.from}->${t.to}`)).toEqual([
      '1:client:null->SYN_SENT',
      '2:server:null->SYN_RECEIVED',
      '3:client:SYN_SENT->ESTABLISHED',
      '3:server:SYN_RECEIVED->ESTABLISHED',
      '6:client:ESTABLISHED->FIN_WAIT_1',
      '7:server:ESTABLISHED->CLOSE_WAIT',
      '7:client:FIN_WAIT_1->FIN_WAIT_2',
      '8:server:CLOSE_WAIT->LAST_ACK',
      '9:client:FIN_WAIT_2->TIME_WAIT',
      '9:server:LAST_ACK->CLOSED',
    ]);
    expect(transitions[4].cause).toBe('client→server FIN,ACK seq=101 ack=201');
  });

  it('records come in id order and each connection once, several flows interleaved', async () => {
    const a = new Conversation({ start: 1_700_000_000, clientPort: 1111 }).syn().synAck().ack().rst('client');
    const b = new Conversation({ start: 1_700_000_000.005, clientPort: 2222 }).syn().synAck().ack();
    const u = new Conversation({ start: 1_700_000_000.001, serverPort: 53 }).udp('client', 20).udp('server', 80);
    // Merge by time into one capture.
    const pk = [...a.packets(), ...b.packets(), ...u.packets()].sort((x, y) => x.tsSec - y.tsSec || x.tsNsec - y.tsNsec);
    const { writePcap } = await import('../../src/capture/writer.js');
    const file = join(dir, 'mixed.pcap');
    writeFileSync(file, writePcap(pk, { nanosecond: true }));
    const res = await analyze(file, { transitions: true });
    const ids = res.records.map((r) => r.id).sort((x, y) => x - y);
    expect(ids).toEqual([1, 2, 3]);
    const byPort = Object.fromEntries(res.records.map((r) => [r.client.port, r]));
    // Order of first packets: a's SYN (t0), u's query (t0+1 ms), b's SYN (t0+5 ms).
    expect(byPort[1111].id).toBe(1);
    expect(byPort[40000].id).toBe(2);
    expect(byPort[2222].id).toBe(3);
    expect(byPort[1111].teardown).toBe('reset-client');
    expect(byPort[2222].state).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(byPort[2222].transitions).toHaveLength(4);
    expect(byPort[40000].proto).toBe('udp');
  });
});
