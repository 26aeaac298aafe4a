/**
 * Issue 5: malformed packets are counted by layer and never stop the analysis; the good packets
 * around them still make their connection. Expected counts come from how each frame below is
 * broken (one per layer), by hand:
 *   - link:      a 10-byte frame whose captured and original lengths agree (Ethernet needs 14)
 *   - network:   IPv4 with IHL = 4 (RFC 791: at least 5 words)
 *   - transport: TCP with data offset = 3 (RFC 9293 §3.1: at least 5 words)
 * and a snaplen-cut frame of another connection (captured 40 of its bytes) is truncated, not malformed.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { writePcap } from '../../src/capture/writer.js';
import { tcpFrame } from '../../src/synth/frames.js';
import { C, S, writeTmp } from './helpers.js';

describe('malformed packets, counted by layer, inside a valid conversation', () => {
  it('one malformed frame per layer between the packets of a normal connection', async () => {
    const t = (fromC: boolean, flags: string, seq: number, ack: number, payload = 0) =>
      tcpFrame({ src: fromC ? C : S, dst: fromC ? S : C, sport: fromC ? 41000 : 80, dport: fromC ? 80 : 41000, seq, ack, flags, payload });
    const badLink = new Uint8Array(10).fill(0xab);
    const badNet = t(true, 'A', 101, 501);
    badNet[14] = 0x44; // version 4, IHL 4
    const badTcp = t(true, 'A', 101, 501);
    badTcp[14 + 20 + 12] = 0x30; // data offset 3
    const cut = tcpFrame({ src: C, dst: S, sport: 42000, dport: 80, seq: 999, flags: 'S', options: { mss: 1460, sackPerm: true, wscale: 7 } });
    const frames: { data: Uint8Array; origLen?: number }[] = [
      { data: t(true, 'S', 100, 0) },
      { data: badLink },
      { data: t(false, 'SA', 500, 101) },
      { data: badNet },
      { data: t(true, 'A', 101, 501) },
      { data: badTcp },
      { data: t(true, 'PA', 101, 501, 50) },
      { data: t(false, 'A', 501, 151) },
      { data: cut.subarray(0, 40), origLen: cut.length },
      { data: t(true, 'RA', 151, 501) },
    ];
    const file = writeTmp('malformed.pcap', writePcap(frames.map((f, i) => ({ tsSec: 1_750_000_000, tsNsec: i * 1000, data: f.data, origLen: f.origLen }))));
    const res = await analyze(file);
    expect(res.error).toBeNull();
    expect(res.layers.frames).toBe(10);
    expect(res.layers.malformed).toEqual({ link: 1, network: 1, transport: 1 });
    expect(res.layers.truncated).toBeGreaterThanOrEqual(1);
    // the connection 41000 → 80 is intact: 4 good client packets (SYN, ACK, data, RST) + 2 server packets
    const conn = res.records.find((r) => r.proto === 'tcp' && r.client.port === 41000)!;
    expect(conn.packets).toEqual({ client: 4, server: 2 });
    expect(conn.bytes.client).toBe(50);
    expect(conn.teardown).toBe('reset-client');
  });
});
