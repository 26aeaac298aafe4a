/**
 * TIME_WAIT on capture time, incarnations on one 4-tuple, idle timeout, eviction, streaming.
 *
 * Expected values are worked by hand from the scenario's timestamps (the DSL puts packets 10 ms
 * apart unless `after`/`start` say otherwise) and from RFC 9293: §3.10.8 (TIME-WAIT lasts 2×MSL,
 * then CLOSED), §3.6.1 MAY-2 (a new SYN may reopen a TIME-WAIT connection), and the documented
 * choices of docs/states.md (--time-wait 60 Linux / 240 RFC 793, 5 s linger of a closed connection).
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/synth/conversation.js';
import { Note } from '../../src/flow/types.js';
import { run } from './helpers.js';

const T0 = 1_700_000_000;

/** Graceful close; the client enters TIME_WAIT with the 7th packet at T0 + 0.06. */
function graceful(o: ConstructorParameters<typeof Conversation>[0] = {}): Conversation {
  return new Conversation({ start: T0, ...o })
    .syn()
    .synAck()
    .ack()
    .fin('client')
    .ack('server')
    .fin('server')
    .ack('client');
}

/** Both sides after each packet of graceful(), worked from RFC 9293 §3.5 Fig. 6 and §3.6 Fig. 12. */
const GRACEFUL = [
  ['SYN_SENT', null],
  ['SYN_SENT', 'SYN_RECEIVED'],
  ['ESTABLISHED', 'ESTABLISHED'],
  ['FIN_WAIT_1', 'ESTABLISHED'],
  ['FIN_WAIT_2', 'CLOSE_WAIT'],
  ['FIN_WAIT_2', 'LAST_ACK'],
  ['TIME_WAIT', 'CLOSED'],
];

describe('TIME_WAIT expiry on capture time', () => {
  it('--time-wait 60: the client is CLOSED once a later packet passes T+60, transition at the expiry time', () => {
    const other = new Conversation({ start: T0 + 61, clientPort: 40001 }).syn();
    const r = run([graceful(), other], { timeWait: 60 });
    expect(r.states).toEqual([...GRACEFUL, ['SYN_SENT', null]]); // the last is flow 2's own states
    const rec = r.records.find((x) => x.id === 1)!;
    expect(rec.state).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    const exp = rec.transitions!.at(-1)!;
    // Entered TIME_WAIT at T0 + 0.060 000 000; expiry 60 s later, caused by a timer (frame 0).
    expect(exp).toMatchObject({ side: 'client', from: 'TIME_WAIT', to: 'CLOSED', tsSec: T0 + 60, tsNsec: 60_000_000, frame: 0 });
    expect(exp.time).toBe('2023-11-14T22:14:20.060000Z'); // date -u -d @1700000060
    // stateSeconds count to the moment the connection's fate became final (the expiry):
    expect(rec.stateSeconds.client).toBe(0);
    expect(rec.stateSeconds.server).toBeCloseTo(60, 9);
    expect(rec.teardown).toBe('graceful');
  });

  it('--time-wait 240 (RFC 793 2×MSL): still TIME_WAIT at T+61, CLOSED after T+240', () => {
    const at61 = new Conversation({ start: T0 + 61, clientPort: 40001 }).syn();
    const r = run([graceful(), at61], { timeWait: 240 });
    expect(r.states).toEqual([...GRACEFUL, ['SYN_SENT', null]]);
    const rec = r.records.find((x) => x.id === 1)!;
    expect(rec.state).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
    expect(rec.stateSeconds.client).toBeCloseTo(61 - 0.06, 9); // capture end T0+61
    const at241 = new Conversation({ start: T0 + 241, clientPort: 40001 }).syn();
    const r2 = run([graceful(), at241], { timeWait: 240 });
    expect(r2.states).toEqual([...GRACEFUL, ['SYN_SENT', null]]);
    const rec2 = r2.records.find((x) => x.id === 1)!;
    expect(rec2.state).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(rec2.transitions!.at(-1)).toMatchObject({ from: 'TIME_WAIT', to: 'CLOSED', tsSec: T0 + 240, tsNsec: 60_000_000 });
  });

  it('expiry at finish() uses the capture last timestamp', () => {
    // The connection's own last packet is the capture's last one: no expiry.
    const r = run(graceful(), { timeWait: 60 });
    expect(r.records[0].state.client).toBe('TIME_WAIT');
  });

  it('a retransmitted FIN restarts TIME_WAIT (§3.10.7.4 TIME-WAIT: restart the 2 MSL timeout)', () => {
    // The server's FIN is retransmitted 30 s after the client entered TIME_WAIT: expiry moves to T+90.06.
    const c = graceful().tcp('server', 'FA', { seq: 1, after: 30 });
    const late = new Conversation({ start: T0 + 70, clientPort: 40001 }).syn();
    const r = run([c, late], { timeWait: 60 });
    expect(r.states).toEqual([...GRACEFUL, ['TIME_WAIT', 'CLOSED'], ['SYN_SENT', null]]);
    expect(r.records.find((x) => x.id === 1)!.state.client).toBe('TIME_WAIT');
    const later = new Conversation({ start: T0 + 91, clientPort: 40001 }).syn();
    const r2 = run([graceful().tcp('server', 'FA', { seq: 1, after: 30 }), later], { timeWait: 60 });
    const rec = r2.records.find((x) => x.id === 1)!;
    expect(rec.state.client).toBe('CLOSED');
    expect(rec.transitions!.at(-1)).toMatchObject({ tsSec: T0 + 90, tsNsec: 60_000_000 });
  });

  it('streams: a closed connection is emitted (and released) once TIME_WAIT and the 5 s linger have passed', () => {
    const at70 = new Conversation({ start: T0 + 70, clientPort: 40001 }).syn();
    const order: number[] = [];
    let emittedBeforeFlow2: number[] = [];
    run([graceful(), at70], {
      timeWait: 60,
      onRecord: (rec) => order.push(rec.id),
      onPacket: (e) => {
        if (e.flow === 2) emittedBeforeFlow2 = [...order];
      },
    });
    // Flow 1 was final at T0+60.06, lingered to T0+65.06, and was emitted when flow 2's SYN (T0+70) came.
    expect(emittedBeforeFlow2).toEqual([1]);
    expect(order).toEqual([1, 2]);
  });
});

