import { describe, expect, it } from 'vitest';
import type { LayerCounts } from '../../src/flow/types.js';
import { SummaryBuilder, summaryText } from '../../src/report/summary.js';
import { held, rec } from './records.js';

function layers(over: Partial<LayerCounts> = {}): LayerCounts {
  return {
    frames: 30, linkTypes: { 1: 30 }, unsupportedLinkTypes: {}, ethernet: 30, vlanTagged: 0, arp: 2, otherLink: 0,
    ipv4: 28, ipv6: 0, fragments: 0, tunnelled: 0, tcp: 20, udp: 6, icmp: 2, icmp6: 0, otherIp: 0,
    malformed: { link: 0, network: 0, transport: 0 }, truncated: 0, applications: { http: 20, dns: 6 }, ...over,
  };
}

const info = (file: string, packets: number, dropped?: number) => ({
  file, format: 'pcapng' as const, gzip: false, nanosecond: false, byteOrder: 'little' as const, version: '1.0', snaplen: 262144,
  interfaces: [{ index: 0, linkType: 1, snaplen: 262144, tsUnitsPerSecond: 1e6, tsOffset: 0, ...(dropped !== undefined ? { dropped } : {}) }],
  packets, bytesRead: 1000, fileSize: 1000, sections: 1, warnings: [], error: null,
});

describe('summary', () => {
  it('counts handshakes, teardowns, talkers and stuck groups from the records', () => {
    const b = new SummaryBuilder(10);
    b.add(rec({ id: 1 })); // graceful, complete handshake; client 10.0.0.1 sent 420 IP bytes, server 2212
    b.add(rec({ id: 2, teardown: 'unanswered', handshake: { ...rec().handshake!, complete: false, rttMs: null }, state: { client: 'SYN_SENT', server: null }, stateSeconds: { client: 3, server: null } }));
    b.add(held(3, 'server', 'CLOSE_WAIT', 100));
    b.add(rec({ id: 4, proto: 'udp', handshake: null, analysis: null, teardown: 'none', state: { client: null, server: null }, client: { ip: '10.0.0.7', port: 5353 }, server: { ip: '10.0.0.53', port: 53 }, packets: { client: 3, server: 3 }, ipBytes: { client: 200, server: 400 } }));
    const d = b.data({ captures: [info('a.pcapng', 20, 4), info('b.pcapng', 10)], layers: layers(), firstSec: 100, firstNsec: 500_000_000, lastSec: 160, lastNsec: 0, evicted: 0, interrupted: false });
    expect(d.packets).toBe(30); // 20 + 10 frames from the two files
    expect(d.dropped).toBe(4); // only a.pcapng's interface says (isb_ifdrop)
    expect(d.files[1].dropped).toBeNull();
    expect(d.durationSeconds).toBeCloseTo(59.5, 9); // 160.0 − 100.5
    expect(d.start).toBe('1970-01-01T00:01:40.500000Z');
    expect(d.connections).toEqual({ total: 4, tcp: 3, udp: 1, icmp: 0, icmp6: 0 });
    expect(d.handshakes).toEqual({ complete: 2, incomplete: 1 });
    expect(d.teardown.graceful).toBe(1);
    expect(d.teardown.unanswered).toBe(1);
    expect(d.teardown.incomplete).toBe(1);
    // Flows 1–3 are all 10.0.0.1 → 10.0.0.5: the client sent 3 × 420 and received 3 × 2212 IP bytes;
    // both hosts total 7896 bytes, so the tie goes to packets (client 3 × 6 = 18, server 3 × 4 = 12).
    expect(d.topTalkers[0]).toEqual({ ip: '10.0.0.1', packets: 18, bytesSent: 1260, bytesReceived: 6636, connections: 3 });
    expect(d.topTalkers[1]).toEqual({ ip: '10.0.0.5', packets: 12, bytesSent: 6636, bytesReceived: 1260, connections: 3 });
    expect(d.layers.application).toEqual({ dns: 6, dhcp: 0, http: 20 });
    expect(d.layers.link.types).toEqual({ 'ETHERNET (1)': 30 });
    expect(d.stuck).toEqual([expect.objectContaining({ endpoint: { ip: '10.0.0.5', port: 80 }, state: 'CLOSE_WAIT', count: 1, oldestSeconds: 100, ids: [3] })]);
    const text = summaryText(d, b.topStuck());
    expect(text).toContain('2 complete, 1 incomplete');
    expect(text).toContain('10.0.0.5:80 holds 1 connection in CLOSE_WAIT');
    expect(text).toMatch(/dropped +4 \(interface statistics\)/);
    expect(JSON.parse(JSON.stringify(d)).packets).toBe(30);
  });

  it('a connection between two sockets of one host counts once for it; drops add up over a file\'s interfaces', () => {
    const b = new SummaryBuilder(10);
    // 127.0.0.1:40000 → 127.0.0.1:80: one connection of the one host, its packets and bytes both ways
    b.add(rec({ id: 1, client: { ip: '127.0.0.1', port: 40000 }, server: { ip: '127.0.0.1', port: 80 } }));
    const two = info('c.pcapng', 10, 3);
    two.interfaces.push({ ...two.interfaces[0], index: 1, dropped: 4 });
    const d = b.data({ captures: [two], layers: layers(), firstSec: 0, firstNsec: 0, lastSec: 1, lastNsec: 0, evicted: 0, interrupted: false });
    // rec(): client 6 packets / 420 IP bytes, server 4 / 2212
    expect(d.topTalkers).toEqual([{ ip: '127.0.0.1', packets: 10, bytesSent: 2632, bytesReceived: 2632, connections: 1 }]);
    expect([d.files[0].dropped, d.dropped]).toEqual([7, 7]); // 3 + 4 (isb_ifdrop of each interface)
  });
});
