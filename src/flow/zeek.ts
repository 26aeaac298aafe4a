/**
 * Zeek's view of a connection: conn_state, history, missed_bytes and the byte counts, following
 * ../shared/reference/zeek-conn.md (Zeek's TCPSessionAdapter / TCP_Endpoint / conn/main.zeek).
 *
 * STUB: signatures agreed between the tracker and this module.
 */
import type { Packet } from '../decode/packet.js';
import type { Proto, ZeekFields } from './types.js';

export class ZeekConn {
  constructor(readonly proto: Proto) {}

  /**
   * Every packet of the connection in capture order (bad-checksum ones included).
   * fromClient is relative to synfin's client; notes are the Note bits TcpSeqAnalysis gave the packet.
   */
  onPacket(_p: Packet, _fromClient: boolean, _notes: number, _tsSec: number, _tsNsec: number): void {}

  result(): ZeekFields {
    return { conn_state: 'OTH', history: '', missed_bytes: 0, origIsClient: true, orig_bytes: null, resp_bytes: null };
  }
}
