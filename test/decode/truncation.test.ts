/**
 * Truncated frames (smoltcp-style: every cut position of a valid frame). Two cases:
 *  - cut by the snaplen (origLen = the real length): what is present is decoded, `truncated` is set when
 *    a needed header is cut, and lengths come from the IP header;
 *  - really that short (origLen = capLen): the frame is malformed at the layer the cut falls in.
 * Layer boundaries of the hand-written SYN (bytes.ts): Ethernet 0–14, IPv4 14–34, TCP 34–54, options 54–74.
 */
import { describe, expect, it } from 'vitest';
import { Malformed, PacketKind } from '../../src/decode/packet.js';
import { tcpFrame, udpFrame } from '../../src/synth/frames.js';
import { cat, ETH, IP6_EXT_TCP, IP_TCP_SYN } from './bytes.js';
import { decodeFrame } from './helpers.js';

const SYN = cat(ETH('0800'), IP_TCP_SYN);

describe('cut by the snaplen', () => {
  for (let n = 0; n <= SYN.length; n++) {
    it(`SYN captured to ${n} of 74 bytes`, () => {
      const p = decodeFrame(SYN.subarray(0, n), 1, { origLen: SYN.length });
      expect(p.malformed).toBe(Malformed.None);
      expect(p.truncated).toBe(n < 74);
      if (n < 14) expect(p.kind).toBe(PacketKind.OtherLink);
      else if (n < 54) {
        expect([p.kind, p.ipVersion]).toEqual([PacketKind.OtherIp, 4]);
        if (n >= 34) expect(p.ipLen).toBe(60);
        expect([p.srcPort, p.dstPort]).toEqual(n >= 38 ? [49153, 80] : [0, 0]);
      } else {
        expect([p.kind, p.seq, p.flags, p.window, p.ipLen, p.payloadLen, p.tcpHeaderLen]).toEqual([PacketKind.Tcp, 0x12345678, 2, 64240, 60, 0, 40]);
        // Options present in full are read: MSS 54–58, SACK-permitted 58–60, timestamps 60–70, NOP, window scale 71–74.
        expect(p.optMss).toBe(n >= 58 ? 1460 : -1);
        expect(p.optSackPermitted).toBe(n >= 60);
        expect(p.optHasTimestamp).toBe(n >= 70);
        expect(p.optWscale).toBe(n >= 74 ? 7 : -1);
      }
    });
  }

  it('tcpdump -s 96 on a 1000-byte segment keeps the real payload length', () => {
    const f = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 1, flags: 'A', payload: 1000 });
    const p = decodeFrame(f.subarray(0, 96), 1, { origLen: f.length, verify: true });
    expect([p.kind, p.truncated, p.ipLen, p.payloadLen, p.payloadCaptured, p.tcpChecksumBad]).toEqual([PacketKind.Tcp, false, 1040, 1000, 96 - 54, false]);
  });

  it('UDP and IPv6 cut inside the headers', () => {
    const u = udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 53, dport: 5353, payload: 100 });
    let p = decodeFrame(u.subarray(0, 40), 1, { origLen: u.length });
    expect([p.kind, p.truncated, p.srcPort, p.dstPort]).toEqual([PacketKind.OtherIp, true, 53, 5353]);
    p = decodeFrame(u.subarray(0, 42), 1, { origLen: u.length });
    expect([p.kind, p.truncated, p.payloadLen, p.payloadCaptured]).toEqual([PacketKind.Udp, false, 100, 0]);
    const v6 = cat(ETH('86dd'), IP6_EXT_TCP);
    p = decodeFrame(v6.subarray(0, 14 + 40 + 20), 1, { origLen: v6.length });
    expect([p.kind, p.truncated, p.ipVersion, p.ipLen]).toEqual([PacketKind.OtherIp, true, 6, 108]);
  });
});

describe('really that short (origLen = capLen)', () => {
  for (let n = 0; n < SYN.length; n++) {
    it(`SYN of only ${n} bytes`, () => {
      const p = decodeFrame(SYN.subarray(0, n), 1);
      expect(p.truncated).toBe(false);
      expect(p.kind).toBe(PacketKind.Malformed);
      // Under 14: no Ethernet header; under 34: no IPv4 header; else the IPv4 total length (60) exceeds the frame.
      expect(p.malformed).toBe(n < 14 ? Malformed.Link : Malformed.Network);
    });
  }
});

describe('tunnels cut by the snaplen', () => {
  it('VXLAN cut inside the inner Ethernet header: the outer UDP datagram, marked truncated', async () => {
    const { vxlanFrame } = await import('../../src/synth/frames.js');
    const inner = tcpFrame({ src: '172.16.0.1', dst: '172.16.0.2', sport: 1, dport: 2, seq: 3, flags: 'S' });
    const f = vxlanFrame(inner);
    // outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 = 50; cut 6 bytes into the inner Ethernet header
    const p = decodeFrame(f.subarray(0, 56), 1, { origLen: f.length });
    expect([p.kind, p.truncated, p.tunnelDepth, p.dstPort]).toEqual([PacketKind.Udp, true, 0, 4789]);
  });
});
