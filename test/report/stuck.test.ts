import { describe, expect, it } from 'vitest';
import type { TcpState } from '../../src/flow/types.js';
import { aggregateClientGroups, EPHEMERAL_COUNT, StuckCollector, stuckJson, stuckLine, stuckMeaning, stuckText, STUCK_STATES } from '../../src/report/stuck.js';
import { held, rec } from './records.js';

const srv = (port: number) => ({ server: { ip: '10.0.0.5', port } });

describe('stuck grouping', () => {
  it('groups by the endpoint holding the state, counts, oldest age, ids; ignores young and healthy sides', () => {
    const c = new StuckCollector(10);
    // Three CLOSE_WAIT held by the server 10.0.0.5:8080 (ages 12, 252, 30 s), one too young (5 s),
    // one ESTABLISHED/CLOSED connection, one UDP flow.
    c.add(held(1, 'server', 'CLOSE_WAIT', 12, { ...srv(8080), client: { ip: '10.0.0.1', port: 40001 } }));
    c.add(held(2, 'server', 'CLOSE_WAIT', 252, { ...srv(8080), client: { ip: '10.0.0.2', port: 40002 } }));
    c.add(held(3, 'server', 'CLOSE_WAIT', 5, { ...srv(8080) }));
    c.add(held(4, 'server', 'CLOSE_WAIT', 30, { ...srv(8080), client: { ip: '10.0.0.3', port: 40003 } }));
    c.add(rec({ id: 5, state: { client: 'ESTABLISHED', server: 'ESTABLISHED' }, stateSeconds: { client: 100, server: 100 } }));
    c.add(rec({ id: 6, proto: 'udp', state: { client: null, server: null } }));
    const g = c.groups();
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ endpoint: { ip: '10.0.0.5', port: 8080 }, state: 'CLOSE_WAIT', count: 3, oldestSeconds: 252, ids: [1, 2, 4], side: 'server' });
    // The issue's own example sentence, with these numbers (252 s = 4m12s).
    expect(stuckLine(g[0])).toBe('10.0.0.5:8080 holds 3 connections in CLOSE_WAIT (oldest 4m12s): the peers closed, the application on 10.0.0.5 has not called close()');
    expect(c.total).toBe(3);
  });

  it('a side held exactly --stuck-after seconds counts ("for N s or more")', () => {
    const c = new StuckCollector(10);
    c.add(held(1, 'server', 'CLOSE_WAIT', 10));
    c.add(held(2, 'server', 'CLOSE_WAIT', 9.999));
    expect(c.groups().map((g) => g.ids)).toEqual([[1]]);
  });

  it('names the peer only when there is one: "to" for client-held, "with" for server-held groups', () => {
    const c = new StuckCollector(10);
    // server 10.0.0.5:8080 holds CLOSE_WAIT with two different clients; 10.0.0.9:40000 holds SYN_SENT to one server
    c.add(held(1, 'server', 'CLOSE_WAIT', 20, { ...srv(8080), client: { ip: '10.0.0.1', port: 40001 } }));
    c.add(held(2, 'server', 'CLOSE_WAIT', 20, { ...srv(8080), client: { ip: '10.0.0.2', port: 40002 } }));
    c.add(held(3, 'server', 'CLOSE_WAIT', 20, { ...srv(9090), client: { ip: '10.0.0.2', port: 40003 } }));
    c.add(held(4, 'client', 'SYN_SENT', 20, { client: { ip: '10.0.0.9', port: 40000 }, ...srv(443) }));
    c.add(held(5, 'client', 'SYN_SENT', 20, { client: { ip: '10.0.0.9', port: 40000 }, ...srv(444) }));
    const lines = c.groups().map(stuckLine);
    expect(lines[0]).toMatch(/^10\.0\.0\.5:8080 holds 2 connections in CLOSE_WAIT \(oldest/);
    expect(lines[1]).toMatch(/^10\.0\.0\.9:40000 holds 2 connections in SYN_SENT \(oldest/); // two servers: none named
    expect(lines[2]).toMatch(/^10\.0\.0\.5:9090 holds 1 connection in CLOSE_WAIT with 10\.0\.0\.2:40003 \(oldest/);
  });

  it('--limit cuts the group lines and says how many more there are', () => {
    const c = new StuckCollector(10);
    for (let i = 0; i < 3; i++) c.add(held(i + 1, 'server', 'CLOSE_WAIT', 20 + i, srv(8000 + i)));
    const text = stuckText(c, { stuckAfter: 10, limit: 2 });
    expect(text.split('\n').filter((l) => / holds /.test(l))).toHaveLength(2);
    expect(text).toContain('… and 1 more groups (--limit 0 shows all)');
    expect(stuckText(c, { stuckAfter: 10, limit: 3 })).not.toContain('more groups');
  });

  it('a connection with both sides stuck counts in two groups (FIN_WAIT_2 client, CLOSE_WAIT server)', () => {
    const c = new StuckCollector(10);
    const r = rec({ id: 9, state: { client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' }, stateSeconds: { client: 20, server: 20 } });
    c.add(r);
    const g = c.groups();
    expect(g.map((x) => `${x.endpoint.ip}:${x.endpoint.port} ${x.state}`).sort()).toEqual(['10.0.0.1:40000 FIN_WAIT_2', '10.0.0.5:80 CLOSE_WAIT']);
  });

  it('--format json shape: {endpoint: {ip, port}, state, count, oldestSeconds, ids}', () => {
    const c = new StuckCollector(0);
    c.add(held(7, 'server', 'SYN_RECEIVED', 3, srv(443)));
    const j = JSON.parse(JSON.stringify(stuckJson(c.groups())));
    expect(j).toEqual([
      expect.objectContaining({ endpoint: { ip: '10.0.0.5', port: 443 }, state: 'SYN_RECEIVED', count: 1, oldestSeconds: 3, ids: [7] }),
    ]);
  });

  it('client-held groups (one per ephemeral port) merge per host in text', () => {
    const c = new StuckCollector(10);
    for (let i = 0; i < 5; i++) c.add(held(i + 1, 'client', 'SYN_SENT', 11 + i, { client: { ip: '10.0.0.9', port: 50000 + i }, server: { ip: '10.0.0.5', port: 443 } }));
    expect(c.groups()).toHaveLength(5); // JSON keeps one group per host:port, as the issue specifies
    const merged = aggregateClientGroups(c.groups());
    expect(merged).toHaveLength(1);
    expect(merged[0].count).toBe(5);
    expect(merged[0].oldestSeconds).toBe(15);
    expect(stuckLine(merged[0])).toBe(
      '10.0.0.9 (on 5 local ports) holds 5 connections in SYN_SENT to 10.0.0.5:443 (oldest 15s): 10.0.0.9 sent SYN and got no answer: the server is down or a firewall drops the SYN, or the SYN or the SYN-ACK was lost',
    );
  });
});

describe('large groups', () => {
  it('two client ports holding 150 000 stuck connections each merge per host (no spread of every id)', () => {
    // The larger group is copied and the next one appended: spreading 150 000 ids into push()
    // throws RangeError (Maximum call stack size exceeded) on Node 20.
    const c = new StuckCollector(10);
    let id = 0;
    for (const [port, age] of [[40000, 30], [40001, 20]]) {
      for (let i = 0; i < 150_000; i++) {
        c.add(held(++id, 'client', 'FIN_WAIT_2', age, { client: { ip: '10.0.0.9', port }, server: { ip: '10.1.0.1', port: 1 + (i % 60000) } }));
      }
    }
    const merged = aggregateClientGroups(c.groups());
    expect(merged).toHaveLength(1);
    expect(merged[0].count).toBe(300_000);
    expect(merged[0].localPorts).toBe(2);
    expect(merged[0].ids).toHaveLength(300_000);
    expect(merged[0].ids[299_999]).toBe(300_000);
  });
});

describe('TIME_WAIT and port reuse', () => {
  it('counts local ports per host and how many are in Linux\'s ephemeral range 32768–60999', () => {
    expect(EPHEMERAL_COUNT).toBe(28232); // 60999 − 32768 + 1
    const c = new StuckCollector(0);
    c.add(held(1, 'client', 'TIME_WAIT', 30, { client: { ip: '10.0.0.1', port: 40000 } }));
    c.add(held(2, 'client', 'TIME_WAIT', 40, { client: { ip: '10.0.0.1', port: 40001 } }));
    c.add(held(3, 'client', 'TIME_WAIT', 50, { client: { ip: '10.0.0.1', port: 40001 }, server: { ip: '10.0.0.6', port: 80 } }));
    c.add(held(4, 'server', 'TIME_WAIT', 10, { server: { ip: '10.0.0.1', port: 80 } })); // port 80: not ephemeral
    c.add(held(5, 'client', 'TIME_WAIT', 20, { client: { ip: '10.0.0.2', port: 32767 } })); // just below the range
    c.add(held(6, 'client', 'TIME_WAIT', 20, { client: { ip: '10.0.0.3', port: 60999 } })); // the range's last port
    c.add(held(7, 'client', 'TIME_WAIT', 20, { client: { ip: '10.0.0.3', port: 61000 } })); // just above it
    const tw = c.timeWaitHosts();
    expect(tw).toEqual([
      { ip: '10.0.0.1', count: 4, oldestSeconds: 50, ports: 3, ephemeralPorts: 2, ids: [1, 2, 3, 4] },
      { ip: '10.0.0.3', count: 2, oldestSeconds: 20, ports: 2, ephemeralPorts: 1, ids: [6, 7] },
      { ip: '10.0.0.2', count: 1, oldestSeconds: 20, ports: 1, ephemeralPorts: 0, ids: [5] },
    ]);
    const text = stuckText(c, { stuckAfter: 0 });
    expect(text).toContain('10.0.0.1 holds 4 connections in TIME_WAIT (oldest 50s) on 3 local ports, 2 of the 28232 ephemeral ports 32768–60999 (<0.01%)'); // 2/28232 = 0.007 %
  });

  it('lists every 4-tuple reused while in TIME_WAIT', () => {
    const c = new StuckCollector(10);
    c.add(rec({ id: 3, portReuse: true }));
    c.add(rec({ id: 8, portReuse: true, client: { ip: '2001:db8::1', port: 5555 }, server: { ip: '2001:db8::2', port: 80 } }));
    const text = stuckText(c, { stuckAfter: 10 });
    expect(text).toContain('2 4-tuples were reused by a new SYN while still in TIME_WAIT:');
    expect(text).toContain('  10.0.0.1:40000 → 10.0.0.5:80 (flow 3)');
    expect(text).toContain('  [2001:db8::1]:5555 → [2001:db8::2]:80 (flow 8)');
  });

  it('says so when nothing is stuck', () => {
    expect(stuckText(new StuckCollector(10), { stuckAfter: 10 })).toMatch(/^nothing stuck/);
  });
});

describe('sentences', () => {
  // Meanings from RFC 9293 §3.3.2 (state diagram) and Linux behaviour (tcp_fin_timeout 60 s).
  const expectWords: Record<string, RegExp[]> = {
    CLOSE_WAIT: [/peers closed/, /application on 10\.0\.0\.5 has not called close\(\)/],
    FIN_WAIT_1: [/10\.0\.0\.5 closed/, /never acknowledged/],
    FIN_WAIT_2: [/acknowledged its FIN/, /have not closed/, /tcp_fin_timeout/],
    LAST_ACK: [/waiting for the ACK of its FIN/],
    CLOSING: [/same time/, /FINs crossed/],
    SYN_SENT: [/sent SYN and got no answer/],
    SYN_RECEIVED: [/SYN-ACK/, /never completed/],
    TIME_WAIT: [/closed first/, /2×MSL/, /old duplicate/],
  };
  it.each(STUCK_STATES.map((s) => [s]))('%s has its own accurate sentence', (s) => {
    const text = stuckMeaning(s as TcpState, '10.0.0.5', 2);
    expect(text).not.toMatch(/is in /); // not the fallback
    for (const re of expectWords[s]) expect(text).toMatch(re);
  });
  it('singular for one connection', () => {
    expect(stuckMeaning('CLOSE_WAIT', '10.0.0.5', 1)).toBe('the peer closed, the application on 10.0.0.5 has not called close()');
  });
});

describe('compact collection (one entry per stuck side; groups built when asked for)', () => {
  // 400 stuck sides: client-held SYN_SENT / FIN_WAIT_2 from 7 hosts on many ports (merged per host in
  // text), server-held CLOSE_WAIT on 5 ports, TIME_WAIT on both sides, with ties in count and age.
  function collector(): StuckCollector {
    const c = new StuckCollector(10);
    for (let i = 0; i < 400; i++) {
      const host = `10.0.${i % 7}.${i % 3}`;
      const age = 10 + (i % 11);
      if (i % 4 === 0) c.add(held(i + 1, 'client', 'SYN_SENT', age, { client: { ip: host, port: 40000 + (i % 13) }, ...srv(443 + (i % 2)) }));
      else if (i % 4 === 1) c.add(held(i + 1, 'server', 'CLOSE_WAIT', age, { ...srv(8080 + (i % 5)), client: { ip: host, port: 41000 + i } }));
      else if (i % 4 === 2) c.add(held(i + 1, 'client', 'TIME_WAIT', age, { client: { ip: host, port: 33000 + (i % 17) }, ...srv(80) }));
      else c.add(held(i + 1, 'client', 'FIN_WAIT_2', age, { client: { ip: host, port: 42000 + (i % 3) }, ...srv(8080) }));
    }
    return c;
  }

  it('total counts the stuck sides; groups(limit) are the first groups()', () => {
    const c = collector();
    expect(c.total).toBe(400);
    const all = c.groups();
    expect(all.reduce((n, g) => n + g.count, 0)).toBe(400);
    expect(c.groups(7)).toEqual(all.slice(0, 7));
    expect(c.groups(0)).toEqual([]);
  });

  it('groups(limit) takes what groups().slice(0, limit) takes, as summary --top did (2.5, -1)', () => {
    const c = collector();
    const all = c.groups();
    expect(c.groups(2.5)).toEqual(all.slice(0, 2));
    expect(c.groups(-1)).toEqual(all.slice(0, -1));
  });

  it('topAggregated(top) is aggregateClientGroups(groups()).slice(0, top)', () => {
    const c = collector();
    const merged = aggregateClientGroups(c.groups(), c.timeWait);
    expect(merged.some((g) => (g.localPorts ?? 0) > 1)).toBe(true);
    for (const top of [1, 5, 10, merged.length + 3]) expect(c.topAggregated(top)).toEqual(merged.slice(0, top));
  });

  it('adding after a query rebuilds the groups', () => {
    const c = collector();
    const before = c.groups()[0];
    for (let i = 0; i < 500; i++) c.add(held(1000 + i, 'server', 'LAST_ACK', 50, srv(9999)));
    const g = c.groups();
    expect(g[0]).toMatchObject({ endpoint: { ip: '10.0.0.5', port: 9999 }, state: 'LAST_ACK', count: 500 });
    expect(g[1]).toEqual(before);
    expect(c.total).toBe(900);
  });
});
