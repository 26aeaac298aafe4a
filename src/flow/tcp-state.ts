/**
 * Every TCP state transition synfin applies, in one place: one `switch` on (state, event),
 * each arm citing RFC 9293 (§3.3.2 the state diagram, §3.5 opening, §3.6 closing, §3.10.4 CLOSE/ABORT,
 * §3.10.7 SEGMENT ARRIVES, §3.10.8 timeouts) or RFC 5961 (RST acceptance).
 *
 * A capture point does not see inside the endpoints. The events below are what the capture shows
 * an endpoint did, and the machine yields the state the endpoint must have been in, given what was
 * seen (docs/states.md):
 *
 *   SEND_SYN        the side sent a SYN without ACK                         (active OPEN)
 *   SEND_SYNACK     the side sent a SYN with ACK (so it had received the peer's SYN)
 *   SEND_FIN        the side sent its (first) FIN                           (CLOSE)
 *   RCV_SYN         the side's ACK field (on a segment without SYN) shows it received the peer's SYN
 *   RCV_FIN         the side received the peer's FIN: its ACK field covers the FIN, or the peer has
 *                   since sent a segment whose sequence number is past the FIN (which the side can
 *                   only process after the FIN, §3.10.7.4 "segments are processed in sequence")
 *   RCV_ACK_OF_SYN  the peer acknowledged this side's SYN
 *   RCV_ACK_OF_FIN  the peer acknowledged this side's FIN
 *   SEND_RST        the side sent an acceptable RST                           (ABORT)
 *   RCV_RST         the side received an acceptable RST (in window, RFC 5961 §3.2)
 *   MIDSTREAM       the capture started after the handshake: the side must be synchronized
 *   TIME_WAIT_EXPIRY  2×MSL (the configured --time-wait) passed in capture time
 *   REOPEN          a new SYN (new ISN) on the 4-tuple starts the next incarnation of the connection
 *
 * Numbers, not strings, on the hot path: states are `St` values; STATE_NAMES maps them to the
 * names of types.ts. St.NONE is "the capture shows nothing of this side" (null in the record).
 */
import type { TcpState } from './types.js';

export enum St {
  NONE = 0,
  CLOSED = 1,
  LISTEN = 2,
  SYN_SENT = 3,
  SYN_RECEIVED = 4,
  ESTABLISHED = 5,
  FIN_WAIT_1 = 6,
  FIN_WAIT_2 = 7,
  CLOSE_WAIT = 8,
  CLOSING = 9,
  LAST_ACK = 10,
  TIME_WAIT = 11,
}

/** Index by St. NONE → null. */
export const STATE_NAMES: ReadonlyArray<TcpState | null> = [
  null,
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
];

export enum Ev {
  SEND_SYN = 0,
  SEND_SYNACK = 1,
  SEND_FIN = 2,
  RCV_SYN = 3,
  RCV_FIN = 4,
  RCV_ACK_OF_SYN = 5,
  RCV_ACK_OF_FIN = 6,
  SEND_RST = 7,
  RCV_RST = 8,
  MIDSTREAM = 9,
  TIME_WAIT_EXPIRY = 10,
  REOPEN = 11,
}

/**
 * The next state of one endpoint after event `ev`, or `s` itself when the event changes nothing
 * (retransmissions, duplicates, events that do not apply in that state).
 *
 * `ownSynAcked`: the peer has already acknowledged this side's SYN (SND.UNA > ISS); it decides
 * SYN_SENT + RCV_SYN (§3.10.7.3: ESTABLISHED if our SYN has been ACKed, else SYN-RECEIVED).
 */
