import { describe, expect, it } from 'vitest';
import { fit, formatBytes, formatDuration, formatEndpoint, formatFlags, formatMs, parseEndpoint } from '../../src/report/fmt.js';

describe('formatDuration', () => {
  // Expected strings worked out by hand: 252 s = 4·60 + 12; 3900 s = 1 h 5 min; 90061 s = 1 d 1 h 1 min 1 s.
  it.each([
    [0, '0s'],
    [0.85, '850ms'],
    [0.0042, '4.2ms'],
    [0.0000005, '1µs'],
    [1.5, '1.5s'],
    [12.34, '12.3s'],
    [59.99, '1m00s'],
    [60, '1m00s'],
    [252, '4m12s'],
    [3900, '1h05m'],
    [90061, '1d01h'],
    [-5, '-5s'],
  ])('%s s → %s', (s, want) => expect(formatDuration(s)).toBe(want));
  it('null and NaN print as -', () => {
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(NaN)).toBe('-');
  });
});

describe('sizes and numbers', () => {
  // 1536 = 1.5 · 1024; 12 · 1024² = 12582912.
  it('formatBytes uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12582912)).toBe('12 MiB');
  });
  it('formatMs keeps precision where it matters', () => {
    expect(formatMs(0.1234)).toBe('0.123');
    expect(formatMs(12.34)).toBe('12.3');
    expect(formatMs(250.4)).toBe('250');
    expect(formatMs(null)).toBe('-');
  });
});

describe('endpoints', () => {
  it('IPv6 in brackets (RFC 3986 authority form), IPv4 bare', () => {
    expect(formatEndpoint({ ip: '10.0.0.1', port: 80 })).toBe('10.0.0.1:80');
    expect(formatEndpoint({ ip: '2001:db8::1', port: 443 })).toBe('[2001:db8::1]:443');
    expect(formatEndpoint({ ip: '2001:db8::1', port: 0 }, false)).toBe('2001:db8::1');
  });
  it('parseEndpoint reads both forms and rejects the rest', () => {
    expect(parseEndpoint('10.0.0.1:80')).toEqual({ ip: '10.0.0.1', port: 80 });
    expect(parseEndpoint('[2001:DB8::1]:443')).toEqual({ ip: '2001:db8::1', port: 443 });
    expect(parseEndpoint('2001:db8::1:443')).toBeNull(); // ambiguous without brackets
    expect(parseEndpoint('10.0.0.1:70000')).toBeNull();
    expect(parseEndpoint('host:80')).toBeNull();
  });
});

describe('flags and fitting', () => {
  // Bits from RFC 9293 §3.1: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20.
  it('names flags in bit order', () => {
    expect(formatFlags(0x02)).toBe('SYN');
    expect(formatFlags(0x12)).toBe('SYN,ACK');
    expect(formatFlags(0x11)).toBe('FIN,ACK');
    expect(formatFlags(0x18)).toBe('PSH,ACK');
    expect(formatFlags(0x14)).toBe('RST,ACK');
    expect(formatFlags(0x30)).toBe('ACK,URG');
    expect(formatFlags(0)).toBe('-');
    expect(formatFlags(0xc0)).toBe('ECE,CWR'); // RFC 3168 §6.1: bits 0x40 ECE, 0x80 CWR
  });
  it('fit pads and cuts', () => {
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, 'right')).toBe('  ab');
    expect(fit('abcdef', 4)).toBe('abc…');
  });
});
