/**
 * LayerCounter over a hand-counted mix of frames, and the port table (IANA service names registry:
 * 22 ssh, 53 domain (dns), 67/68 bootps/bootpc (dhcp), 80 http, 443 https, 3306 mysql, 5432 postgresql, 6379 redis).
 */
import { describe, expect, it } from 'vitest';
import { LayerCounter } from '../../src/decode/counts.js';
import { Decoder } from '../../src/decode/decoder.js';
import { Packet } from '../../src/decode/packet.js';
import { isWellKnownServerPort, serviceForPort } from '../../src/decode/services.js';
import { arpFrame, fragment, greFrame, icmpFrame, tcpFrame, udpFrame } from '../../src/synth/frames.js';
import { cat, ETH, IP_TCP_SYN } from './bytes.js';
import { recordOf } from './helpers.js';

describe('services', () => {
  it('well-known ports', () => {
    expect(serviceForPort('tcp', 22)).toBe('ssh');
    expect(serviceForPort('udp', 53)).toBe('dns');
    expect(serviceForPort('tcp', 53)).toBe('dns');
    expect(serviceForPort('udp', 67)).toBe('dhcp');
    expect(serviceForPort('tcp', 80)).toBe('http');
    expect(serviceForPort('tcp', 443)).toBe('https');
    expect(serviceForPort('tcp', 3306)).toBe('mysql');
    expect(serviceForPort('tcp', 5432)).toBe('postgresql');
    expect(serviceForPort('tcp', 6379)).toBe('redis');
    expect(serviceForPort('udp', 123)).toBe('ntp');
    expect(serviceForPort('udp', 80)).toBeNull();
    expect(serviceForPort('tcp', 51234)).toBeNull();
    expect(serviceForPort('tcp', -1)).toBeNull();
    expect(serviceForPort('tcp', 70000)).toBeNull();
  });
  it('server ports: the table or a system port (< 1024, RFC 6335 §6)', () => {
    expect(isWellKnownServerPort('tcp', 5432)).toBe(true);
    expect(isWellKnownServerPort('tcp', 999)).toBe(true);
    expect(isWellKnownServerPort('tcp', 40000)).toBe(false);
    expect(isWellKnownServerPort('udp', 0)).toBe(false);
  });
});

describe('LayerCounter', () => {
  it('counts a mix of frames by layer', () => {
    const frames: [Uint8Array, number, number?][] = [
      [tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, seq: 1, flags: 'S' }), 1],
      [tcpFrame({ src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000, seq: 1, flags: 'SA', vlan: [3] }), 1],
      [tcpFrame({ src: '::1', dst: '::2', sport: 40000, dport: 22, seq: 1, flags: 'S', link: 'raw' }), 101],
      [udpFrame({ src: '10.0.0.1', dst: '10.0.0.53', sport: 5000, dport: 53 }), 1],
      [udpFrame({ src: '0.0.0.0', dst: '255.255.255.255', sport: 68, dport: 67 }), 1],
      [icmpFrame({ src: '10.0.0.1', dst: '10.0.0.2', type: 8, code: 0 }), 1],
      [icmpFrame({ src: '::1', dst: '::2', type: 128, code: 0 }), 1],
      [arpFrame({ op: 1, senderIp: '10.0.0.1', targetIp: '10.0.0.2' }), 1],
      [cat(ETH('88cc'), new Uint8Array(40)), 1], // LLDP: other link
      [greFrame(tcpFrame({ src: '10.9.0.1', dst: '10.9.0.2', sport: 1234, dport: 6379, seq: 1, flags: 'S' })), 1],
      [cat(ETH('0800'), IP_TCP_SYN).subarray(0, 40), 1, 74], // truncated inside TCP
      [cat(ETH('0800'), IP_TCP_SYN).subarray(0, 20), 1], // malformed network
      [new Uint8Array(30), 147], // unsupported
      [new Uint8Array(30), 147],
      [new Uint8Array(30), 100000],
    ];
    const big = udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1111, dport: 123, payload: 2000 });
    for (const f of fragment(big, 1500)) frames.push([f, 1]);
    const d = new Decoder();
    const p = new Packet();
    const c = new LayerCounter();
    for (const [f, lt, orig] of frames) {
      d.decode(recordOf(f, lt, orig ?? f.length), p);
      c.add(p);
    }
    // Expected by hand from the list above (17 frames).
    expect(c.result()).toEqual({
      frames: 17,
      linkTypes: { 1: 13, 101: 1, 147: 2, 100000: 1 },
      unsupportedLinkTypes: { 147: 2, 100000: 1 },
      ethernet: 13,
      vlanTagged: 1,
      arp: 1,
      otherLink: 1,
      ipv4: 10, // 2 TCP, 2 UDP, ICMP, GRE inner, truncated, malformed (a cut IPv4 header), 2 fragments
      ipv6: 2,
      fragments: 2,
      tunnelled: 1,
      tcp: 4,
      udp: 4,
      icmp: 1,
      icmp6: 1,
      otherIp: 1,
      malformed: { link: 0, network: 1, transport: 0 },
      truncated: 1,
      applications: { http: 2, ssh: 1, dns: 1, dhcp: 1, redis: 1, ntp: 2 },
    });
  });
});

describe('Ethernet count', () => {
  it('counts link type 1 only: a Linux cooked frame (113) carries an EtherType but no Ethernet header', () => {
    const c = new LayerCounter();
    const p = new Packet();
    new Decoder().decode(recordOf(tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 1, flags: 'S', link: 'sll' }), 113), p);
    c.add(p);
    expect([c.result().ethernet, c.result().linkTypes, c.result().tcp]).toEqual([0, { 113: 1 }, 1]);
  });
});

describe('application guess when both ports name a service', () => {
  // A DNS query from an mDNS-bound socket (5353 → 53) and its reply (53 → 5353): RFC 1035 DNS on
  // both packets, because the server is on the lower, well-known port (IANA: 53 domain, 5353 mdns).
  it('a query 5353→53 and its reply 53→5353 both count as dns', () => {
    const c = new LayerCounter();
    const d = new Decoder();
    const p = new Packet();
    for (const f of [
      udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 5353, dport: 53, payload: 30 }),
      udpFrame({ src: '10.0.0.2', dst: '10.0.0.1', sport: 53, dport: 5353, payload: 60 }),
    ]) {
      d.decode(recordOf(f), p);
      c.add(p);
    }
    expect(c.result().applications).toEqual({ dns: 2 });
  });
});
