/**
 * Flow stage output: the records the reports read (the contract of `synfin flows --format ndjson`),
 * the state transitions, and the per-packet events of a traced connection.
 *
 * Field names in FlowRecord are a public contract: add fields, never rename them.
 */

/** RFC 9293 §3.3.2 state names, spelt as `ss`/`netstat` print them (underscore). */
export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT';

export type Side = 'client' | 'server';
export type Proto = 'tcp' | 'udp' | 'icmp' | 'icmp6';

export type Teardown =
  | 'graceful'
  | 'simultaneous'
  | 'reset-client'
  | 'reset-server'
  | 'rejected'
  | 'unanswered'
  | 'incomplete'
  | 'none';

export type ZeekConnState =
  | 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

export interface Endpoint {
  /** Dotted quad, or IPv6 in RFC 5952 form. */
  ip: string;
  /**
   * TCP/UDP port. ICMP/ICMPv6, as Zeek: the client's is the message type it sent (8 for a ping), the
   * server's the type that answers it (0, echo reply) or, for a one-way message, its code.
   */
  port: number;
}

export interface PerSide<T> {
  client: T;
  server: T;
}

/** Options a side offered in its SYN (or SYN-ACK). null when that SYN was not seen. */
export interface SynOptions {
  mss: number | null;
  wscale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  tfo: boolean;
  mptcp: boolean;
}

export interface Handshake {
  /** SYN, SYN-ACK and the ACK of the SYN-ACK all seen. */
  complete: boolean;
  /** ISO-8601 UTC times (full precision), null when not seen. */
  syn: string | null;
  synAck: string | null;
  ack: string | null;
  /** SYN→SYN-ACK + SYN-ACK→ACK in milliseconds (Wireshark's iRTT), null unless complete. */
  rttMs: number | null;
  synToSynAckMs: number | null;
  synAckToAckMs: number | null;
  /** Retransmitted SYNs (client) and SYN-ACKs (server). */
  synRetransmissions: number;
  synAckRetransmissions: number;
  /** Payload bytes carried on the SYN (TFO or otherwise). */
  synDataBytes: number;
  options: PerSide<SynOptions | null>;
}

/** Sequence / window analysis of one direction (what one side sent, and the window it advertised). */
export interface DirectionAnalysis {
  /** Segments retransmitted (SYN/FIN included), of which fast and spurious per Wireshark's rules. */
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  /** Bytes in retransmitted segments. */
  retransmittedBytes: number;
  outOfOrder: number;
  /**
   * Of the out-of-order segments, those whose bytes the capture had already seen: retransmissions
   * Wireshark labels out-of-order because they came within the iRTT. The rest are late originals.
   */
  outOfOrderResent: number;
  /** "Previous segment not captured" events and the bytes missing from the capture (Zeek missed_bytes). */
  lostSegments: number;
  missedBytes: number;
  dupAcks: number;
  keepAlives: number;
  zeroWindowProbes: number;
  /** ACKs of data the capture never showed ("ACKed unseen segment"). */
  ackedUnseen: number;
  /** Window advertised by this side, scaled when scaling is known; null when never seen. */
  windowMin: number | null;
  windowMax: number | null;
  windowLast: number | null;
  /** false when the handshake was not captured, so the scale factor is unknown (raw values reported). */
  windowScaleKnown: boolean;
  zeroWindows: number;
  zeroWindowSeconds: number;
  windowFull: number;
  windowUpdates: number;
  /** Largest bytes in flight (sent by this side, not yet acknowledged). */
  maxInFlight: number;
  /**
   * Relative sequence number span of payload (Zeek's orig_bytes/resp_bytes rule), filled by the record
   * builder from ZeekConn.seqBytes, the one implementation of the rule (TcpSeqAnalysis leaves it 0).
   */
  seqBytes: number;
}

