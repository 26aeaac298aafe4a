/**
 * ZeekConn: conn_state, history and byte counts.
 *
 * There is no zeek binary on this machine (`apt-cache policy zeek`: no candidate in Debian 12), so
 * every expected value below is hand-worked from /work/shared/reference/zeek-conn.md (the rules of
 * Zeek's TCPSessionAdapter / TCP_Endpoint / conn/main.zeek) or is one of the example rows that
 * file quotes from Zeek's own test baselines ("ShADadFf", "DaFfA" → SF, "DAF" → SH, "Dr" → RSTRH,
 * "R" → OTH, "Fa" → SH, "Hs^…", bad-checksum SYN → "C" OTH). Each case says which.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, PacketKind, TcpFlag } from '../../src/decode/packet.js';
import { ZeekConn } from '../../src/flow/zeek.js';
import { Note, type Proto } from '../../src/flow/types.js';

const FLAG: Record<string, number> = { F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK };

/** [from 'c' | 's', flags, seq, ack, payload length, window?, options] */
type Seg = [string, string, number, number, number?, number?, { bad?: boolean; cut?: boolean }?];

interface Opts {
  proto?: Proto;
  clientPort?: number;
  serverPort?: number;
  /** The server's IPv4 address (default 10.0.0.2). */
  serverAddr?: number;
}

function run(
  segs: Seg[],
  o: Opts = {},
): ReturnType<ZeekConn['result']> & { states: { client: string; server: string }; span: [number, number] } {
  const proto = o.proto ?? 'tcp';
  const z = new ZeekConn(proto);
  const p = new Packet();
  const cport = o.clientPort ?? 40000;
  const sport = o.serverPort ?? 80;
  segs.forEach(([from, fl, seq, ack, len = 0, win = 1000, x = {}], i) => {
    const c = from === 'c';
    p.kind = proto === 'udp' ? PacketKind.Udp : PacketKind.Tcp;
    p.ipVersion = 4;
    const server = o.serverAddr ?? 0x0a000002;
    p.src4 = c ? 0x0a000001 : server;
    p.dst4 = c ? server : 0x0a000001;
    p.srcPort = c ? cport : sport;
    p.dstPort = c ? sport : cport;
    let f = 0;
    for (const ch of fl) f |= FLAG[ch];
    p.flags = f;
    p.seq = seq >>> 0;
    p.ack = ack >>> 0;
    p.window = win;
    p.payloadLen = len;
    p.payloadCaptured = x.cut ? 0 : len;
    p.udpLen = len + 8;
    p.ipLen = (proto === 'udp' ? 28 : 40) + len;
    p.tcpChecksumBad = proto === 'tcp' && !!x.bad;
    const notes = x.bad ? Note.BAD_CHECKSUM : 0;
    z.onPacket(p, c, notes, 1700000000 + i, 0);
  });
  return { ...z.result(), states: z.endpointStates(), span: [z.seqBytes(0), z.seqBytes(1)] };
}

// Client ISN 1000, server ISN 5000.
const HS: Seg[] = [
  ['c', 'S', 1000, 0],
  ['s', 'SA', 5000, 1001],
  ['c', 'A', 1001, 5001],
];

