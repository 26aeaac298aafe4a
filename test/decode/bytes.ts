/** Hand-written frames for the decoder tests: hex with spaces and comments ("# …" to end of line). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new Error('odd hex');
  const b = new Uint8Array(clean.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return b;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Ethernet II header 00:11:22:33:44:55 ← 66:77:88:99:aa:bb with the given EtherType. */
export const ETH = (type: string) => hex(`001122334455 66778899aabb ${type}`);

/**
 * IPv4 + TCP SYN, written field by field (RFC 791 §3.1, RFC 9293 §3.1):
 * 192.168.0.104:49153 → 192.168.0.1:80, seq 0x12345678, window 64240,
 * options MSS 1460, SACK-permitted, timestamps 12345/0, NOP, window scale 7.
 */
export const IP_TCP_SYN = hex(`
  45 00 00 3c   # version 4, IHL 5, TOS 0, total length 60
  1c 46 40 00   # id 0x1c46, DF, offset 0
  40 06 00 00   # TTL 64, protocol 6, checksum (not verified)
  c0 a8 00 68   # 192.168.0.104
  c0 a8 00 01   # 192.168.0.1
  c0 01 00 50   # ports 49153 → 80
  12 34 56 78   # seq
  00 00 00 00   # ack
  a0 02 fa f0   # data offset 10 (40 bytes), SYN, window 64240
  00 00 00 00   # checksum, urgent
  02 04 05 b4   # MSS 1460
  04 02         # SACK permitted
  08 0a 00 00 30 39 00 00 00 00  # timestamps 12345, 0
  01            # NOP
  03 03 07      # window scale 7
`);

/**
 * The IPv4 header of Wikipedia's "IPv4 header checksum" worked example (checksum 0xb861 is right):
 * 192.168.0.1 → 192.168.0.199, UDP, total length 115; followed by a UDP header
 * 1025 → 53, length 95, checksum 0 (none), and 87 payload bytes.
 */
export const IP_UDP_WIKI = (() => {
  const h = hex(`
    45 00 00 73  00 00 40 00  40 11 b8 61  c0 a8 00 01  c0 a8 00 c7
    04 01 00 35  00 5f 00 00
  `);
  const b = new Uint8Array(115);
  b.set(h);
  return b;
})();

/**
 * IPv6 + extension chain + TCP ACK (RFC 8200 §4): 2001:db8::1 → 2001:db8::2,
 * hop-by-hop (8) → destination options (8) → routing (8, type 253 segments left 0) → fragment (8, offset 0,
 * M=0: atomic) → AH (16: length field 2) → TCP 20 bytes, no payload. Payload length 68.
 */
export const IP6_EXT_TCP = hex(`
  60 00 00 00  00 44 00 40                       # version 6, payload length 68, next header 0 (HBH), hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 # src 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # dst 2001:db8::2
  3c 00 01 04 00 00 00 00                        # HBH: next 60, len 0, PadN(4)
  2b 00 01 04 00 00 00 00                        # dest opts: next 43, len 0, PadN(4)
  2c 00 fd 00 00 00 00 00                        # routing: next 44, len 0, type 253, segments left 0
  33 00 00 00 de ad be ef                        # fragment: next 51, offset 0, M 0, id 0xdeadbeef
  06 02 00 00 00 00 01 00 00 00 00 07 aa bb cc dd # AH: next 6, len 2 (16 bytes), SPI 0x100, seq 7, ICV
  01 bb d4 31  00 00 00 64  00 00 00 c8  50 10 01 00  00 00 00 00 # TCP 443 → 54321 seq 100 ack 200 ACK win 256
`);