describe('incarnations on one 4-tuple', () => {
  it('a SYN with a new ISN while the client is in TIME_WAIT: new record, portReuse, TIME_WAIT ended', () => {
    const again = new Conversation({ start: T0 + 1, clientIsn: 900_000 }).syn().synAck().ack();
    const r = run([graceful(), again], { timeWait: 60 });
    expect(r.states.slice(0, 7)).toEqual(GRACEFUL);
    expect(r.records.map((x) => x.id)).toEqual([1, 2]);
    const [old, neu] = r.records;
    expect(old.state).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(old.transitions!.at(-1)).toMatchObject({ side: 'client', from: 'TIME_WAIT', to: 'CLOSED', tsSec: T0 + 1, frame: 8 });
    expect(old.portReuse).toBe(false);
    expect(neu.portReuse).toBe(true);
    expect(r.states.slice(7)).toEqual([
      ['SYN_SENT', null],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
    ]);
    expect(r.events[7].flow).toBe(2);
    expect(r.events[7].notes & Note.PORT_REUSE).toBeTruthy();
    expect(neu.handshake!.complete).toBe(true);
  });

  it('a SYN after a reset (connection closed, still lingering): new record, no portReuse', () => {
    const a = new Conversation({ start: T0 }).syn().synAck().ack().rst('client');
    const b = new Conversation({ start: T0 + 1, clientIsn: 77_777 }).syn().synAck().ack();
    const r = run([a, b]);
    expect(r.records.map((x) => [x.id, x.teardown, x.portReuse])).toEqual([
      [1, 'reset-client', false],
      [2, 'none', false],
    ]);
    expect(r.states).toEqual([
      ['SYN_SENT', null],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['CLOSED', 'CLOSED'],
      ['SYN_SENT', null],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
    ]);
  });

  it('a refused SYN retried with the same ISN is the same connection (SYN retransmission)', () => {
    const c = new Conversation({ start: T0 })
      .syn()
      .rst('server', { seq: 0, ack: 1 })
      .syn({ after: 0.5 })
      .rst('server', { seq: 0, ack: 1 });
    const r = run(c);
    expect(r.records).toHaveLength(1);
    // §3.10.7.3: RST → CLOSED; the retried SYN: CLOSED → SYN_SENT (§3.3.2 active OPEN); RST again.
    expect(r.states).toEqual([
      ['SYN_SENT', null],
      ['CLOSED', 'CLOSED'],
      ['SYN_SENT', 'CLOSED'],
      ['CLOSED', 'CLOSED'],
    ]);
    expect(r.records[0].teardown).toBe('rejected');
    expect(r.records[0].handshake!.synRetransmissions).toBe(1);
  });

  it('a SYN long after TIME_WAIT expired: a fresh connection', () => {
    const b = new Conversation({ start: T0 + 100, clientIsn: 3 }).syn();
    const r = run([graceful(), b], { timeWait: 60 });
    expect(r.states).toEqual([...GRACEFUL, ['SYN_SENT', null]]);
    expect(r.records.map((x) => [x.id, x.portReuse, x.state.client])).toEqual([
      [1, false, 'CLOSED'],
      [2, false, 'SYN_SENT'],
    ]);
  });

  it('a retransmitted SYN with the same ISN is the same connection', () => {
    const c = new Conversation({ start: T0 }).syn().synAck().ack().syn();
    const r = run(c);
    expect(r.records).toHaveLength(1);
    expect(r.states).toEqual([
      ['SYN_SENT', null],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['ESTABLISHED', 'ESTABLISHED'],
    ]);
  });

  it('stray packets after a reset stay in the closed connection', () => {
    const c = new Conversation({ start: T0 }).syn().synAck().ack().rst('client').data('server', 10);
    const r = run(c);
    expect(r.records).toHaveLength(1);
    expect(r.records[0].packets).toEqual({ client: 3, server: 2 });
    expect(r.states).toEqual([
      ['SYN_SENT', null],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['CLOSED', 'CLOSED'],
      ['CLOSED', 'CLOSED'],
    ]);
  });
});