describe('Zeek history and conn_state (hand-worked from zeek-conn.md)', () => {
  it('full connection with data both ways and FINs: ShADadFf, SF, bytes = sequence span', () => {
    // zeek-conn.md (b): "ShADadFf is simply the order in which each kind was first seen".
    const r = run([
      ...HS,
      ['c', 'PA', 1001, 5001, 100],
      ['s', 'A', 5001, 1101],
      ['s', 'PA', 5001, 1101, 50],
      ['c', 'A', 1101, 5051],
      ['c', 'FA', 1101, 5051],
      ['s', 'FA', 5051, 1102],
      ['c', 'A', 1102, 5052],
    ]);
    expect(r.history).toBe('ShADadFf');
    expect(r.conn_state).toBe('SF');
    expect(r.origIsClient).toBe(true);
    // (c): Size = max(last, ack) − start − 1 (SYN) − 1 (FIN): 1102 − 1000 − 2 = 100; 5052 − 5000 − 2 = 50.
    expect([r.orig_bytes, r.resp_bytes]).toEqual([100, 50]);
    expect(r.missed_bytes).toBe(0);
    // duration: last-seen time is not refreshed once both sides closed: packets 0 … 8 (the final ACK excluded).
    expect(r.duration).toBe(8);
    expect([r.orig_pkts, r.resp_pkts]).toEqual([6, 4]);
  });

  it('SYN retransmitted with the same ISN adds nothing: S, S0', () => {
    // (b): "A retransmitted SYN with the same ISN therefore adds nothing"; (a) row 12: SYN_SENT + INACTIVE = S0.
    const r = run([['c', 'S', 1000, 0], ['c', 'S', 1000, 0], ['c', 'S', 1000, 0]]);
    expect(r.history).toBe('S');
    expect(r.conn_state).toBe('S0');
    expect([r.orig_bytes, r.resp_bytes]).toEqual([0, 0]);
  });

  it('SYN answered by RST: Sr, REJ', () => {
    // (a) row 1: r = RESET and o = SYN_SENT → REJ.
    const r = run([['c', 'S', 1000, 0], ['s', 'RA', 0, 1001, 0, 0]]);
    expect(r.history).toBe('Sr');
    expect(r.conn_state).toBe('REJ');
  });

  it('originator resets an established connection: RSTO; responder does: RSTR', () => {
    const base: Seg[] = [...HS, ['c', 'PA', 1001, 5001, 10], ['s', 'A', 5001, 1011]];
    const o = run([...base, ['c', 'RA', 1011, 5001, 0, 0]]);
    expect(o.history).toBe('ShADaR');
    expect(o.conn_state).toBe('RSTO'); // row 6
    const s = run([...base, ['s', 'RA', 5001, 1011, 0, 0]]);
    expect(s.history).toBe('ShADar');
    expect(s.conn_state).toBe('RSTR'); // row 3
  });

  it('SYN then RST from the originator, responder silent: SR, RSTOS0', () => {
    // row 4: o = RESET, r inactive, history ^?S[^HAFGIQ]*R.
    const r = run([['c', 'S', 1000, 0], ['c', 'R', 1001, 0, 0, 0]]);
    expect(r.history).toBe('SR');
    expect(r.conn_state).toBe('RSTOS0');
  });

  it('SYN then FIN, responder silent: SF, SH', () => {
    // (a): SYN_SENT + FIN → CLOSED; row 8: o CLOSED, r inactive → SH.
    const r = run([['c', 'S', 1000, 0], ['c', 'F', 1001, 0]]);
    expect(r.history).toBe('SF');
    expect(r.conn_state).toBe('SH');
  });

  it('baseline rows without a SYN (zeek-conn.md (a) "Consequences"): DaFfA SF, DAF SH, Dr RSTRH, R OTH, Fa SH', () => {
    expect(
      run([['c', 'PA', 1001, 5001, 10], ['s', 'A', 5001, 1011], ['c', 'FA', 1011, 5001], ['s', 'FA', 5001, 1012], ['c', 'A', 1012, 5002]]),
    ).toMatchObject({ history: 'DaFfA', conn_state: 'SF' });
    expect(run([['c', 'PA', 1001, 5001, 10], ['c', 'A', 1011, 5001], ['c', 'FA', 1011, 5001]])).toMatchObject({
      history: 'DAF',
      conn_state: 'SH',
    });
    expect(run([['c', 'PA', 1001, 5001, 10], ['s', 'R', 5001, 0, 0, 0]])).toMatchObject({ history: 'Dr', conn_state: 'RSTRH' });
    expect(run([['c', 'R', 1001, 0, 0, 0]])).toMatchObject({ history: 'R', conn_state: 'OTH' });
    expect(run([['c', 'FA', 1001, 5001], ['s', 'A', 5001, 1002]])).toMatchObject({ history: 'Fa', conn_state: 'SH' });
  });

  it('midstream with data both ways and no close: both PARTIAL → OTH', () => {
    // row 14: PARTIAL/PARTIAL is not S1 (S1 needs both ESTABLISHED).
    const r = run([['c', 'PA', 1001, 5001, 10], ['s', 'A', 5001, 1011], ['s', 'PA', 5001, 1011, 20], ['c', 'A', 1011, 5021]]);
    expect(r.history).toBe('DadA');
    expect(r.conn_state).toBe('OTH');
    expect(r.states).toEqual({ client: 'PARTIAL', server: 'PARTIAL' });
  });

  it('S2, S3, SHR', () => {
    // row 9: o CLOSED, r active → S2; row 11: r CLOSED, o active → S3; row 10: r CLOSED, o inactive → SHR.
    expect(run([...HS, ['c', 'FA', 1001, 5001], ['s', 'A', 5001, 1002]])).toMatchObject({ history: 'ShAFa', conn_state: 'S2' });
    expect(run([...HS, ['s', 'FA', 5001, 1001]])).toMatchObject({ history: 'ShAf', conn_state: 'S3' });
    expect(run([['c', 'A', 1001, 5001], ['s', 'FA', 5001, 1001]])).toMatchObject({ history: 'Af', conn_state: 'SHR' });
  });

  it('established, no close: S1', () => {
    expect(run([...HS, ['c', 'PA', 1001, 5001, 5]])).toMatchObject({ history: 'ShAD', conn_state: 'S1' });
  });

  it('FIN then RST from the same side: RSTO; a later FIN from the peer turns it back to CLOSED: SF', () => {
    // (a): "A RST that follows a FIN from the same side, with the peer established, still counts as
    // RESET … unless the peer later sends its own FIN (that FIN puts the RST sender back to CLOSED)".
    const a: Seg[] = [...HS, ['c', 'FA', 1001, 5001], ['s', 'A', 5001, 1002], ['c', 'R', 1002, 0, 0, 0]];
    expect(run(a)).toMatchObject({ history: 'ShAFaR', conn_state: 'RSTO' });
    expect(run([...a, ['s', 'FA', 5001, 1002]])).toMatchObject({ history: 'ShAFaRf', conn_state: 'SF' });
  });

  it('capture starts at the SYN-ACK from port 80: flipped at creation (^h), then S1', () => {
    // (b) flip at creation: first packet is not a bare SYN, source port 80 likely, 40000 not → flip.
    // The SYN-ACK then comes from the responder (lower case); the responder's SYN makes both ESTABLISHED.
    const r = run([['s', 'SA', 5000, 1001], ['c', 'A', 1001, 5001]]);
    expect(r.history).toBe('^hA');
    expect(r.conn_state).toBe('S1');
    expect(r.origIsClient).toBe(true);
  });

  it('capture starts at a SYN-ACK from an unlikely port: H, then the ACK flips it to ^hA (OTH)', () => {
    // (b) "Flip on the second kind of packet": history exactly "H" and the next letter is A → "^h" + "A".
    // States: the SYN-ACK sender was originator → SYN_ACK_SENT; the client's bare ACK → PARTIAL → OTH (row 14).
    const r = run([['s', 'SA', 5000, 1001], ['c', 'A', 1001, 5001]], { serverPort: 50000 });
    expect(r.history).toBe('^hA');
    expect(r.origIsClient).toBe(true);
    expect(r.conn_state).toBe('OTH');
  });

  it('flip at creation ((b)): never for a bare SYN; with both ports likely, only a non-SYN-ACK from the lower port', () => {
    // bare SYN from port 80 to 40000: the sender stays the originator
    expect(run([['c', 'S', 1000, 0]], { clientPort: 80, serverPort: 40000 }).history).toBe('S');
    // ACK from 80 to 443 (both likely, 80 < 443, not a SYN-ACK): flipped, the ACK is the responder's
    expect(run([['c', 'A', 1000, 2000]], { clientPort: 80, serverPort: 443 }).history).toBe('^a');
    // SYN-ACK from 80 to 443: not flipped
    expect(run([['c', 'SA', 1000, 2000]], { clientPort: 80, serverPort: 443 }).history).toBe('H');
    // ACK from 443 to 80: the higher port is the client side already, no flip
    expect(run([['c', 'A', 1000, 2000]], { clientPort: 443, serverPort: 80 }).history).toBe('A');
  });

  it('SYN-ACK seen before its SYN: Hs^ then both ESTABLISHED (S1)', () => {
    // (a) UpdateInactiveState special case and (b) "Flip on a late SYN … (e.g. Hs^…)".
    const r = run([['s', 'SA', 5000, 1001], ['c', 'S', 1000, 0], ['c', 'A', 1001, 5001]], { serverPort: 50000 });
    expect(r.history).toBe('Hs^A');
    expect(r.conn_state).toBe('S1');
    expect(r.origIsClient).toBe(true);
  });

  it('S/F again only when the relative sequence (F: sequence + length) differs from the last one (table in (b))', () => {
    // A SYN from an established client at relative seq 8000 ≠ 0: a second S. A FIN repeated at the
    // same position adds nothing; one 50 further on adds F.
    expect(run([...HS, ['c', 'S', 9000, 0]]).history).toBe('ShAS');
    expect(run([...HS, ['c', 'FA', 1001, 5001], ['c', 'FA', 1001, 5001], ['c', 'FA', 1051, 5001]]).history).toBe('ShAFF');
  });

  it('no zero-window letter once the peer has closed, or from a sender in RESET ((b) Zero window)', () => {
    // the client's FIN closes it; the server's zero window after that is not recorded
    expect(run([...HS, ['c', 'FA', 1001, 5001], ['s', 'A', 5001, 1002, 0, 0]]).history).toBe('ShAFa');
    // the server reset (its RST's window never counts); its later zero-window ACK is not recorded either
    expect(run([...HS, ['s', 'R', 5001, 0, 0, 0], ['s', 'A', 5001, 1001, 0, 0]]).history).toBe('ShAra');
  });

  it('an early bare ACK to a SYN leaves the responder INACTIVE (S0); data from it makes it PARTIAL (OTH)', () => {
    // (a) Sender INACTIVE, no SYN/FIN/RST: INACTIVE only when the segment has no payload.
    expect(run([['c', 'S', 1000, 0], ['s', 'A', 5001, 1001]])).toMatchObject({ history: 'Sa', conn_state: 'S0' });
    const r = run([['c', 'S', 1000, 0], ['s', 'PA', 5001, 1001, 10]]);
    expect(r.states.server).toBe('PARTIAL');
    expect(r).toMatchObject({ history: 'Sd', conn_state: 'OTH' }); // (c) rows 12–14: PARTIAL is not INACTIVE
  });

  it('SYN_SENT → RESET with the peer INACTIVE: bytes 0 even though the peer acked past the SYN ((c) special case)', () => {
    // The server's stray ACK 1101 would otherwise make the client's size 1101 − 1000 − 1 = 100.
    const r = run([['c', 'S', 1000, 0], ['s', 'A', 5001, 1101], ['c', 'R', 1001, 0]]);
    expect(r.states).toEqual({ client: 'RESET', server: 'INACTIVE' });
    expect([r.orig_bytes, r.conn_state]).toEqual([0, 'RSTOS0']); // "SaR" matches ^?S[^HAFGIQ]*R
  });

  it('an ack of 0 more than 1 MiB ahead is not taken as acknowledging (update_ack_seq)', () => {
    const isn = 2 ** 32 - 3 * 1048576; // ack 0 is 3 MiB past the client's ISN
    const r = run([['c', 'S', isn, 0], ['s', 'SA', 5000, isn + 1], ['c', 'A', isn + 1, 5001], ['c', 'PA', isn + 1, 5001, 100], ['s', 'A', 5001, 0]]);
    expect(r.orig_bytes).toBe(100); // highest end isn + 101 − isn − 1 (SYN octet)
  });

  it('a SYN or RST more than 1 MiB away from last_seq is ignored (update_last_seq, TOO_LARGE_SEQ_DELTA)', () => {
    const far = 1101 + 2 * 1048576;
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['c', 'S', far, 0], ['c', 'R', far, 0, 0, 0]]);
    // (c): 1101 (highest end) − 1000 (ISN) − 1 (SYN octet) = 100
    expect(r.orig_bytes).toBe(100);
  });

  it('any other forward ack counts, however far: a sequence jump inflates the count ((c))', () => {
    const far = 1.5 * 2 ** 30; // 1.5 GiB ahead
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['s', 'A', 5001, 1001 + far]]);
    expect(r.orig_bytes).toBe(far); // max(1101, 1001 + far) − 1000 − 1
  });

  it('retransmissions are logarithmic: 12 copies of a segment → TT', () => {
    // (b) logarithmic rule: letter at the 1st and 10th occurrence.
    const segs: Seg[] = [...HS, ['c', 'PA', 1001, 5001, 100]];
    for (let i = 0; i < 12; i++) segs.push(['c', 'PA', 1001, 5001, 100]);
    const r = run(segs);
    expect(r.history).toBe('ShADTT');
    expect(r.orig_bytes).toBe(100); // retransmissions are not counted twice
    const nine = run([...HS, ...Array.from({ length: 10 }, (): Seg => ['c', 'PA', 1001, 5001, 100])]);
    expect(nine.history).toBe('ShADT'); // 9 retransmissions: one T
  });

  it('zero window from the responder: w after its a', () => {
    // (b) update_window runs after update_history for the same packet.
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['s', 'A', 5001, 1101, 0, 0]]);
    expect(r.history).toBe('ShADaw');
  });

  it('content gap revealed by the ACK: G (sender letter) and missed_bytes', () => {
    // (b) Content gap: a hole below the acknowledged point is a gap of the data sender, both ESTABLISHED.
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['c', 'PA', 1201, 5001, 100], ['s', 'A', 5001, 1301]]);
    expect(r.history).toBe('ShADaG');
    expect(r.missed_bytes).toBe(100);
    // (c) bytes lost to gaps still count when acknowledged: 1301 − 1000 − 1 = 300.
    expect(r.orig_bytes).toBe(300);
  });

  it('out-of-order data that fills the hole before the ACK is no gap; two holes count twice', () => {
    // (b) Content gap: only ranges "the reassembler never received" below the acked point are gaps.
    const filled = run([
      ...HS,
      ['c', 'PA', 1001, 5001, 100],
      ['c', 'PA', 1201, 5001, 100],
      ['c', 'PA', 1101, 5001, 100], // arrives late (Zeek: T, it does not move the highest end)
      ['s', 'A', 5001, 1301],
    ]);
    expect(filled.history).toBe('ShADTa');
    expect(filled.missed_bytes).toBe(0);
    // holes 1101..1201 and 1301..1401 below ack 1401: two gap events (one G: the 1st of 1–9), 200 bytes
    const two = run([...HS, ['c', 'PA', 1001, 5001, 100], ['c', 'PA', 1201, 5001, 100], ['s', 'A', 5001, 1401]]);
    expect(two.history).toBe('ShADaG');
    expect(two.missed_bytes).toBe(200);
  });

  it('holes are walked in sequence order whatever order the blocks arrived in', () => {
    // received: rel 1–101, 301–401, 501–601; acked to 701 → holes 101–301, 401–501, 601–701 = 400 bytes
    // (3 gaps: one G, logarithmic)
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['c', 'PA', 1301, 5001, 100], ['c', 'PA', 1501, 5001, 100], ['s', 'A', 5001, 1701]]);
    expect([r.history, r.missed_bytes]).toEqual(['ShADaG', 400]);
  });

  it('a partial connection (no SYN seen from the sender) ignores a gap revealed by an ack up to relative 1 or 2', () => {
    // SYN-ACK from port 80 first (flipped at creation: ^h), the client's ACK makes both ESTABLISHED with
    // the client's start faked from its first seq (1000). The server's ack 1002 (relative 2) reveals
    // byte 1 missing: ignored (TCP_Reassembler::Undelivered, "up_to_seq <= 2" on a partial connection).
    const r = run([['s', 'SA', 5000, 1001], ['c', 'A', 1001, 5001], ['s', 'A', 5001, 1002]]);
    expect(r.states).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect([r.history, r.missed_bytes]).toEqual(['^hAa', 0]);
  });

  it('payload cut by the snap length becomes a gap once acknowledged', () => {
    // (b): DataSent refuses truncated segments, so "a truncated capture shows up as g/G plus missed_bytes".
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100, 1000, { cut: true }], ['s', 'A', 5001, 1101]]);
    expect(r.history).toBe('ShADaG');
    expect(r.missed_bytes).toBe(100);
  });

  it('a gap before the connection is established is not counted', () => {
    // Gap() counts only when both endpoints are ESTABLISHED (or CLOSED from ESTABLISHED): PARTIAL here.
    const r = run([['c', 'PA', 1001, 5001, 100], ['c', 'PA', 1201, 5001, 100], ['s', 'A', 5001, 1301]]);
    expect(r.history).toBe('Da');
    expect(r.missed_bytes).toBe(0);
  });

  it('bad-checksum SYN: history C, OTH, no packets (core.tcp.bad-checksum-syn)', () => {
    const r = run([['c', 'S', 1000, 0, 0, 1000, { bad: true }]]);
    expect(r.history).toBe('C');
    expect(r.conn_state).toBe('OTH');
    expect([r.orig_pkts, r.resp_pkts]).toEqual([0, 0]);
  });

  it('multi-flag packets: SYN+FIN → Q, FIN+RST → I (once per side)', () => {
    expect(run([['c', 'SF', 1000, 0], ['c', 'SF', 1000, 0]]).history).toBe('Q');
    expect(run([...HS, ['s', 'FRA', 5001, 1001, 0, 0]]).history).toBe('ShAi');
  });

  it('duration 0 leaves the byte counts unset', () => {
    // (c) "set_conn() writes duration, orig_bytes and resp_bytes only if the duration is greater than 0".
    const r = run([['c', 'S', 1000, 0]]);
    expect(r.orig_bytes).toBeNull();
    expect(r.resp_bytes).toBeNull();
    expect(r.duration).toBeNull();
  });
});

