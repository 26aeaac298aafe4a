/**
 * Hand-made FlowRecords for the formatter tests. Every value here is chosen by hand (not produced
 * by the tracker), so the expected outputs in the tests can be worked out on paper.
 */
import type { DirectionAnalysis, FlowRecord, TcpState } from '../../src/flow/types.js';

export function direction(over: Partial<DirectionAnalysis> = {}): DirectionAnalysis {
  return {
    retransmissions: 0, fastRetransmissions: 0, spuriousRetransmissions: 0, retransmittedBytes: 0, outOfOrder: 0,
    lostSegments: 0, missedBytes: 0, dupAcks: 0, keepAlives: 0, zeroWindowProbes: 0, ackedUnseen: 0,
    windowMin: 64240, windowMax: 64240, windowLast: 64240, windowScaleKnown: true, zeroWindows: 0,
    zeroWindowSeconds: 0, windowFull: 0, windowUpdates: 0, maxInFlight: 0, seqBytes: 0, ...over,
  };
}

/**
 * A graceful TCP connection 10.0.0.1:40000 → 10.0.0.5:80 starting 2023-11-14T22:13:20.123456Z
 * (epoch 1700000000.123456), lasting 1.5 s, 6 packets from the client and 4 from the server.
 */
export function rec(over: Partial<FlowRecord> = {}): FlowRecord {
  const base: FlowRecord = {
    id: 1,
    proto: 'tcp',
    client: { ip: '10.0.0.1', port: 40000 },
    server: { ip: '10.0.0.5', port: 80 },
    directionInferred: false,
    start: '2023-11-14T22:13:20.123456Z',
    end: '2023-11-14T22:13:21.623456Z',
    startSec: 1700000000,
    startNsec: 123456000,
    endSec: 1700000001,
    endNsec: 623456000,
    duration: 1.5,
    packets: { client: 6, server: 4 },
    bytes: { client: 100, server: 2000 },
    ipBytes: { client: 420, server: 2212 },
    payloadBytes: { client: 100, server: 2000 },
    handshake: {
      complete: true,
      syn: '2023-11-14T22:13:20.123456Z',
      synAck: '2023-11-14T22:13:20.124456Z',
      ack: '2023-11-14T22:13:20.124956Z',
      rttMs: 1.5,
      synToSynAckMs: 1,
      synAckToAckMs: 0.5,
      synRetransmissions: 0,
      synAckRetransmissions: 0,
      synDataBytes: 0,
      options: { client: null, server: null },
    },
    state: { client: 'TIME_WAIT', server: 'CLOSED' },
    stateSeconds: { client: 0.2, server: 0.2 },
    stateSince: { client: '2023-11-14T22:13:20.323456Z', server: '2023-11-14T22:13:20.323456Z' },
    stateInferred: false,
    teardown: 'graceful',
    reset: null,
    halfClose: null,
    retransmissions: { client: 0, server: 0 },
    analysis: { client: direction(), server: direction() },
    zeek: { conn_state: 'SF', history: 'ShADadFf', missed_bytes: 0, origIsClient: true, orig_bytes: 100, resp_bytes: 2000 },
    portReuse: false,
    rstOutOfWindow: 0,
    icmpRejected: false,
    service: 'http',
  };
  return { ...base, ...over };
}

/** A connection whose `side` sits in `state` for `age` seconds at capture end. */
export function held(id: number, side: 'client' | 'server', state: TcpState, age: number, over: Partial<FlowRecord> = {}): FlowRecord {
  const other = side === 'client' ? 'server' : 'client';
  const r = rec({ id, teardown: 'incomplete', ...over });
  r.state = { ...r.state, [side]: state, [other]: 'ESTABLISHED' } as FlowRecord['state'];
  r.stateSeconds = { ...r.stateSeconds, [side]: age, [other]: age } as FlowRecord['stateSeconds'];
  return r;
}
