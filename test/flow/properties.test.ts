/**
 * Random TCP segment sequences (any flags, sequence numbers near or far from the expected ones,
 * both directions, time gaps across TIME_WAIT and idle limits): the tracker never throws, and its
 * outputs agree with each other:
 *  - per flow and side, transitions chain (each `from` is the previous `to`, the first is null) and
 *    never go from a state to itself;
 *  - the state in each PacketEvent is what the transitions up to that packet say;
 *  - each record's end state is its last transition's `to` (null when none);
 *  - ids are 1…n, each record emitted once; packets per record add up to the TCP packets fed.
 * These are consistency properties of RFC 9293's one-state-per-endpoint model, not values computed
 * by the code under test.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Conversation } from '../../src/synth/conversation.js';
import type { PacketEvent, Transition } from '../../src/flow/types.js';
import { run } from './helpers.js';

const flagSets = ['S', 'SA', 'A', 'PA', 'FA', 'F', 'R', 'RA', 'SF', 'FRA', 'UA'];

const arbSeg = fc.record({
  from: fc.constantFrom('client' as const, 'server' as const),
  flags: fc.constantFrom(...flagSets),
  len: fc.constantFrom(0, 0, 1, 100),
  seqMode: fc.constantFrom('next', 'next', 'next', 'zero', 'far', 'back'),
  ackMode: fc.constantFrom('auto', 'auto', 'auto', 'zero', 'far'),
  after: fc.constantFrom(0.001, 0.01, 0.5, 30, 70),
});

describe('tracker consistency on random segment sequences', () => {
  it('never throws; transitions, packet events and records agree', () => {
    fc.assert(
      fc.property(fc.array(arbSeg, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.constantFrom(0, 50, 100), (segs, decode, idle) => {
        const c = new Conversation({ start: 1_700_000_000, clientIsn: 0xfffffff0 }); // wraps 2^32
        for (const g of segs) {
          const seq = g.seqMode === 'zero' ? 0 : g.seqMode === 'far' ? 2_000_000_000 : g.seqMode === 'back' ? 1 : undefined;
          const ack = g.ackMode === 'zero' ? 0 : g.ackMode === 'far' ? 3_000_000_000 : undefined;
          c.tcp(g.from, g.flags, { len: g.len, seq, ack, after: g.after });
        }
        // One log of transitions and packet events, in the order the tracker produced them.
        const log: ({ t: Transition } | { e: PacketEvent })[] = [];
        const transitions: Transition[] = [];
        const r = run(c, {
          decode,
          timeWait: 60,
          idleTimeout: idle,
          onTransition: (t) => {
            log.push({ t });
            transitions.push(t);
          },
          onPacket: (e) => log.push({ e }),
        });
        const last = new Map<string, Transition>();
        const cur = new Map<string, string | null>();
        for (const x of log) {
          if ('t' in x) {
            const t = x.t;
            const k = `${t.flow}/${t.side}`;
            const prev = last.get(k);
            expect(t.from).toBe(prev ? prev.to : null);
            expect(t.to).not.toBe(t.from);
            last.set(k, t);
            cur.set(k, t.to);
          } else {
            const e = x.e;
            expect(e.state.client).toBe(cur.get(`${e.flow}/client`) ?? null);
            expect(e.state.server).toBe(cur.get(`${e.flow}/server`) ?? null);
          }
        }
        expect(log.filter((x) => 'e' in x)).toHaveLength(segs.length);
        // Records.
        const ids = r.records.map((x) => x.id).sort((a, b) => a - b);
        expect(ids).toEqual(ids.map((_, i) => i + 1));
        let pk = 0;
        for (const rec of r.records) {
          pk += rec.packets.client + rec.packets.server;
          expect(rec.state.client).toBe(last.get(`${rec.id}/client`)?.to ?? null);
          expect(rec.state.server).toBe(last.get(`${rec.id}/server`)?.to ?? null);
          expect(rec.transitions).toEqual(transitions.filter((t) => t.flow === rec.id));
        }
        expect(pk).toBe(segs.length);
      }),
      { numRuns: 400 },
    );
  });
});
