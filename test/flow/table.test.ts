/**
 * The flow table against a Map oracle (string keys, test side only): both directions of a flow find
 * the same entry, IPv4/IPv6/VLAN/protocol keep flows apart, backward-shift deletion keeps every
 * other entry reachable, and growth keeps them all.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FlowTable } from '../../src/flow/table.js';

interface K {
  v6: boolean;
  proto: number;
  vlan: number;
  a: number;
  pa: number;
  b: number;
  pb: number;
}

function v6bytes(n: number): Uint8Array {
  const u = new Uint8Array(16);
  u[0] = 0x20;
  u[1] = 0x01;
  u[12] = (n >>> 24) & 0xff;
  u[13] = (n >>> 16) & 0xff;
  u[14] = (n >>> 8) & 0xff;
  u[15] = n & 0xff;
  return u;
}

function key(t: FlowTable<number>, k: K, reverse: boolean): void {
  const [s, ps, d, pd] = reverse ? [k.b, k.pb, k.a, k.pa] : [k.a, k.pa, k.b, k.pb];
  if (k.v6) t.keyV6(k.proto, k.vlan, v6bytes(s), ps, v6bytes(d), pd);
  else t.keyV4(k.proto, k.vlan, s, ps, d, pd);
}

/** Oracle key: direction-independent. */
function oracle(k: K): string {
  const e1 = `${k.a}:${k.pa}`;
  const e2 = `${k.b}:${k.pb}`;
  return [k.v6, k.proto, k.vlan, ...(e1 < e2 ? [e1, e2] : [e2, e1])].join('|');
}

const arbK = fc.record({
  v6: fc.boolean(),
  proto: fc.constantFrom(6, 17, 1),
  vlan: fc.constantFrom(0, 10, 20),
  a: fc.integer({ min: 0, max: 6 }),
  pa: fc.integer({ min: 0, max: 2 }),
  b: fc.constantFrom(0, 7, 20, 0xfffffffe),
  pb: fc.constantFrom(0, 80, 65535),
});

describe('FlowTable', () => {
  it('symmetric: both directions find the entry; the srcIsLo flag flips', () => {
    const t = new FlowTable<number>(4);
    t.keyV4(6, 0, 0x0a000001, 40000, 0x0a000002, 80);
    expect(t.get()).toBeNull();
    t.set(1);
    expect(t.srcIsLo).toBe(true);
    t.keyV4(6, 0, 0x0a000002, 80, 0x0a000001, 40000);
    expect(t.get()).toBe(1);
    expect(t.srcIsLo).toBe(false);
    // Same addresses, other protocol / VLAN / swapped ports: different flows.
    t.keyV4(17, 0, 0x0a000001, 40000, 0x0a000002, 80);
    expect(t.get()).toBeNull();
    t.keyV4(6, 10, 0x0a000001, 40000, 0x0a000002, 80);
    expect(t.get()).toBeNull();
    t.keyV4(6, 0, 0x0a000001, 80, 0x0a000002, 40000);
    expect(t.get()).toBeNull();
  });

  it('matches a Map through random inserts, lookups from either side, and deletes (with growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbK, fc.boolean(), fc.integer({ min: 0, max: 2 })), { minLength: 50, maxLength: 600 }), (ops) => {
        const t = new FlowTable<number>(2);
        const m = new Map<string, { v: number; hash: number }>();
        let n = 0;
        for (const [k, rev, op] of ops) {
          key(t, k, rev);
          const got = t.get();
          const want = m.get(oracle(k));
          expect(got).toBe(want ? want.v : null);
          if (op === 0 && got === null) {
            t.set(++n);
            m.set(oracle(k), { v: n, hash: t.hash() });
          } else if (op === 1 && want) {
            expect(t.delete(want.hash, want.v)).toBe(true);
            m.delete(oracle(k));
          }
          expect(t.size).toBe(m.size);
        }
        // Every remaining entry is found from both directions.
        for (const [k] of ops) {
          const want = m.get(oracle(k));
          key(t, k, false);
          expect(t.get()).toBe(want ? want.v : null);
          key(t, k, true);
          expect(t.get()).toBe(want ? want.v : null);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('deletion keeps clustered entries reachable, across the wrap of a 16-slot table', () => {
    // Find IPv4 keys whose home slot (hash & 15) is 14, 15 or 0, so probe chains cluster and wrap.
    const t0 = new FlowTable<number>(4); // 16 slots, grows past 8 entries
    const keys: number[] = [];
    const homes: number[] = [];
    for (let a = 1; keys.length < 7 && a < 100_000; a++) {
      t0.keyV4(6, 0, a, 1, 0x0a000001, 80);
      const h = t0.hash() & 15;
      if ((h === 14 || h === 15 || h === 0) && homes.filter((x) => x === h).length < 3) {
        keys.push(a);
        homes.push(h);
      }
    }
    expect(keys).toHaveLength(7);
    for (let n = 1; n <= keys.length; n++) {
      for (let del = 0; del < n; del++) {
        for (let rot = 0; rot < keys.length; rot++) {
          const t = new FlowTable<number>(4);
          const order = keys.map((_, i) => keys[(i + rot) % keys.length]).slice(0, n);
          const hashes = new Map<number, number>();
          for (const a of order) {
            t.keyV4(6, 0, a, 1, 0x0a000001, 80);
            expect(t.get()).toBeNull();
            t.set(a);
            hashes.set(a, t.hash());
          }
          const gone = order[del];
          expect(t.delete(hashes.get(gone)!, gone)).toBe(true);
          for (const a of keys) {
            t.keyV4(6, 0, 0x0a000001, 80, a, 1); // from the other side
            expect(t.get()).toBe(a === gone || !order.includes(a) ? null : a);
          }
        }
      }
    }
  });
});