describe('Zeek UDP', () => {
  it('query and answer: Dd, SF; bytes from the UDP length field', () => {
    const r = run([['c', '', 0, 0, 30], ['s', '', 0, 0, 120]], { proto: 'udp', serverPort: 53 });
    expect(r.history).toBe('Dd');
    expect(r.conn_state).toBe('SF');
    expect([r.orig_bytes, r.resp_bytes]).toEqual([30, 120]);
  });
  it('only the originator: D, S0', () => {
    expect(run([['c', '', 0, 0, 30]], { proto: 'udp', serverPort: 53 })).toMatchObject({ history: 'D', conn_state: 'S0' });
  });
  it('no flip at creation towards a broadcast address ((b))', () => {
    // from port 53 (likely) to port 5000 (not) at 255.255.255.255: stays as sent
    expect(run([['c', '', 0, 0, 30]], { proto: 'udp', clientPort: 53, serverPort: 5000, serverAddr: 0xffffffff }).history).toBe('D');
    expect(run([['c', '', 0, 0, 30]], { proto: 'udp', clientPort: 53, serverPort: 5000 }).history).toBe('^d');
  });

  it('answer seen first (from port 53): flipped at creation, ^d, SHR', () => {
    const r = run([['s', '', 0, 0, 120]], { proto: 'udp', serverPort: 53 });
    expect(r.history).toBe('^d');
    expect(r.conn_state).toBe('SHR');
    expect(r.origIsClient).toBe(true);
  });
  it('bad UDP checksum as the decoder reports it (l4ChecksumBad): C, and the packet counts nowhere', () => {
    // (b) Bad checksum: UDPSessionAdapter::HandleBadChecksum adds C/c and drops the packet.
    const z = new ZeekConn('udp');
    const p = new Packet();
    p.kind = PacketKind.Udp;
    p.srcPort = 40000;
    p.dstPort = 53;
    p.udpLen = 38;
    p.ipLen = 58;
    p.l4ChecksumBad = true;
    z.onPacket(p, true, 0, 1700000000, 0);
    p.l4ChecksumBad = false;
    z.onPacket(p, true, 0, 1700000001, 0);
    expect(z.result()).toMatchObject({ history: 'CD', conn_state: 'S0', orig_pkts: 1, orig_bytes: 30 });
  });

  it('every packet with a bad checksum: Cc, OTH (core.udp-corrupt)', () => {
    const r = run([['c', '', 0, 0, 30, 0, { bad: true }], ['s', '', 0, 0, 30, 0, { bad: true }]], { proto: 'udp', serverPort: 53 });
    expect(r.history).toBe('Cc');
    expect(r.conn_state).toBe('OTH');
  });
});

