import { describe, expect, it } from 'vitest';
import { zeekFooter, zeekHeader, zeekInterval, zeekOpenTime, zeekRow, zeekString, zeekTime, zeekUid } from '../../src/report/zeek.js';
import { rec } from './records.js';

describe('conn.log header', () => {
  it('matches the header Zeek\'s ASCII writer produces for conn.log (written by hand from Zeek\'s format)', () => {
    // Written by hand from a Zeek conn.log (Conn::Info field order and types; header lines as the
    // ASCII writer emits them). The #open value depends on the clock; pinned here with a local Date.
    const expected = [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tconn',
      '#open\t2026-03-04-05-06-07',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
      '',
    ].join('\n');
    expect(zeekHeader(new Date(2026, 2, 4, 5, 6, 7))).toBe(expected);
    expect(zeekFooter(new Date(2026, 11, 31, 23, 59, 1))).toBe('#close\t2026-12-31-23-59-01\n');
    expect(zeekOpenTime(new Date(2001, 0, 2, 3, 4, 5))).toBe('2001-01-02-03-04-05');
  });
});

describe('conn.log rows', () => {
  const fields = (line: string) => line.replace(/\n$/, '').split('\t');

  it('a graceful connection: every column by hand', () => {
    const f = fields(zeekRow(rec()));
    expect(f).toHaveLength(21);
    const [ts, uid, ...rest] = f;
    expect(ts).toBe('1700000000.123456');
    expect(uid).toMatch(/^C[0-9A-Za-z]{10,17}$/);
    expect(rest).toEqual([
      '10.0.0.1', '40000', '10.0.0.5', '80', 'tcp', 'http', '1.500000', '100', '2000', 'SF', '-', '-', '0', 'ShADadFf',
      '6', '420', '4', '2212', '-',
    ]);
  });

  it('orig/resp follow zeek.origIsClient (Zeek flipped the roles)', () => {
    const r = rec({ zeek: { conn_state: 'S1', history: '^hADad', missed_bytes: 3, origIsClient: false, orig_bytes: 2000, resp_bytes: 100 } });
    const f = fields(zeekRow(r));
    expect(f.slice(2, 6)).toEqual(['10.0.0.5', '80', '10.0.0.1', '40000']);
    expect(f.slice(9, 11)).toEqual(['2000', '100']);
    expect(f[14]).toBe('3');
    expect(f.slice(16, 20)).toEqual(['4', '2212', '6', '420']);
  });

  it('duration 0: duration, orig_bytes, resp_bytes unset; empty history is unset; service unset without payload both ways', () => {
    const r = rec({
      duration: 0, packets: { client: 1, server: 0 }, ipBytes: { client: 60, server: 0 }, bytes: { client: 0, server: 0 },
      zeek: { conn_state: 'S0', history: '', missed_bytes: 0, origIsClient: true, orig_bytes: null, resp_bytes: null },
    });
    const f = fields(zeekRow(r));
    expect(f[7]).toBe('-'); // service
    expect(f.slice(8, 11)).toEqual(['-', '-', '-']);
    expect(f[11]).toBe('S0');
    expect(f[15]).toBe('-');
    expect(f.slice(16, 20)).toEqual(['1', '60', '0', '0']);
  });

  it('Zeek\'s own duration and ConnSize counters when the tracker gives them', () => {
    // Zeek stops last-seen once both sides closed: 7 ms instead of synfin's 8 ms (the final ACK).
    const r = rec({ zeek: { conn_state: 'SF', history: 'ShADadFf', missed_bytes: 0, origIsClient: true, orig_bytes: 100, resp_bytes: 2000, duration: 0.007, orig_pkts: 5, orig_ip_bytes: 380, resp_pkts: 4, resp_ip_bytes: 2212 } });
    const f = fields(zeekRow(r));
    expect(f[8]).toBe('0.007000');
    expect(f.slice(16, 20)).toEqual(['5', '380', '4', '2212']);
    // duration null = unset in Zeek: the two byte counts go with it.
    const u = fields(zeekRow(rec({ zeek: { ...r.zeek, duration: null } })));
    expect(u.slice(8, 11)).toEqual(['-', '-', '-']);
  });

  it('ICMPv6 is logged with proto icmp (Zeek\'s transport_proto has no icmp6)', () => {
    const f = fields(zeekRow(rec({ proto: 'icmp6', client: { ip: 'fe80::1', port: 0 }, server: { ip: 'fe80::2', port: 0 } })));
    expect(f[6]).toBe('icmp');
    expect(f[2]).toBe('fe80::1');
  });
});

describe('conn.log values', () => {
  it('time: %.6f rounded to the microsecond, exact', () => {
    expect(zeekTime(1700000000, 123456000)).toBe('1700000000.123456');
    expect(zeekTime(1700000000, 123456789)).toBe('1700000000.123457');
    expect(zeekTime(1700000000, 999999600)).toBe('1700000001.000000'); // carry into the seconds
    expect(zeekTime(0, 0)).toBe('0.000000');
    expect(zeekInterval(0.0000004)).toBe('0.000000');
    expect(zeekInterval(2)).toBe('2.000000');
  });
  it('uid: C + base62, deterministic, different per flow', () => {
    const a = zeekUid(rec({ id: 1 }));
    expect(zeekUid(rec({ id: 1 }))).toBe(a);
    expect(zeekUid(rec({ id: 2 }))).not.toBe(a);
    expect(a).toMatch(/^C[0-9A-Za-z]+$/);
    expect(a.length).toBeLessThanOrEqual(18); // 96 bits in base62 take at most 17 digits
  });
  it('strings: separators and non-printables as \\xNN, the unset and empty markers escaped', () => {
    expect(zeekString('a\tb')).toBe('a\\x09b');
    expect(zeekString('-')).toBe('\\x2d');
    expect(zeekString('')).toBe('(empty)');
    expect(zeekString(null)).toBe('-');
    expect(zeekString('ShAD')).toBe('ShAD');
  });
});
