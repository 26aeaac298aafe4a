/**
 * TCP sequence-number and window analysis of one connection, both directions
 * (Wireshark's tcp.analysis.* rules; definitions written down in docs/analysis.md).
 *
 * STUB: signatures agreed between the tracker (tracker.ts, tcp-state.ts) and this module.
 * dir 0 = client → server, dir 1 = server → client.
 */
import type { Packet } from '../decode/packet.js';
import type { DirectionAnalysis, PerSide } from './types.js';

export class TcpSeqAnalysis {
  /**
   * Analyse one segment of this connection, in capture order. Returns Note bits for the packet.
   * Called for every TCP segment (SYN, data, pure ACK, FIN, RST) before the state machine runs.
   */
  onSegment(_p: Packet, _dir: 0 | 1, _tsSec: number, _tsNsec: number): number {
    return 0;
  }

  /** Is `seq` inside the receive window the peer of `dir` last advertised (RFC 9293 §3.10.7.4 / RFC 5961 §3)? true when unknown. */
  inWindow(_dir: 0 | 1, _seq: number): boolean {
    return true;
  }

  /** Sequence number relative to the sender's ISN (0 = ISN), as Wireshark shows it. */
  relSeq(_dir: 0 | 1, seq: number): number {
    return seq;
  }

  /** Acknowledgement number relative to the peer's ISN. */
  relAck(_dir: 0 | 1, ack: number): number {
    return ack;
  }

  /** Scaled window of the last segment sent in `dir` (raw when the scale is unknown). */
  scaledWindow(_dir: 0 | 1, raw: number): number {
    return raw;
  }

  /** Bytes in flight from `dir` after the last segment, −1 when unknown. */
  inFlight(_dir: 0 | 1): number {
    return -1;
  }

  /** Final analysis per sending side. */
  result(_endSec: number, _endNsec: number): PerSide<DirectionAnalysis> {
    throw new Error('not implemented');
  }
}