export function nextState(s: St, ev: Ev, ownSynAcked: boolean): St {
  switch (ev) {
    case Ev.SEND_SYN:
      switch (s) {
        // §3.3.2 diagram "CLOSED —active OPEN / snd SYN→ SYN-SENT"; §3.5 Figure 6 line 2.
        // NONE: the capture's first sight of this side is its SYN, so it was CLOSED before.
        case St.NONE:
        case St.CLOSED:
          return St.SYN_SENT;
        // §3.3.2 "LISTEN —SEND / snd SYN→ SYN-SENT" (§3.10.2 SEND call in LISTEN).
        case St.LISTEN:
          return St.SYN_SENT;
        // Anything else: a retransmitted SYN (§3.8.1 retransmission), no state change.
        default:
          return s;
      }

    case Ev.SEND_SYNACK:
      switch (s) {
        // §3.10.7.2 LISTEN: "If the SYN bit is set … set the state to SYN-RECEIVED" and send
        // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. NONE: the side was listening, unseen (§3.5 Figure 6 line 3).
        case St.NONE:
        case St.LISTEN:
        case St.CLOSED:
          return St.SYN_RECEIVED;
        // §3.10.7.3 SYN-SENT, fourth: SYN without an acceptable ACK → "enter SYN-RECEIVED, form a
        // SYN,ACK segment" (simultaneous open, §3.5 Figure 7 line 3).
        case St.SYN_SENT:
          return St.SYN_RECEIVED;
        // SYN_RECEIVED: retransmitted SYN,ACK. Later states: late duplicate. No change.
        default:
          return s;
      }

    case Ev.RCV_SYN:
      switch (s) {
        // §3.10.7.3 SYN-SENT, fourth: SYN with our SYN ACKed → ESTABLISHED (Figure 6 line 4);
        // without → SYN-RECEIVED (Figure 7 line 3).
        case St.SYN_SENT:
          return ownSynAcked ? St.ESTABLISHED : St.SYN_RECEIVED;
        // The side's SYN was not captured but it acknowledges the peer's SYN on a non-SYN
        // segment: it must have been SYN-SENT and is now synchronized (§3.10.7.3), inferred.
        case St.NONE:
          return St.ESTABLISHED;
        default:
          return s;
      }

    case Ev.RCV_ACK_OF_SYN:
      switch (s) {
        // §3.10.7.4 SYN-RECEIVED, fifth (ACK field): "If SND.UNA < SEG.ACK =< SND.NXT, then enter
        // ESTABLISHED state" (§3.5 Figure 6 line 4 at the server, Figure 7 line 7).
        case St.SYN_RECEIVED:
          return St.ESTABLISHED;
        // SYN_SENT: §3.10.7.3 — an ACK without SYN leaves SYN-SENT ("drop the segment and return");
        // the tracker remembers the ACK (ownSynAcked) for RCV_SYN / SEND_SYNACK.
        default:
          return s;
      }

    case Ev.SEND_FIN:
      switch (s) {
        // §3.6 "Case 1: Local user initiates the close … enters FIN-WAIT-1"; §3.10.4 CLOSE in
        // ESTABLISHED and in SYN-RECEIVED ("form a FIN segment … enter FIN-WAIT-1").
        case St.ESTABLISHED:
        case St.SYN_RECEIVED:
          return St.FIN_WAIT_1;
        // A FIN from a side we still hold in SYN_SENT (its ACK of the peer's SYN-ACK was not
        // captured): a SYN-SENT endpoint cannot send a FIN (§3.10.4 deletes the TCB), so it must
        // have been synchronized: FIN-WAIT-1, inferred.
        case St.SYN_SENT:
          return St.FIN_WAIT_1;
        // §3.6 "Case 2: TCP receives a FIN from the network … the user … can issue a CLOSE …
        // enters LAST-ACK"; §3.10.4 CLOSE in CLOSE-WAIT.
        case St.CLOSE_WAIT:
          return St.LAST_ACK;
        // Retransmitted or duplicate FIN: no change.
        default:
          return s;
      }

    case Ev.RCV_FIN:
      switch (s) {
        // §3.10.7.4 eighth (FIN bit): "SYN-RECEIVED STATE, ESTABLISHED STATE: Enter the CLOSE-WAIT state".
        case St.SYN_RECEIVED:
        case St.ESTABLISHED:
          return St.CLOSE_WAIT;
        // §3.10.7.4 eighth: "FIN-WAIT-1 STATE: If our FIN has been ACKed (perhaps in this segment),
        // then enter TIME-WAIT …; otherwise, enter the CLOSING state" (the ACK of our FIN is its
        // own event, RCV_ACK_OF_FIN, processed in capture order: FIN_WAIT_1 here means not ACKed).
        // §3.6 Figure 13 (simultaneous close).
        case St.FIN_WAIT_1:
          return St.CLOSING;
        // §3.10.7.4 eighth: "FIN-WAIT-2 STATE: Enter the TIME-WAIT state".
        case St.FIN_WAIT_2:
          return St.TIME_WAIT;
        // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the … state"; TIME-WAIT: remain and restart
        // the 2 MSL timeout (the tracker restarts it).
        default:
          return s;
      }

    case Ev.RCV_ACK_OF_FIN:
      switch (s) {
        // §3.10.7.4 fifth: "FIN-WAIT-1 STATE: … if the FIN segment is now acknowledged, then enter FIN-WAIT-2".
        case St.FIN_WAIT_1:
          return St.FIN_WAIT_2;
        // §3.10.7.4 fifth: "CLOSING STATE: … if the ACK acknowledges our FIN, then enter the TIME-WAIT state".
        case St.CLOSING:
          return St.TIME_WAIT;
        // §3.10.7.4 fifth: "LAST-ACK STATE: … If our FIN is now acknowledged, delete the TCB, enter
        // the CLOSED state".
        case St.LAST_ACK:
          return St.CLOSED;
        default:
          return s;
      }

    case Ev.SEND_RST:
      switch (s) {
        // Already closed: a further RST changes nothing (§3.10.7.1 CLOSED answers with RST).
        case St.CLOSED:
          return s;
        // §3.10.7.2 LISTEN answers an unacceptable segment with RST and stays in LISTEN.
        case St.LISTEN:
          return s;
        // §3.10.4 ABORT ("send a reset segment … enter CLOSED state"). NONE: the RST is the first
        // thing seen of this side (e.g. a SYN to a port with no listener): it is CLOSED.
        default:
          return St.CLOSED;
      }

    case Ev.RCV_RST:
      switch (s) {
        // Nothing seen of this side: stays unknown. §3.10.7.1 CLOSED / §3.10.7.2 LISTEN: an
        // incoming RST is discarded / ignored.
        case St.NONE:
        case St.CLOSED:
        case St.LISTEN:
          return s;
        // §3.10.7.3 SYN-SENT: "If the RST bit is set — If the ACK was acceptable, then signal to the
        // user 'error: connection reset', drop the segment, enter CLOSED state" (a rejected SYN).
        case St.SYN_SENT:
          return St.CLOSED;
        // §3.10.7.4 second (RST bit), with RFC 5961 §3.2 acceptance (the tracker only raises this
        // event for an RST inside the receive window): ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2,
        // CLOSE-WAIT → CLOSED; CLOSING, LAST-ACK, TIME-WAIT → "enter the CLOSED state" (TIME-WAIT
        // assassination, RFC 1337, is what RFC 9293 still specifies). SYN-RECEIVED: the RFC returns
        // a passively opened TCB to LISTEN; that is the listener, not this connection, which is
        // gone (Linux drops the request socket; `ss` shows nothing): CLOSED.
        default:
          return St.CLOSED;
      }

    case Ev.MIDSTREAM:
      switch (s) {
        // No RFC arm: the capture began after the handshake, and a side that exchanges
        // non-SYN segments is synchronized (§3.3.2: ESTABLISHED or later); inferred.
        case St.NONE:
          return St.ESTABLISHED;
        default:
          return s;
      }

    case Ev.REOPEN:
      switch (s) {
        // §3.6.1: a TCP endpoint "MAY accept a new SYN from the remote TCP endpoint to reopen the
        // connection directly from TIME-WAIT state (MAY-2)" (RFC 6191): this incarnation ends
        // here, CLOSED; the SYN belongs to the next one. Other states are left as they were seen.
        case St.TIME_WAIT:
          return St.CLOSED;
        default:
          return s;
      }

    case Ev.TIME_WAIT_EXPIRY:
      switch (s) {
        // §3.10.8 "Time-Wait Timeout: If the time-wait timeout expires on a connection, delete the
        // TCB, enter the CLOSED state and return"; §3.3.2 diagram "Timeout=2MSL".
        case St.TIME_WAIT:
          return St.CLOSED;
        default:
          return s;
      }
  }
}

/** States in which a side still holds an open (synchronized or synchronizing) connection. */
export function isOpen(s: St): boolean {
  return s !== St.NONE && s !== St.CLOSED && s !== St.TIME_WAIT && s !== St.LISTEN;
}