describe('idle timeout and eviction', () => {
  it('--idle-timeout: an open connection silent for longer is final', () => {
    const a = new Conversation({ start: T0 }).syn().synAck().ack();
    const b = new Conversation({ start: T0 + 40, clientPort: 40001 }).syn();
    const order: number[] = [];
    let before: number[] = [];
    const r = run([a, b], {
      idleTimeout: 30,
      onRecord: (x) => order.push(x.id),
      onPacket: (e) => {
        if (e.flow === 2) before = [...order];
      },
    });
    expect(before).toEqual([1]); // flow 1 emitted when the packet at T0+40 passed its idle limit
    expect(order).toEqual([1, 2]);
    void r;
  });

  it('maxConnections evicts the least recently active half-open connection first', () => {
    const est = new Conversation({ start: T0, clientPort: 1001 }).syn().synAck().ack(); // oldest, established
    const half = new Conversation({ start: T0 + 1, clientPort: 1002 }).syn(); // newer, half-open
    const third = new Conversation({ start: T0 + 2, clientPort: 1003 }).syn();
    const recs: { id: number; evicted?: true; port: number }[] = [];
    const r = run([est, half, third], { maxConnections: 2, onRecord: (x) => recs.push({ id: x.id, evicted: x.evicted, port: x.client.port }) });
    expect(r.tracker.evicted).toBe(1);
    expect(recs[0]).toEqual({ id: 2, evicted: true, port: 1002 });
    expect(recs.map((x) => x.id)).toEqual([2, 1, 3]);
  });
});

describe('TIME_WAIT connections hold their results, not the analysis objects', () => {
  it('a frozen (untraced) record has the same analysis and Zeek fields as a traced one', () => {
    // Same conversation twice: traced (analysis kept to the end) and untraced (frozen at TIME_WAIT).
    const conv = () => graceful().wait(5).tcp('server', 'FA', { seq: 1 }); // a late retransmitted FIN
    const traced = run(conv(), { trace: () => true }).records[0];
    const frozen = run(conv(), { trace: () => false }).records[0];
    expect(frozen.zeek).toEqual({ ...traced.zeek });
    // The late FIN (after the freeze) is counted as a packet but not analysed as a retransmission.
    expect(frozen.packets).toEqual(traced.packets);
    expect(traced.retransmissions.server).toBe(1);
    expect(frozen.retransmissions.server).toBe(0);
    expect(frozen.analysis!.client).toEqual(traced.analysis!.client);
    expect(frozen.state).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });
});

describe('many timers', () => {
  it('3000 connections in TIME_WAIT at once all expire at their own time (timer queue growth and wrap)', () => {
    const convs: Conversation[] = [];
    for (let i = 0; i < 3000; i++) convs.push(graceful({ start: T0 + i * 0.001, clientPort: 10000 + i }));
    convs.push(new Conversation({ start: T0 + 100, clientPort: 9999 }).syn());
    const r = run(convs, { decode: false, timeWait: 60, transitions: true, trace: () => false });
    expect(r.records).toHaveLength(3001);
    for (const rec of r.records.filter((x) => x.client.port !== 9999)) {
      expect(rec.state).toEqual({ client: 'CLOSED', server: 'CLOSED' });
      const tw = rec.transitions!.find((t) => t.to === 'TIME_WAIT')!;
      const exp = rec.transitions!.at(-1)!;
      expect(exp).toMatchObject({ from: 'TIME_WAIT', to: 'CLOSED', frame: 0 });
      // Expiry exactly 60 s after entering TIME_WAIT (RFC 9293 §3.10.8 with --time-wait 60).
      expect((exp.tsSec - tw.tsSec) * 1e9 + (exp.tsNsec - tw.tsNsec)).toBe(60e9);
    }
  });
});
