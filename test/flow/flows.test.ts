/**
 * UDP and ICMP flows, IPv6 and VLAN keys, direction inference.
 *
 * Expected byte counts are computed by hand from the header sizes (IPv4 20, IPv6 40, UDP 8, ICMP 8,
 * TCP 20 without options; RFC 791 / 8200 / 768 / 792 / 9293) and the payload the scenario asks for.
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/synth/conversation.js';
import { run } from './helpers.js';

const T0 = 1_700_000_000;

describe('UDP and ICMP flows', () => {
  it('UDP: packets, payload and IP bytes per direction; client from the well-known port', () => {
    // First datagram is the reply (53 → 40000): the client is still 10.0.0.1 (port 53 is DNS).
    const c = new Conversation({ start: T0, serverPort: 53 }).udp('server', 100).udp('client', 30).udp('client', 30);
    const r = run(c);
    expect(r.records).toHaveLength(1);
    const u = r.records[0];
    expect(u.proto).toBe('udp');
    expect(u.client).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(u.server).toEqual({ ip: '10.0.0.2', port: 53 });
    expect(u.directionInferred).toBe(true);
    expect(u.packets).toEqual({ client: 2, server: 1 });
    expect(u.bytes).toEqual({ client: 60, server: 100 });
    expect(u.ipBytes).toEqual({ client: 2 * (20 + 8 + 30), server: 20 + 8 + 100 });
    expect(u.duration).toBeCloseTo(0.02, 9);
    expect(u.state).toEqual({ client: null, server: null });
    expect(u.handshake).toBeNull();
    expect(u.teardown).toBe('none');
    expect(u.service).toBe('dns');
  });

  it('UDP with no well-known port: the first sender is the client', () => {
    const c = new Conversation({ start: T0, clientPort: 50000, serverPort: 40000 }).udp('server', 5);
    const r = run(c);
    // The first datagram goes 10.0.0.2:40000 → 10.0.0.1:50000: its sender is the client.
    expect(r.records[0].client).toEqual({ ip: '10.0.0.2', port: 40000 });
  });

  it('UDP flows end after 60 s of silence (Zeek udp_inactivity_timeout)', () => {
    const a = new Conversation({ start: T0, serverPort: 9999 }).udp('client', 1).udp('client', 1, { after: 59 });
    expect(run(a).records).toHaveLength(1);
    const b = new Conversation({ start: T0, serverPort: 9999 }).udp('client', 1).udp('client', 1, { after: 61 });
    const r = run(b);
    expect(r.records.map((x) => [x.id, x.packets.client])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('ICMP port unreachable quoting a UDP datagram marks that flow; the ICMP message is its own flow', () => {
    const c = new Conversation({ start: T0, serverPort: 9999 }).udp('client', 10).icmp('server', 3, 3, { quoteIndex: 0 });
    const r = run(c);
    expect(r.records.map((x) => x.proto)).toEqual(['udp', 'icmp']);
    const [u, i] = r.records;
    expect(u.icmpRejected).toBe(true);
    expect(i.icmpRejected).toBe(false);
    expect(i.client.ip).toBe('10.0.0.2'); // the sender of the error (first sender)
    expect(i.packets).toEqual({ client: 1, server: 0 });
    // ICMP header 8 + quoted IPv4 header 20 + 8 bytes of the datagram (RFC 792).
    expect(i.ipBytes.client).toBe(20 + 8 + 28);
  });

  it('ICMP unreachable quoting a TCP SYN marks the TCP connection', () => {
    const c = new Conversation({ start: T0, serverPort: 81 }).syn().icmp('server', 3, 1, { quoteIndex: 0 });
    const r = run(c);
    const t = r.records.find((x) => x.proto === 'tcp')!;
    expect(t.icmpRejected).toBe(true);
    expect(t.teardown).toBe('unanswered');
    expect(t.state).toEqual({ client: 'SYN_SENT', server: null });
  });

  it('ICMP echo request and reply: one flow; a reply seen first is from the server', () => {
    const c = new Conversation({ start: T0 }).icmp('client', 8, 0, { len: 56 }).icmp('server', 0, 0, { len: 56 });
    const r = run(c);
    expect(r.records).toHaveLength(1);
    expect(r.records[0].packets).toEqual({ client: 1, server: 1 });
    expect(r.records[0].ipBytes).toEqual({ client: 84, server: 84 }); // ping's classic 84 bytes
    // Zeek's conn.log for a ping: id.orig_p 8 (echo request), id.resp_p 0 (echo reply), RFC 792 types.
    expect(r.records[0].client.port).toBe(8);
    expect(r.records[0].server.port).toBe(0);
    const d = new Conversation({ start: T0 }).icmp('server', 0, 0, { len: 56 });
    expect(run(d).records[0].client.ip).toBe('10.0.0.1');
    expect(run(d).records[0].client.port).toBe(8);
  });

  it('ICMP errors are their own flow, keyed by type and code (Zeek: one-way message → resp_p = code)', () => {
    // echo request/reply, then the server host sends a port unreachable (type 3, code 3): two flows
    const c = new Conversation({ start: T0 }).icmp('client', 8, 0).icmp('server', 0, 0).icmp('server', 3, 3);
    const r = run(c);
    expect(r.records.map((x) => [x.client.ip, x.client.port, x.server.port])).toEqual([
      ['10.0.0.1', 8, 0],
      ['10.0.0.2', 3, 3],
    ]);
  });
});

describe('keys', () => {
  it('IPv6: addresses in RFC 5952 form, ICMPv6 proto name', () => {
    const c = new Conversation({ start: T0, client: '2001:db8:0:0:0:0:0:1', server: '2001:DB8::2' }).syn().synAck().ack();
    const r = run(c);
    expect(r.records[0].client).toEqual({ ip: '2001:db8::1', port: 40000 });
    expect(r.records[0].server).toEqual({ ip: '2001:db8::2', port: 80 });
    expect(r.records[0].ipBytes).toEqual({ client: 2 * (40 + 20), server: 40 + 20 });
    expect(r.states.at(-1)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    const e = new Conversation({ start: T0, client: '2001:db8::1', server: '2001:db8::2' }).icmp('client', 128, 0);
    expect(run(e).records[0].proto).toBe('icmp6');
  });

  it('VLAN ids split flows only with vlanKey', () => {
    const a = new Conversation({ start: T0, vlan: [10] }).syn();
    const b = new Conversation({ start: T0 + 0.001, vlan: [20] }).syn();
    const keyed = run([a, b], { vlanKey: true });
    expect(keyed.records.map((x) => x.vlan)).toEqual([[10], [20]]);
    const merged = run([a, b], { vlanKey: false });
    expect(merged.records).toHaveLength(1);
    expect(merged.records[0].handshake!.synRetransmissions).toBe(1); // same ISN: a retransmission
  });

  it('client from the SYN-ACK when the SYN was not captured', () => {
    const c = new Conversation({ start: T0, clientPort: 5000, serverPort: 6000 }).synAck().ack();
    const r = run(c);
    expect(r.records[0].client).toEqual({ ip: '10.0.0.1', port: 5000 });
    expect(r.records[0].directionInferred).toBe(true);
    // The SYN-ACK's sender → SYN_RECEIVED; the client's ACK shows it synchronized (SYN_SENT inferred → ESTABLISHED).
    expect(r.states).toEqual([
      [null, 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
    ]);
  });
});

describe('fragments', () => {
  it('a later IPv4 fragment of a TCP segment counts bytes but drives no state', async () => {
    const { fragment } = await import('../../src/synth/frames.js');
    const c = new Conversation({ start: T0 }).syn().synAck().ack().data('client', 3000);
    // Replace the 3000-byte segment's frame by its fragments (MTU 1500: 1480 + 1480 + 60 data bytes
    // of the 20+3000-byte TCP segment, RFC 791 §3.2: offsets in 8-byte units).
    const seg = c.segments.pop()!;
    const frags = fragment(seg.frame, 1500);
    expect(frags).toHaveLength(3);
    for (const f of frags) c.segments.push({ ...seg, frame: f });
    const r = run(c);
    expect(r.records).toHaveLength(1);
    const rec = r.records[0];
    expect(rec.packets.client).toBe(2 + 3);
    // IP bytes: SYN 40 + ACK 40 + three fragments (20 + 1480) + (20 + 1480) + (20 + 60).
    expect(rec.ipBytes.client).toBe(40 + 40 + 1500 + 1500 + 80);
    // The first fragment holds the TCP header (a segment event); the later two give no PacketEvent.
    expect(r.events).toHaveLength(4);
    expect(r.states[3]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(rec.teardown).toBe('none');
  });
});