describe('ZeekConn never throws (fast-check)', () => {
  it('random TCP/UDP packets, sequence numbers near 2^32, timestamps going backwards', () => {
    const pkt = fc.record({
      c: fc.boolean(),
      flags: fc.integer({ min: 0, max: 0x3f }),
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffff00, max: 0xffffffff }), fc.integer({ min: 0, max: 512 })),
      ack: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffff00, max: 0xffffffff }), fc.integer({ min: 0, max: 512 })),
      len: fc.integer({ min: 0, max: 3000 }),
      win: fc.integer({ min: 0, max: 3 }),
      bad: fc.boolean(),
      sec: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.constantFrom<Proto>('tcp', 'udp', 'icmp'), fc.array(pkt, { maxLength: 150 }), (proto, pkts) => {
        const z = new ZeekConn(proto);
        const p = new Packet();
        for (const x of pkts) {
          p.flags = x.flags;
          p.seq = x.seq;
          p.ack = x.ack;
          p.payloadLen = x.len;
          p.payloadCaptured = x.len;
          p.window = x.win;
          p.udpLen = x.len + 8;
          p.ipLen = 40 + x.len;
          p.tcpChecksumBad = x.bad && x.len % 7 === 0;
          p.srcPort = x.c ? 40000 : 80;
          p.dstPort = x.c ? 80 : 40000;
          z.onPacket(p, x.c, 0, 1700000000 + x.sec, 0);
        }
        const r = z.result();
        const okBytes = (v: number | null) => v === null || (Number.isFinite(v) && v >= 0);
        return okBytes(r.orig_bytes) && okBytes(r.resp_bytes) && r.missed_bytes >= 0 && /^[\^SHADFRIQCTWGshadfriqctwg]*$/.test(r.history);
      }),
      { numRuns: 300 },
    );
  });
});

