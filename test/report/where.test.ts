import { describe, expect, it } from 'vitest';
import { parseSort, parseWhere, WhereError } from '../../src/report/where.js';
import { rec } from './records.js';

// rec(): duration 1.5, retransmissions 0/0, state TIME_WAIT/CLOSED, rtt 1.5 ms, service http.
const slowRetx = rec({ id: 2, duration: 7, retransmissions: { client: 3, server: 0 } });
const udp = rec({ id: 3, proto: 'udp', handshake: null, analysis: null, state: { client: null, server: null }, duration: 0.2 });

describe('--where', () => {
  it('the issue\'s example: retransmissions.client>0 and duration>=1', () => {
    const p = parseWhere('retransmissions.client>0 and duration>=1');
    expect([rec(), slowRetx, udp].filter(p).map((r) => r.id)).toEqual([2]);
  });
  it('and binds tighter than or; parentheses group', () => {
    const all = [rec(), slowRetx, udp];
    expect(all.filter(parseWhere('proto=udp or duration>5 and retransmissions>0')).map((r) => r.id)).toEqual([2, 3]);
    expect(all.filter(parseWhere('(proto=udp or duration>5) and retransmissions>0')).map((r) => r.id)).toEqual([2]);
  });
  it('strings are case-insensitive, ~ is contains, quoted values may hold spaces', () => {
    expect(parseWhere('state.client = time_wait')(rec())).toBe(true);
    expect(parseWhere('zeek.history ~ fF')(rec())).toBe(true);
    expect(parseWhere('server.ip = 10.0.0.5')(rec())).toBe(true);
    expect(parseWhere("service = 'http'")(rec())).toBe(true);
    expect(parseWhere('service != "h t"')(rec())).toBe(true);
  });
  it('IPv6 addresses compare in RFC 5952 form whatever the spelling', () => {
    const v6 = rec({ client: { ip: '2001:db8::1', port: 5 } });
    expect(parseWhere('client.ip = 2001:0DB8:0:0:0:0:0:0001')(v6)).toBe(true);
    expect(parseWhere('client.ip = [2001:db8::1]')(v6)).toBe(true);
    expect(parseWhere('client.ip != 2001:db8::2')(v6)).toBe(true);
  });
  it('null fields: only = null / != match', () => {
    expect(parseWhere('rtt > 0')(udp)).toBe(false);
    expect(parseWhere('rtt < 1000')(udp)).toBe(false);
    expect(parseWhere('rtt = null')(udp)).toBe(true);
    expect(parseWhere('rtt != null')(rec())).toBe(true);
    expect(parseWhere('rtt != 5')(udp)).toBe(true);
  });
  it('booleans', () => {
    expect(parseWhere('portReuse = false')(rec())).toBe(true);
    expect(parseWhere('portReuse = true')(rec())).toBe(false);
    expect(parseWhere('portReuse = FALSE')(rec())).toBe(true); // true/false in any case
  });
  it.each([
    ['', /empty/],
    ['nosuchfield > 1', /unknown field 'nosuchfield'/],
    ['duration > abc', /is a number/],
    ['duration >', /expected a value/],
    ['duration 5', /expected an operator/],
    ['(duration > 1', /missing '\)'/],
    ['duration > 1 extra', /unexpected 'extra'/],
    ['portReuse > true', /use = or !=/],
    ['rtt > null', /only = and !=/],
    ["service = 'open", /unterminated/],
  ])('rejects %j with a one-line reason', (src, re) => {
    expect(() => parseWhere(src)).toThrow(WhereError);
    expect(() => parseWhere(src)).toThrow(re);
  });
  it('never evaluates code', () => {
    expect(() => parseWhere('process.exit(1) = 1')).toThrow(WhereError);
  });
});

describe('--sort', () => {
  it('FIELD and FIELD:desc, nulls last, ties by id', () => {
    // distinct ids, the tie (duration 3) given in descending id order so that only the tie-break can order it
    const u = { ...udp, id: 4, handshake: null }; // no handshake: rtt is null
    const rs = [rec({ id: 3, duration: 3 }), rec({ id: 2, duration: 1 }), rec({ id: 1, duration: 3 }), u];
    // ascending: 0.2 (4), 1 (2), then the tie 3/3 by id: 1, 3
    expect([...rs].sort(parseSort('duration')).map((r) => r.id)).toEqual([4, 2, 1, 3]);
    // descending: the tie still by ascending id, then 1 (2), 0.2 (4); DESC in any case
    expect([...rs].sort(parseSort('duration:desc')).map((r) => r.id)).toEqual([1, 3, 2, 4]);
    expect([...rs].sort(parseSort('duration:DESC')).map((r) => r.id)).toEqual([1, 3, 2, 4]);
    // rtt: all 1.5 ms but the UDP flow's null, which goes last both ways; the rest by id
    expect([...rs].sort(parseSort('rtt')).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect([...rs].sort(parseSort('rtt:desc')).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    // two nulls: by id
    expect([{ ...u, id: 9 }, u].sort(parseSort('rtt')).map((r) => r.id)).toEqual([4, 9]);
  });
  it('rejects unknown fields', () => {
    expect(() => parseSort('bogus')).toThrow(/unknown sort field/);
    expect(() => parseSort('duration:up')).toThrow(/FIELD or FIELD:desc/);
  });
});
