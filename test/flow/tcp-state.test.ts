/**
 * The transition switch on its own: a table written by hand from RFC 9293 (§3.3.2 diagram, §3.5,
 * §3.6, §3.10.4, §3.10.7, §3.10.8) — each row is (state, event) → next state, with the RFC text it
 * comes from. Pairs not listed must leave the state unchanged (retransmissions, duplicates).
 */
import { describe, expect, it } from 'vitest';
import { Ev, nextState, St, STATE_NAMES } from '../../src/flow/tcp-state.js';

type Row = [St, Ev, St, string, boolean?];
const ROWS: Row[] = [
  [St.NONE, Ev.SEND_SYN, St.SYN_SENT, '§3.3.2 CLOSED —active OPEN/snd SYN→ SYN-SENT'],
  [St.CLOSED, Ev.SEND_SYN, St.SYN_SENT, '§3.3.2 CLOSED —active OPEN/snd SYN→ SYN-SENT'],
  [St.LISTEN, Ev.SEND_SYN, St.SYN_SENT, '§3.3.2 LISTEN —SEND/snd SYN→ SYN-SENT'],
  [St.NONE, Ev.SEND_SYNACK, St.SYN_RECEIVED, '§3.10.7.2 LISTEN: SYN → SYN-RECEIVED, send SYN,ACK'],
  [St.LISTEN, Ev.SEND_SYNACK, St.SYN_RECEIVED, '§3.10.7.2'],
  [St.CLOSED, Ev.SEND_SYNACK, St.SYN_RECEIVED, '§3.10.7.2: the SYN-ACK shows a listener answered a (retried) SYN'],
  [St.SYN_SENT, Ev.SEND_SYNACK, St.SYN_RECEIVED, '§3.10.7.3 simultaneous open: enter SYN-RECEIVED'],
  [St.SYN_SENT, Ev.RCV_SYN, St.ESTABLISHED, '§3.10.7.3 our SYN ACKed: ESTABLISHED', true],
  [St.SYN_SENT, Ev.RCV_SYN, St.SYN_RECEIVED, '§3.10.7.3 our SYN not ACKed: SYN-RECEIVED', false],
  [St.SYN_RECEIVED, Ev.RCV_ACK_OF_SYN, St.ESTABLISHED, '§3.10.7.4 SYN-RECEIVED: acceptable ACK → ESTABLISHED'],
  [St.ESTABLISHED, Ev.SEND_FIN, St.FIN_WAIT_1, '§3.6 case 1 / §3.10.4 CLOSE in ESTABLISHED'],
  [St.SYN_RECEIVED, Ev.SEND_FIN, St.FIN_WAIT_1, '§3.10.4 CLOSE in SYN-RECEIVED'],
  [St.CLOSE_WAIT, Ev.SEND_FIN, St.LAST_ACK, '§3.6 case 2 / §3.10.4 CLOSE in CLOSE-WAIT'],
  [St.ESTABLISHED, Ev.RCV_FIN, St.CLOSE_WAIT, '§3.10.7.4 eighth: ESTABLISHED → CLOSE-WAIT'],
  [St.SYN_RECEIVED, Ev.RCV_FIN, St.CLOSE_WAIT, '§3.10.7.4 eighth: SYN-RECEIVED → CLOSE-WAIT'],
  [St.FIN_WAIT_1, Ev.RCV_FIN, St.CLOSING, '§3.10.7.4 eighth: FIN-WAIT-1, FIN not ACKed → CLOSING'],
  [St.FIN_WAIT_2, Ev.RCV_FIN, St.TIME_WAIT, '§3.10.7.4 eighth: FIN-WAIT-2 → TIME-WAIT'],
  [St.FIN_WAIT_1, Ev.RCV_ACK_OF_FIN, St.FIN_WAIT_2, '§3.10.7.4 fifth: FIN-WAIT-1 → FIN-WAIT-2'],
  [St.CLOSING, Ev.RCV_ACK_OF_FIN, St.TIME_WAIT, '§3.10.7.4 fifth: CLOSING → TIME-WAIT'],
  [St.LAST_ACK, Ev.RCV_ACK_OF_FIN, St.CLOSED, '§3.10.7.4 fifth: LAST-ACK → CLOSED'],
  [St.TIME_WAIT, Ev.TIME_WAIT_EXPIRY, St.CLOSED, '§3.10.8 time-wait timeout → CLOSED'],
  [St.TIME_WAIT, Ev.REOPEN, St.CLOSED, '§3.6.1 MAY-2: a new SYN reopens from TIME-WAIT'],
  [St.SYN_SENT, Ev.RCV_RST, St.CLOSED, '§3.10.7.3 RST with acceptable ACK → CLOSED'],
  ...[St.SYN_RECEIVED, St.ESTABLISHED, St.FIN_WAIT_1, St.FIN_WAIT_2, St.CLOSE_WAIT, St.CLOSING, St.LAST_ACK, St.TIME_WAIT].map(
    (s): Row => [s, Ev.RCV_RST, St.CLOSED, '§3.10.7.4 second: RST in window → CLOSED'],
  ),
  ...[St.NONE, St.SYN_SENT, St.SYN_RECEIVED, St.ESTABLISHED, St.FIN_WAIT_1, St.FIN_WAIT_2, St.CLOSE_WAIT, St.CLOSING, St.LAST_ACK, St.TIME_WAIT].map(
    (s): Row => [s, Ev.SEND_RST, St.CLOSED, '§3.10.4 ABORT: send RST, enter CLOSED'],
  ),
  [St.NONE, Ev.MIDSTREAM, St.ESTABLISHED, 'capture began after the handshake (inferred)'],
  [St.NONE, Ev.RCV_SYN, St.ESTABLISHED, 'ACK of the peer SYN from an unseen side: was SYN-SENT (inferred)'],
  [St.SYN_SENT, Ev.SEND_FIN, St.FIN_WAIT_1, 'a FIN proves it was synchronized (inferred)'],
];

const ALL_STATES = Object.values(St).filter((v): v is St => typeof v === 'number');
const ALL_EVENTS = Object.values(Ev).filter((v): v is Ev => typeof v === 'number');

describe('nextState (tcp-state.ts)', () => {
  for (const [s, ev, want, why, acked] of ROWS) {
    it(`${STATE_NAMES[s] ?? 'null'} + ${Ev[ev]} → ${STATE_NAMES[want]} (${why})`, () => {
      expect(nextState(s, ev, acked ?? false)).toBe(want);
    });
  }

  it('every other (state, event) pair leaves the state unchanged', () => {
    const listed = new Set(ROWS.map(([s, ev, , , acked]) => `${s}/${ev}/${acked ?? 'x'}`));
    for (const s of ALL_STATES) {
      for (const ev of ALL_EVENTS) {
        for (const acked of [false, true]) {
          if (listed.has(`${s}/${ev}/x`) || listed.has(`${s}/${ev}/${acked}`)) continue;
          expect(nextState(s, ev, acked), `${STATE_NAMES[s]} + ${Ev[ev]} (acked ${acked})`).toBe(s);
        }
      }
    }
  });
});