/** What `--format zeek` needs: Zeek's own view of the connection (its originator may differ from our client). */
export interface ZeekFields {
  conn_state: ZeekConnState;
  history: string;
  missed_bytes: number;
  /** Zeek's originator is our client (false when Zeek would have flipped the roles). */
  origIsClient: boolean;
  /** Zeek's orig_bytes / resp_bytes (TCP: sequence span; unset (null) where Zeek leaves them unset). */
  orig_bytes: number | null;
  resp_bytes: number | null;
  /**
   * Zeek's duration (TCP: last-seen time stops once both sides sent FIN/RST, so the final ACK is
   * not included), null where Zeek leaves it unset (0). Optional: set by ZeekConn.
   */
  duration?: number | null;
  /** Zeek's ConnSize counters: packets / IP bytes that passed Zeek's header and checksum checks. */
  orig_pkts?: number;
  resp_pkts?: number;
  orig_ip_bytes?: number;
  resp_ip_bytes?: number;
}

export interface Transition {
  /** Flow id. */
  flow: number;
  /** ISO-8601 UTC and the raw timestamp. */
  time: string;
  tsSec: number;
  tsNsec: number;
  /** 1-based frame number in the capture (of the first file for merged input: see fileIndex). */
  frame: number;
  side: Side;
  from: TcpState | null;
  to: TcpState;
  /** Short description of the segment that caused it, e.g. "client→server FIN,ACK seq=1 ack=1". */
  cause: string;
  /** The state was deduced (capture started mid-connection, or the direction was inferred). */
  inferred: boolean;
}

export interface FlowRecord {
  /** 1-based, in order of each connection's first packet. */
  id: number;
  proto: Proto;
  client: Endpoint;
  server: Endpoint;
  /** true when the client was not identified by its SYN (SYN-ACK, well-known port, or first sender). */
  directionInferred: boolean;
  /** VLAN ids, outermost first, when the frames carried tags. */
  vlan?: number[];
  /** ISO-8601 UTC, full precision of the capture (e.g. 2026-11-21T05:37:30.123456789Z). */
  start: string;
  end: string;
  /** Raw timestamps (for formats such as Zeek's ts). */
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
  /** Seconds. */
  duration: number;
  packets: PerSide<number>;
  /** Payload bytes (TCP: sequence-space span of the payload, as Zeek counts; UDP/ICMP: payload). */
  bytes: PerSide<number>;
  /** Bytes on the wire at the IP layer (IP total length). */
  ipBytes: PerSide<number>;
  /** Payload bytes actually carried by the captured segments (retransmissions counted again). */
  payloadBytes: PerSide<number>;
  /** null for UDP/ICMP. */
  handshake: Handshake | null;
  /** State at capture end (TCP only); null for a side the capture shows nothing of. */
  state: PerSide<TcpState | null>;
  /**
   * Seconds each side has been in its end state (null when state is null), measured when the
   * record's fate became final: the end of the capture for a connection still open then; for one
   * finished earlier (closed and past TIME_WAIT, reset, idle, evicted) the moment it finished, so
   * every output format — streamed or not — says the same. `stateSince` gives the absolute time.
   */
  stateSeconds: PerSide<number | null>;
  /** ISO-8601 UTC time each side entered its end state (null when state is null). */
  stateSince: PerSide<string | null>;
  /** true when an end state was deduced rather than driven by the handshake (mid-connection start). */
  stateInferred: boolean;
  teardown: Teardown;
  /** Which side sent the RST that ended the connection, and whether a FIN came before it. */
  reset: { by: Side; afterFin: boolean; frame: number } | null;
  /** Half-close: the side that received the first FIN kept sending this many payload bytes. */
  halfClose: { side: Side; bytes: number } | null;
  retransmissions: PerSide<number>;
  /** Full sequence/window analysis per sending side (TCP only). */
  analysis: PerSide<DirectionAnalysis> | null;
  zeek: ZeekFields;
  /** A SYN reused this 4-tuple while an earlier connection was still in TIME_WAIT. */
  portReuse: boolean;
  /** RSTs seen outside the receiver's window (not applied; possible injection). */
  rstOutOfWindow: number;
  /** An ICMP/ICMPv6 destination-unreachable quoted this flow. */
  icmpRejected: boolean;
  /** Service guessed from the server port (e.g. "http", "dns"), null when unknown. */
  service: string | null;
  /** Transitions of both sides in capture order (present when requested). */
  transitions?: Transition[];
  /** Present (true) when the record was released early by the maxConnections bound. */
  evicted?: true;
}