describe('seqBytes: the one implementation of the sequence-span rule (record bytes and orig/resp_bytes)', () => {
  it('an endpoint first known from the peer\'s ACK restarts from its own first segment (tcpdump corpus bgp-role.pcapng)', () => {
    // The nine packets of ../shared/corpus/tcpdump/bgp-role.pcapng, raw numbers from
    // `tshark -T fields -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags.str`;
    // client 'c' = 192.168.10.124:53580, server 's' = 192.168.10.17:179.
    const r = run(
      [
        ['s', 'PA', 3763129203, 4158499266, 107], // 1
        ['s', 'PA', 3763129348, 4158499304, 23], // 2 (38 bytes of the server not captured)
        ['c', 'A', 4158499304, 3763129371], // 3
        ['c', 'PA', 4158499304, 3763129371, 498], // 4
        ['s', 'A', 3763129371, 4158499802], // 5
        ['s', 'PA', 3763129371, 4158499802, 19], // 6
        ['c', 'A', 4158499802, 3763129390], // 7
        ['c', 'PA', 4158499802, 3763129390, 19], // 8
        ['s', 'A', 3763129390, 4158499821], // 9
      ],
      { clientPort: 53580, serverPort: 179 },
    );
    // zeek-conn.md (c) and section 0 step 4 (init_endpoint runs on every packet of an INACTIVE sender):
    // frame 1's ACK makes the client known through init_peer (start 4158499265, state still
    // INACTIVE); the client's own first segment (frame 3, no SYN) re-initialises it: start =
    // 4158499304 − 1 = 4158499303. Highest end 4158499821 (frame 8), highest ack 4158499821
    // (frame 9): 4158499821 − 4158499303 − 1 (SYN octet, none sent: the rule subtracts it anyway) = 517.
    // Keeping the start from the ACK would give 4158499821 − 4158499265 − 1 = 555 (the 38 bytes
    // 4158499266 … 4158499303 acked before the client was ever seen sending).
    // Server: start 3763129203 − 1; highest end = highest ack = 3763129390: 3763129390 − 3763129202 − 1 = 187.
    expect(r.span).toEqual([517, 187]);
    // 179 is not a likely server port (no BGP analyzer in a default run): no flip, the first
    // sender (the server) is Zeek's originator.
    expect([r.origIsClient, r.orig_bytes, r.resp_bytes]).toEqual([false, 187, 517]);
  });

  it('is set even when Zeek leaves orig_bytes unset (zero duration), and is 0 for a side never seen', () => {
    const z = new ZeekConn('tcp');
    const p = new Packet();
    p.kind = PacketKind.Tcp;
    p.flags = TcpFlag.PSH | TcpFlag.ACK;
    p.seq = 777777;
    p.ack = 888888;
    p.payloadLen = 100;
    p.payloadCaptured = 100;
    p.ipLen = 140;
    p.srcPort = 40000;
    p.dstPort = 80;
    z.onPacket(p, true, 0, 1700000000, 0);
    // (c): start = first seq − 1 = 777776; highest end 777877: 777877 − 777776 − 1 = 100. The
    // server is known only from the ACK: start 888887, ack 888888: 1 − 1 = 0.
    expect([z.seqBytes(0), z.seqBytes(1)]).toEqual([100, 0]);
    expect(z.result().orig_bytes).toBeNull(); // "set_conn() writes … only if the duration is greater than 0"
  });

  it('a RST\'s payload is not sequence space (tcpdump corpus tcp_rst_data: a lone RST with 58 bytes)', () => {
    // zeek-conn.md (c): last_seq counts "payload + SYN + FIN, RST payload excluded".
    const r = run([...HS, ['c', 'PA', 1001, 5001, 100], ['s', 'A', 5001, 1101], ['c', 'RA', 1101, 5001, 50]]);
    expect(r.orig_bytes).toBe(100); // 1101 − 1000 − 1 (SYN octet), not 1151 − 1000 − 1
    expect(r.history).toBe('ShADaR'); // and no T: it is not a retransmission either
    // A lone RST carrying 58 bytes, no SYN: start = seq − 1, last = seq: 1 − 1 = 0.
    expect(run([['s', 'R', 70000, 0, 58]]).span).toEqual([0, 0]);
  });

  it('is 0 for UDP (record bytes of other protocols are payload bytes, counted by the tracker)', () => {
    expect(new ZeekConn('udp').seqBytes(0)).toBe(0);
  });
});
