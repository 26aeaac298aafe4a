/** Address text: RFC 5952 §4 and §5 examples for IPv6 output, RFC 4291 §2.2 forms for input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../src/decode/addr.js';

const v6 = (s: string) => {
  const b = parseIPv6(s);
  if (!b) throw new Error(`parse ${s}`);
  return b;
};

describe('IPv4', () => {
  it('formats and parses', () => {
    expect(formatIPv4(0x0a000001)).toBe('10.0.0.1');
    expect(formatIPv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIPv4(-1)).toBe('255.255.255.255');
    expect(parseIPv4('192.168.0.199')).toBe(0xc0a800c7);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.x', '', '1..2.3', ' 1.2.3.4']) expect(parseIPv4(bad)).toBeNull();
  });
});

describe('IPv6 (RFC 5952)', () => {
  it('§4.1 leading zeros dropped, §4.3 lower case', () => {
    expect(formatIPv6(v6('2001:0DB8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatIPv6(v6('2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001'))).toBe('2001:db8:aaaa:bbbb:cccc:dddd:eeee:1');
  });
  it('§4.2.1 shorten as much as possible; §4.2.2 one 16-bit 0 field is not shortened', () => {
    expect(formatIPv6(v6('2001:db8:0:0:0:0:2:1'))).toBe('2001:db8::2:1');
    expect(formatIPv6(v6('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
  });
  it('§4.2.3 the longest run, the first on a tie', () => {
    expect(formatIPv6(v6('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    expect(formatIPv6(v6('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
  });
  it('all zeros, loopback, trailing run', () => {
    expect(formatIPv6(new Uint8Array(16))).toBe('::');
    expect(formatIPv6(v6('::1'))).toBe('::1');
    expect(formatIPv6(v6('fe80::'))).toBe('fe80::');
    expect(formatIPv6(v6('1:0:0:0:0:0:0:0'))).toBe('1::');
  });
  it('§5 IPv4-mapped addresses in dotted form', () => {
    expect(formatIPv6(v6('::ffff:192.0.2.1'))).toBe('::ffff:192.0.2.1');
    expect(formatIPv6(v6('0:0:0:0:0:ffff:c000:0201'))).toBe('::ffff:192.0.2.1');
  });
  it('offset into a larger buffer', () => {
    const b = new Uint8Array(40);
    b.set(v6('2001:db8::7'), 24);
    expect(formatIPv6(b, 24)).toBe('2001:db8::7');
  });
  it('parse rejects what is not an address', () => {
    for (const bad of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1.2.3.4', '::1.2.3', ':::1', '1:2:3:4:5:6:7::8:9'])
      expect(parseIPv6(bad)).toBeNull();
    expect(parseIPv6('fe80::1%eth0')).toEqual(v6('fe80::1'));
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual(v6('1:2:3:4:5:6:102:304'));
  });
  it('format → parse round trip for any 16 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(parseIPv6(formatIPv6(b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
});