/**
 * Per-packet analysis notes (bit flags), as a traced connection's PacketEvent carries them.
 * Definitions follow Wireshark's tcp.analysis.* (see docs/analysis.md).
 */
export const Note = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  LOST_SEGMENT: 1 << 4,
  ACKED_UNSEEN: 1 << 5,
  DUP_ACK: 1 << 6,
  ZERO_WINDOW: 1 << 7,
  ZERO_WINDOW_PROBE: 1 << 8,
  ZERO_WINDOW_PROBE_ACK: 1 << 9,
  WINDOW_FULL: 1 << 10,
  WINDOW_UPDATE: 1 << 11,
  KEEP_ALIVE: 1 << 12,
  KEEP_ALIVE_ACK: 1 << 13,
  PORT_REUSE: 1 << 14,
  HALF_CLOSE_DATA: 1 << 15,
  RST_OUT_OF_WINDOW: 1 << 16,
  SYN_RETRANSMISSION: 1 << 17,
  BAD_CHECKSUM: 1 << 18,
} as const;

/** Human names for Note bits, in the order they are printed. */
export const NOTE_NAMES: ReadonlyArray<readonly [number, string]> = [
  [Note.PORT_REUSE, 'port reuse'],
  [Note.SYN_RETRANSMISSION, 'SYN retransmission'],
  [Note.SPURIOUS_RETRANSMISSION, 'spurious retransmission'],
  [Note.FAST_RETRANSMISSION, 'fast retransmission'],
  [Note.RETRANSMISSION, 'retransmission'],
  [Note.OUT_OF_ORDER, 'out-of-order'],
  [Note.LOST_SEGMENT, 'previous segment not captured'],
  [Note.ACKED_UNSEEN, 'ACKed unseen segment'],
  [Note.DUP_ACK, 'dup ACK'],
  [Note.ZERO_WINDOW, 'zero window'],
  [Note.ZERO_WINDOW_PROBE, 'zero-window probe'],
  [Note.ZERO_WINDOW_PROBE_ACK, 'zero-window probe ACK'],
  [Note.WINDOW_FULL, 'window full'],
  [Note.WINDOW_UPDATE, 'window update'],
  [Note.KEEP_ALIVE, 'keep-alive'],
  [Note.KEEP_ALIVE_ACK, 'keep-alive ACK'],
  [Note.HALF_CLOSE_DATA, 'half-close data'],
  [Note.RST_OUT_OF_WINDOW, 'RST out of window'],
  [Note.BAD_CHECKSUM, 'bad checksum'],
];

/** One packet of a traced connection: the data of a ladder diagram and of the HTML graphs. */
export interface PacketEvent {
  flow: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** Seconds since the connection's first packet. */
  rel: number;
  from: Side;
  /** TcpFlag bits (0 for UDP/ICMP). */
  flags: number;
  /** Relative sequence and acknowledgement numbers (0 = ISN, as Wireshark shows them). */
  seq: number;
  ack: number;
  /** Payload length (from the IP header). */
  len: number;
  /** Advertised window, scaled when the scale is known. */
  window: number;
  /** Note bits. */
  notes: number;
  /** Bytes in flight from the sender after this packet (−1 when unknown). */
  inFlight: number;
  /** Both sides' states after the packet (TCP), null where unknown. */
  state: PerSide<TcpState | null>;
}

/** Counts the summary reports (capture stage + decode stage). */
export interface LayerCounts {
  frames: number;
  /** Frames per link type (LINKTYPE number → count); unsupported link types included. */
  linkTypes: Record<number, number>;
  unsupportedLinkTypes: Record<number, number>;
  ethernet: number;
  vlanTagged: number;
  arp: number;
  otherLink: number;
  ipv4: number;
  ipv6: number;
  fragments: number;
  tunnelled: number;
  tcp: number;
  udp: number;
  icmp: number;
  icmp6: number;
  otherIp: number;
  malformed: { link: number; network: number; transport: number };
  truncated: number;
  /** Application protocols guessed from well-known ports (e.g. {http: 120, dns: 40}). */
  applications: Record<string, number>;
}
