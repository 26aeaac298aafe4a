/**
 * Lazily attached analysers (Conn.zeek / Conn.pendSlot in src/flow/conn.ts): a TCP connection
 * opened by a SYN gets its sequence analysis and Zeek's view only at its second segment (or when its
 * record is made), the SYN being replayed into them then. Its record must be exactly the record of
 * the eager path (TrackerOptions.eagerAnalysers, the analysers attached at the first segment, as
 * before), however late the second segment comes. Checked two ways: hand-worked packet sequences
 * whose fields are worked out below from the rules (Wireshark's window scaling and retransmission
 * rules, Zeek's history letters and conn_state), and the eager path on the fixtures and the corpus.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrackerOptions } from '../../src/flow/tracker.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { Conversation } from '../../src/synth/conversation.js';
import { fixtureCaptures, runFile, runRecords } from './helpers.js';

const root = path.resolve(__dirname, '../..');
const corpus = path.resolve(root, '../shared/corpus/tcpdump');

type Opts = Partial<TrackerOptions>;

/** The lazy run's records, after checking that they equal the eager run's. */
function bothPaths(convs: Conversation | Conversation[], o: Opts = {}): FlowRecord[] {
  const lazy = runRecords(convs, o);
  expect(lazy).toEqual(runRecords(convs, { ...o, eagerAnalysers: true }));
  return lazy;
}

describe('a SYN whose connection sees its second segment late', () => {
  it('SYN, SYN-ACK 30 s later, ACK: window scaling, handshake and Zeek view as if analysed at once', () => {
    const c = new Conversation({ start: 1_700_000_000 });
    c.syn({ options: { mss: 1460, wscale: 7 } })
      .synAck({ after: 30, options: { mss: 1460, wscale: 7 } })
      .ack('client', { after: 0.01, window: 502 });
    const [r] = bothPaths(c);
    expect(r.packets).toEqual({ client: 2, server: 1 });
    expect(r.state).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    // Both SYNs offered wscale 7, so the client's ACK window is 502 << 7 = 64256; a SYN's own window
    // is never scaled (65535). Had the held SYN lost its option, the scale would be off (-2) and the
    // client's smallest window 502.
    const a = r.analysis!;
    expect(a.client.windowScaleKnown).toBe(true);
    expect([a.client.windowMin, a.client.windowMax, a.client.windowLast]).toEqual([64256, 65535, 64256]);
    expect([a.server.windowMin, a.server.windowMax, a.server.windowLast]).toEqual([65535, 65535, 65535]);
    expect(a.client.retransmissions + a.server.retransmissions).toBe(0);
    const h = r.handshake!;
    expect(h.complete).toBe(true);
    expect(h.synToSynAckMs).toBeCloseTo(30_000, 3);
    expect(h.synAckToAckMs).toBeCloseTo(10, 3);
    expect(h.options.client).toMatchObject({ mss: 1460, wscale: 7 });
    // Zeek: S (client SYN), h (server SYN-ACK), A (client ACK); both endpoints ESTABLISHED = S1.
    expect(r.zeek.history).toBe('ShA');
    expect(r.zeek.conn_state).toBe('S1');
    // IP bytes: the SYN 20 + 20 + 8 (MSS 4, window scale 3, 1 padding), the ACK 20 + 20.
    expect([r.zeek.orig_pkts, r.zeek.resp_pkts, r.zeek.orig_ip_bytes]).toEqual([2, 1, 48 + 40]);
  });

  it('SYN retransmitted 3 s later, never answered: one retransmission, Zeek S0 with a single S', () => {
    const c = new Conversation({ start: 1_700_000_000 });
    c.syn().retransmit(0, { after: 3 });
    const [r] = bothPaths(c);
    // The second SYN has seq < nextseq (ISN + 1) and comes 3 s after it, past the 3 ms default
    // out-of-order threshold (no iRTT): a retransmission (Wireshark), a SYN retransmission.
    expect(r.analysis!.client.retransmissions).toBe(1);
    expect(r.handshake!.synRetransmissions).toBe(1);
    // Zeek adds no second S for a SYN at the same relative sequence number.
    expect(r.zeek.history).toBe('S');
    expect(r.zeek.conn_state).toBe('S0');
    expect(r.zeek.orig_pkts).toBe(2);
    expect(r.state).toEqual({ client: 'SYN_SENT', server: null });
  });

  it('a SYN-ACK first (backscatter) reset 0.5 s later; a lone SYN; SYNs evicted by the bound', () => {
    const back = new Conversation({ start: 1_700_000_000, clientPort: 41000 });
    back.synAck().rst('client', { after: 0.5 });
    const lone = new Conversation({ start: 1_700_000_001, clientPort: 41001 });
    lone.syn();
    const flood = Array.from({ length: 6 }, (_, i) => new Conversation({ start: 1_700_000_002 + i, clientPort: 42000 + i }).syn());
    const rs = bothPaths([back, lone, ...flood], { maxConnections: 3 });
    // The RST (the backscatter's second segment, checked against the window the SYN-ACK announced)
    // closes it; from the 4th flow on, each new one evicts the least recently active closed or
    // half-open one: the closed backscatter (not counted as evicted), then the lone SYN and the
    // first three of the flood; the last three are reported at the end.
    expect(rs.length).toBe(8);
    expect(rs.filter((r) => r.evicted).map((r) => r.client.port)).toEqual([41001, 42000, 42001, 42002]);
    const b = rs.find((r) => r.client.port === 41000)!;
    expect(b.reset?.by).toBe('client');
    expect(b.evicted).toBeUndefined();
    const l = rs.find((r) => r.client.port === 41001)!;
    expect(l.zeek.history).toBe('S');
    expect(l.zeek.conn_state).toBe('S0');
  });
});

describe('lazy and eager analysers give the same records', () => {
  const files = fixtureCaptures(root);
  for (const f of files) {
    it(path.relative(root, f), async () => {
      const lazy = await runFile(f, {});
      expect(lazy.length).toBeGreaterThan(0);
      expect(lazy).toEqual(await runFile(f, { eagerAnalysers: true }));
    });
  }

  it.skipIf(!fs.existsSync(corpus))('tcpdump corpus, every capture (with and without a connection bound)', async () => {
    let n = 0;
    for (const f of fs.readdirSync(corpus).filter((x) => /\.(pcap|pcapng)$/.test(x))) {
      const file = path.join(corpus, f);
      for (const o of [{}, { maxConnections: 4 }]) {
        const lazy = await runFile(file, o);
        expect(lazy).toEqual(await runFile(file, { ...o, eagerAnalysers: true }));
        n += lazy.length;
      }
    }
    expect(n).toBeGreaterThan(1000);
  }, 300_000);
});

if (!fs.existsSync(corpus)) console.warn(`lazy.test: ${corpus} absent, corpus comparison skipped`);
