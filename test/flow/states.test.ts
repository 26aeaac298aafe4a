/**
 * Every path through RFC 9293's state diagram (§3.3.2) that issue 3 names, as a scenario built with
 * the Conversation DSL, asserting BOTH sides' states after EVERY packet.
 *
 * Where the expected values come from: each sequence below is worked by hand from RFC 9293
 * (§3.5 Figures 6 and 7, §3.6 Figures 12 and 13, §3.10.7 SEGMENT ARRIVES) applied to what the
 * capture shows each endpoint sent and received, with the rule of docs/states.md: a side's receipt
 * of a SYN or FIN is evidenced by its ACK of it (or by the peer's later segment past it), a side's
 * receipt of an ACK is assumed when the ACK passes the capture point. The issue's own sentence
 * "a SYN moves the sender to SYN_SENT; the SYN-ACK moves the server to SYN_RECEIVED; the ACK of it
 * moves both to ESTABLISHED; FIN → FIN_WAIT_1; its ACK → FIN_WAIT_2 while the peer is CLOSE_WAIT;
 * peer's FIN → LAST_ACK; ACK of that → TIME_WAIT / CLOSED" is the normal path written out.
 *
 * Every scenario runs twice: through the project's Decoder (frames → Packet) and with the Packet
 * filled straight from the DSL, so a decoder bug and a state-machine bug are told apart.
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/synth/conversation.js';
import { Note } from '../../src/flow/types.js';
import { type Pair, run } from './helpers.js';

const N = null;
const SS = 'SYN_SENT' as const;
const SR = 'SYN_RECEIVED' as const;
const E = 'ESTABLISHED' as const;
const FW1 = 'FIN_WAIT_1' as const;
const FW2 = 'FIN_WAIT_2' as const;
const CW = 'CLOSE_WAIT' as const;
const CL = 'CLOSING' as const;
const LA = 'LAST_ACK' as const;
const TW = 'TIME_WAIT' as const;
const C = 'CLOSED' as const;

function open(o: ConstructorParameters<typeof Conversation>[0] = {}): Conversation {
  return new Conversation(o).syn().synAck().ack();
}
const OPEN: Pair[] = [
  [SS, N], // SYN: client CLOSED → SYN_SENT (§3.5 Fig. 6 line 2); server not seen yet
  [SS, SR], // SYN,ACK: server LISTEN → SYN_RECEIVED (Fig. 6 line 3)
  [E, E], // ACK: client ESTABLISHED (it received the SYN,ACK), server ESTABLISHED (Fig. 6 line 4)
];

for (const decode of [true, false]) {
  describe(`TCP state paths (${decode ? 'through the decoder' : 'Packet filled directly'})`, () => {
    it('normal open, data, client-first close', () => {
      const c = open().data('client', 100).data('server', 200).fin('client').ack('server').fin('server').ack('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([
        ...OPEN,
        [E, E],
        [E, E],
        [FW1, E], // client FIN: §3.6 case 1, FIN-WAIT-1
        [FW2, CW], // server ACKs it: server CLOSE-WAIT (§3.10.7.4 FIN bit), client FIN-WAIT-2
        [FW2, LA], // server FIN: CLOSE-WAIT → LAST-ACK
        [TW, C], // client ACKs it: FIN-WAIT-2 → TIME-WAIT; server LAST-ACK → CLOSED
      ]);
      expect(r.records).toHaveLength(1);
      const rec = r.records[0];
      expect(rec.teardown).toBe('graceful');
      expect(rec.state).toEqual({ client: TW, server: C });
      expect(rec.handshake?.complete).toBe(true);
      // SYN at t0, SYN-ACK t0+10 ms, ACK t0+20 ms (DSL step 0.01 s): 10 + 10 ms.
      expect(rec.handshake?.rttMs).toBeCloseTo(20, 6);
      expect(rec.handshake?.synToSynAckMs).toBeCloseTo(10, 6);
      expect(rec.handshake?.synAckToAckMs).toBeCloseTo(10, 6);
      expect(rec.directionInferred).toBe(false);
      expect(rec.stateInferred).toBe(false);
      // Capture ends at the last ACK: the client has been in TIME_WAIT 0 s, server CLOSED 0 s.
      expect(rec.stateSeconds).toEqual({ client: 0, server: 0 });
    });

    it('server-first close', () => {
      const c = open().fin('server').ack('client').fin('client').ack('server');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [E, FW1], [CW, FW2], [LA, FW2], [C, TW]]);
      expect(r.records[0].teardown).toBe('graceful');
    });

    it('three-segment close (FIN carried with the ACK)', () => {
      const c = open().fin('client').fin('server').ack('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([
        ...OPEN,
        [FW1, E],
        // server FIN,ACK acks the client's FIN (server → CLOSE_WAIT) and carries its own FIN
        // (→ LAST_ACK) in one segment; the client's FIN is ACKed (→ FIN_WAIT_2).
        [FW2, LA],
        [TW, C],
      ]);
      const tr = r.transitions.filter((t) => t.side === 'server').map((t) => t.to);
      expect(tr).toEqual([SR, E, CW, LA, C]);
    });

    it('simultaneous close (FINs crossing): CLOSING then TIME_WAIT on both sides', () => {
      // The server's FIN does not acknowledge the client's FIN (ack=1: the FIN occupies seq 1).
      const c = open().fin('client').fin('server', { ack: 1 }).ack('client').ack('server');
      const r = run(c, { decode });
      expect(r.states).toEqual([
        ...OPEN,
        [FW1, E],
        [FW1, FW1], // server's FIN crosses: server ESTABLISHED → FIN_WAIT_1
        // client ACKs the server's FIN while its own is unacked: FIN-WAIT-1 → CLOSING (§3.10.7.4);
        // the server must have processed the client's FIN before this segment (seq past it):
        // FIN-WAIT-1 → CLOSING, then the ACK of its FIN → TIME-WAIT.
        [CL, TW],
        [TW, TW], // server's ACK of the client's FIN: CLOSING → TIME-WAIT (Fig. 13)
      ]);
      expect(r.records[0].teardown).toBe('simultaneous');
      const client = r.transitions.filter((t) => t.side === 'client').map((t) => t.to);
      const server = r.transitions.filter((t) => t.side === 'server').map((t) => t.to);
      expect(client).toEqual([SS, E, FW1, CL, TW]);
      expect(server).toEqual([SR, E, FW1, CL, TW]);
    });

    it('FIN with the last data', () => {
      // client sends 50 bytes with its FIN (seq 1..50, FIN at 51); the server first ACKs only the data.
      const c = open().fin('client', { len: 50 }).ack('server', { ack: 51 }).ack('server').fin('server').ack('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([
        ...OPEN,
        [FW1, E],
        [FW1, E], // ack=51 covers the data, not the FIN (which is seq 51, ACKed by 52)
        [FW2, CW],
        [FW2, LA],
        [TW, C],
      ]);
    });

    it('simultaneous open (§3.5 Figure 7)', () => {
      const c = new Conversation()
        .syn()
        .tcp('server', 'S', { seq: 0, ack: null })
        .tcp('client', 'SA', { seq: 0 })
        .tcp('server', 'SA', { seq: 0 });
      const r = run(c, { decode });
      expect(r.states).toEqual([
        [SS, N],
        [SS, SS], // the other side's own SYN: CLOSED → SYN_SENT
        [SR, SS], // client's SYN,ACK shows it got the bare SYN in SYN-SENT: → SYN-RECEIVED (§3.10.7.3)
        // server's SYN,ACK: SYN-SENT → SYN-RECEIVED, and its SYN was already ACKed by the
        // client's SYN,ACK → ESTABLISHED; the client's SYN is ACKed → ESTABLISHED.
        [E, E],
      ]);
      expect(r.records[0].client.ip).toBe('10.0.0.1');
    });

    it('retransmitted SYN: RTT from the last SYN (Wireshark ts_mru_syn)', () => {
      const c = new Conversation().syn().syn({ after: 1 }).synAck().ack();
      const r = run(c, { decode });
      expect(r.states).toEqual([[SS, N], [SS, N], [SS, SR], [E, E]]);
      expect(r.records).toHaveLength(1);
      const h = r.records[0].handshake!;
      expect(h.synRetransmissions).toBe(1);
      expect(h.rttMs).toBeCloseTo(20, 6); // from the retransmission at t0+1 s: 10 ms + 10 ms
      expect(r.events[1].notes & Note.SYN_RETRANSMISSION).toBeTruthy();
      // Retransmissions per side count the SYN (issue 3 contract).
      expect(r.records[0].retransmissions.client).toBe(1);
    });

    it('retransmitted SYN-ACK', () => {
      const c = new Conversation().syn().synAck().synAck({ after: 1 }).ack();
      const r = run(c, { decode });
      expect(r.states).toEqual([[SS, N], [SS, SR], [SS, SR], [E, E]]);
      expect(r.records[0].handshake!.synAckRetransmissions).toBe(1);
    });

    it('retransmitted FIN, then acknowledged', () => {
      const c = open().fin('client').fin('client', { seq: 1, after: 0.2 }).ack('server').fin('server').ack('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [FW1, E], [FW1, E], [FW2, CW], [FW2, LA], [TW, C]]);
      expect(r.records[0].retransmissions.client).toBe(1);
    });

    it('FIN never acknowledged', () => {
      const c = open().fin('client').fin('client', { seq: 1, after: 0.2 });
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [FW1, E], [FW1, E]]);
      expect(r.records[0].teardown).toBe('incomplete');
      expect(r.records[0].state).toEqual({ client: FW1, server: E });
      // The client entered FIN_WAIT_1 at packet 4; the capture ends 0.2 s later.
      expect(r.records[0].stateSeconds.client).toBeCloseTo(0.2, 9);
    });

    it('RST inside the window from the client closes both sides', () => {
      const c = open().data('client', 10).rst('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [E, E], [C, C]]); // §3.10.4 ABORT; §3.10.7.4 RST → CLOSED
      expect(r.records[0].teardown).toBe('reset-client');
      expect(r.records[0].reset).toEqual({ by: 'client', afterFin: false, frame: 5 });
    });

    it('RST inside the window from the server closes both sides', () => {
      const c = open().rst('server', { ack: 1 });
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [C, C]]);
      expect(r.records[0].teardown).toBe('reset-server');
      expect(r.records[0].reset).toEqual({ by: 'server', afterFin: false, frame: 4 });
    });

    it('RST outside the window is flagged and not applied (RFC 5961 §3.2)', () => {
      // seq 1 000 000 past the client's next sequence number, window 65535 unscaled.
      const c = open().rst('client', { seq: 1_000_000 }).data('client', 10).ack('server');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [E, E], [E, E], [E, E]]);
      expect(r.records[0].rstOutOfWindow).toBe(1);
      expect(r.records[0].reset).toBeNull();
      expect(r.records[0].teardown).toBe('none');
      expect(r.events[3].notes & Note.RST_OUT_OF_WINDOW).toBeTruthy();
    });

    it('RST after FIN', () => {
      const c = open().fin('client').ack('server').rst('server');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [FW1, E], [FW2, CW], [C, C]]);
      expect(r.records[0].teardown).toBe('reset-server');
      expect(r.records[0].reset).toEqual({ by: 'server', afterFin: true, frame: 6 });
    });

    it('SYN answered by RST: rejected', () => {
      const c = new Conversation().syn().rst('server', { seq: 0, ack: 1 });
      const r = run(c, { decode });
      // §3.10.7.3 SYN-SENT: RST with an acceptable ACK → CLOSED; the server (no listener) is CLOSED.
      expect(r.states).toEqual([[SS, N], [C, C]]);
      expect(r.records[0].teardown).toBe('rejected');
      expect(r.records[0].handshake!.complete).toBe(false);
    });

    it('SYN never answered: the server is null', () => {
      const c = new Conversation().syn().syn({ after: 1 }).syn({ after: 2 });
      const r = run(c, { decode });
      expect(r.states).toEqual([[SS, N], [SS, N], [SS, N]]);
      const rec = r.records[0];
      expect(rec.teardown).toBe('unanswered');
      expect(rec.state).toEqual({ client: SS, server: null });
      expect(rec.stateSeconds.server).toBeNull();
      expect(rec.stateSeconds.client).toBeCloseTo(3, 9); // SYN at t0, capture ends t0+1+2 (`after` replaces the step)
      expect(rec.handshake!.synRetransmissions).toBe(2);
    });

    it('mid-connection start: ESTABLISHED inferred, client from the well-known port', () => {
      // The first captured packet is the server's data (port 80 → 40000).
      const c = new Conversation().data('server', 100).data('client', 20).fin('client').ack('server');
      const r = run(c, { decode });
      expect(r.states).toEqual([[E, E], [E, E], [FW1, E], [FW2, CW]]);
      const rec = r.records[0];
      expect(rec.stateInferred).toBe(true);
      expect(rec.directionInferred).toBe(true);
      expect(rec.client).toEqual({ ip: '10.0.0.1', port: 40000 });
      expect(rec.server).toEqual({ ip: '10.0.0.2', port: 80 });
      expect(r.transitions.slice(0, 2).every((t) => t.inferred)).toBe(true);
      expect(rec.teardown).toBe('incomplete');
    });

    it('half-close: the side that received the first FIN keeps sending', () => {
      const c = open().fin('client').ack('server').data('server', 300).ack('client').fin('server').ack('client');
      const r = run(c, { decode });
      expect(r.states).toEqual([...OPEN, [FW1, E], [FW2, CW], [FW2, CW], [FW2, CW], [FW2, LA], [TW, C]]);
      expect(r.records[0].halfClose).toEqual({ side: 'server', bytes: 300 });
      expect(r.events[5].notes & Note.HALF_CLOSE_DATA).toBeTruthy();
      expect(r.records[0].teardown).toBe('graceful');
    });
  });
}

describe('one-sided captures', () => {
  it("the client's SYN, then its data: the SYN-ACK was not captured, so the client is ESTABLISHED (inferred), the server unseen", () => {
    // RFC 9293 §3.10.7.3: a client sends an ACK of the peer's SYN only after a SYN-ACK that ACKed its own SYN.
    const c = new Conversation().syn().tcp('client', 'PA', { len: 10, ack: 1 }).fin('client', { ack: 1 });
    for (const decode of [true, false]) {
      const r = run(c, { decode });
      expect(r.states).toEqual([
        [SS, N],
        [E, N],
        [FW1, N],
      ]);
      expect(r.transitions[1]).toMatchObject({ side: 'client', from: SS, to: E, inferred: true });
    }
  });
});
