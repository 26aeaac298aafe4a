/**
 * PacketEvents of traced flows and the trace predicate; handshake options and SYN data.
 *
 * Expected values by hand: relative seq/ack as Wireshark shows them (0 = ISN, the SYN takes one
 * number, RFC 9293 §3.4); window scaling per RFC 7323 §2.3 (applies only when both SYNs carried the
 * option; never to the SYN segments themselves); bytes in flight = data sent and not yet ACKed.
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/synth/conversation.js';
import { TcpFlag } from '../../src/decode/packet.js';
import type { Endpoint, PacketEvent, Proto } from '../../src/flow/types.js';
import { run } from './helpers.js';

describe('traced flows', () => {
  it('asks the predicate once per flow, with the endpoints, and emits one event per packet of traced flows only', () => {
    const a = new Conversation({ start: 1_700_000_000, clientPort: 1111 }).syn().synAck().ack().data('client', 10);
    const b = new Conversation({ start: 1_700_000_000.001, clientPort: 2222 }).syn().synAck();
    const asked: [number, Endpoint, Endpoint, Proto][] = [];
    const events: PacketEvent[] = [];
    run([a, b], {
      trace: (id, c, s, p) => {
        asked.push([id, c, s, p]);
        return c.port === 2222;
      },
      onPacket: (e) => events.push(e),
    });
    expect(asked).toEqual([
      [1, { ip: '10.0.0.1', port: 1111 }, { ip: '10.0.0.2', port: 80 }, 'tcp'],
      [2, { ip: '10.0.0.1', port: 2222 }, { ip: '10.0.0.2', port: 80 }, 'tcp'],
    ]);
    expect(events.map((e) => [e.flow, e.from])).toEqual([
      [2, 'client'],
      [2, 'server'],
    ]);
  });

  it('carries relative time, flags, relative seq/ack, length, scaled window, bytes in flight and both states', () => {
    // Both SYNs offer window scale 7: later windows are raw × 128 (RFC 7323 §2.3).
    const opt = { mss: 1460, wscale: 7, sackPerm: true, ts: [1, 0] as [number, number] };
    const c = new Conversation({ start: 1_700_000_000 })
      .syn({ options: opt, window: 64240 })
      .synAck({ options: { ...opt, ts: [9, 1] }, window: 65160 })
      .ack('client', { window: 502 })
      .data('client', 100, { window: 502 })
      .ack('server', { window: 509 });
    const r = run(c);
    const e = r.events;
    expect(e).toHaveLength(5);
    expect(e[0]).toMatchObject({ flow: 1, frame: 1, rel: 0, from: 'client', flags: TcpFlag.SYN, seq: 0, ack: 0, len: 0, window: 64240 });
    expect(e[0].state).toEqual({ client: 'SYN_SENT', server: null });
    expect(e[1]).toMatchObject({ from: 'server', flags: TcpFlag.SYN | TcpFlag.ACK, seq: 0, ack: 1, window: 65160 });
    expect(e[3].rel).toBeCloseTo(0.03, 9);
    expect(e[3]).toMatchObject({ from: 'client', flags: TcpFlag.PSH | TcpFlag.ACK, seq: 1, ack: 1, len: 100, window: 502 * 128, inFlight: 100 });
    expect(e[3].state).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(e[4]).toMatchObject({ from: 'server', seq: 1, ack: 101, window: 509 * 128 });

    const h = r.records[0].handshake!;
    expect(h.options.client).toEqual({ mss: 1460, wscale: 7, sackPermitted: true, timestamps: true, tfo: false, mptcp: false });
    expect(h.options.server).toEqual({ mss: 1460, wscale: 7, sackPermitted: true, timestamps: true, tfo: false, mptcp: false });
    expect(h.synDataBytes).toBe(0);
    expect(h.syn).toBe('2023-11-14T22:13:20.000000Z');
    expect(h.synAck).toBe('2023-11-14T22:13:20.010000Z');
    expect(h.ack).toBe('2023-11-14T22:13:20.020000Z');
  });

  it('records data carried on the SYN (TFO) and the options of a SYN-less side as null', () => {
    const c = new Conversation({ start: 1_700_000_000 }).syn({ len: 20, options: { tfo: new Uint8Array(8) } });
    const r = run(c);
    const h = r.records[0].handshake!;
    expect(h.synDataBytes).toBe(20);
    expect(h.options.client?.tfo).toBe(true);
    expect(h.options.server).toBeNull();
    expect(h.synAck).toBeNull();
    expect(h.rttMs).toBeNull();
  });
});
