/**
 * ndjsonLine writes the record's fixed shape by hand (src/report/json.ts); its contract is to be
 * byte for byte JSON.stringify's text. The expected value here is JSON.stringify itself (the
 * independent reference), on random records of the FlowRecord type built in buildRecord's key
 * order: awkward strings (quotes, backslashes, control characters, lone and paired surrogates,
 * non-ASCII), awkward numbers (−0, NaN, ±Infinity, fractions, huge and tiny), nulls, optional
 * fields present and absent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DirectionAnalysis, FlowRecord, Handshake, SynOptions, ZeekFields } from '../../src/flow/types.js';
import { analyze } from '../../src/pipeline.js';
import { ndjsonLine } from '../../src/report/json.js';
import { rec } from './records.js';

const num = fc.oneof(
  fc.integer(),
  fc.nat(),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-7, 0.1 + 0.2, -1.5, 4294967295),
  fc.maxSafeInteger(),
);
const nnum = fc.option(num, { nil: null });
const str = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('10.0.0.1', '2001:db8::1', 'ShADadFf', 'say "hi"', 'back\\slash', 'tab\there', '\u0000', '\ud800', '\udc00x', '😀', 'é'),
);
const nstr = fc.option(str, { nil: null });
const side = fc.constantFrom('client' as const, 'server' as const);
const state = fc.option(fc.constantFrom('CLOSED', 'LISTEN', 'SYN_SENT', 'ESTABLISHED', 'TIME_WAIT', 'FIN_WAIT_1') as fc.Arbitrary<FlowRecord['state']['client'] & string>, { nil: null });

const synOpts: fc.Arbitrary<SynOptions | null> = fc.option(
  fc.record({ mss: nnum, wscale: nnum, sackPermitted: fc.boolean(), timestamps: fc.boolean(), tfo: fc.boolean(), mptcp: fc.boolean() }),
  { nil: null },
);

const handshake: fc.Arbitrary<Handshake | null> = fc.option(
  fc.record({
    complete: fc.boolean(),
    syn: nstr,
    synAck: nstr,
    ack: nstr,
    rttMs: nnum,
    synToSynAckMs: nnum,
    synAckToAckMs: nnum,
    synRetransmissions: num,
    synAckRetransmissions: num,
    synDataBytes: num,
    options: fc.record({ client: synOpts, server: synOpts }),
  }),
  { nil: null },
);

const direction: fc.Arbitrary<DirectionAnalysis> = fc.record({
  retransmissions: num, fastRetransmissions: num, spuriousRetransmissions: num, retransmittedBytes: num, outOfOrder: num,
  lostSegments: num, missedBytes: num, dupAcks: num, keepAlives: num, zeroWindowProbes: num, ackedUnseen: num,
  windowMin: nnum, windowMax: nnum, windowLast: nnum, windowScaleKnown: fc.boolean(), zeroWindows: num,
  zeroWindowSeconds: num, windowFull: num, windowUpdates: num, maxInFlight: num, seqBytes: num,
});

// Zeek's optional fields: present or absent (requiredKeys keeps the declared order when present).
const zeek: fc.Arbitrary<ZeekFields> = fc.record(
  {
    conn_state: fc.constantFrom('S0', 'SF', 'REJ', 'RSTO', 'OTH') as fc.Arbitrary<ZeekFields['conn_state']>,
    history: str,
    missed_bytes: num,
    origIsClient: fc.boolean(),
    orig_bytes: nnum,
    resp_bytes: nnum,
    duration: nnum,
    orig_pkts: num,
    resp_pkts: num,
    orig_ip_bytes: num,
    resp_ip_bytes: num,
  },
  { requiredKeys: ['conn_state', 'history', 'missed_bytes', 'origIsClient', 'orig_bytes', 'resp_bytes'] },
);

const perSide = (a: fc.Arbitrary<number>) => fc.record({ client: a, server: a });

const record: fc.Arbitrary<FlowRecord> = fc
  .record({
    id: num,
    proto: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const, 'icmp6' as const),
    client: fc.record({ ip: str, port: num }),
    server: fc.record({ ip: str, port: num }),
    directionInferred: fc.boolean(),
    start: str,
    end: str,
    startSec: num,
    startNsec: num,
    endSec: num,
    endNsec: num,
    duration: num,
    packets: perSide(num),
    bytes: perSide(num),
    ipBytes: perSide(num),
    payloadBytes: perSide(num),
    handshake,
    state: fc.record({ client: state, server: state }),
    stateSeconds: fc.record({ client: nnum, server: nnum }),
    stateSince: fc.record({ client: fc.option(fc.string(), { nil: null }), server: fc.option(fc.string(), { nil: null }) }),
    stateInferred: fc.boolean(),
    teardown: fc.constantFrom('graceful', 'simultaneous', 'reset-client', 'rejected', 'none') as fc.Arbitrary<FlowRecord['teardown']>,
    reset: fc.option(fc.record({ by: side, afterFin: fc.boolean(), frame: num }), { nil: null }),
    halfClose: fc.option(fc.record({ side, bytes: num }), { nil: null }),
    retransmissions: perSide(num),
    analysis: fc.option(fc.record({ client: direction, server: direction }), { nil: null }),
    zeek,
    portReuse: fc.boolean(),
    rstOutOfWindow: num,
    icmpRejected: fc.boolean(),
    service: nstr,
    vlan: fc.option(fc.array(num, { maxLength: 3 }), { nil: undefined }),
    evicted: fc.option(fc.constant(true as const), { nil: undefined }),
  })
  .map((r) => {
    // buildRecord appends vlan and evicted after service, and only when set.
    const { vlan, evicted, ...rest } = r;
    const out: FlowRecord = { ...rest };
    if (vlan !== undefined) out.vlan = vlan;
    if (evicted !== undefined) out.evicted = evicted;
    return out;
  });

describe('ndjsonLine', () => {
  it('is JSON.stringify(record) + "\\n" on random records', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(ndjsonLine(r)).toBe(JSON.stringify(r) + '\n');
      }),
      { numRuns: 3000 },
    );
  });

  it('parses back to the same object (hand-made record, VLANs, eviction, transitions)', () => {
    const a = rec({ vlan: [10, 20], evicted: true });
    expect(JSON.parse(ndjsonLine(a))).toEqual(a);
    const t = rec({
      transitions: [{ flow: 1, time: 't', tsSec: 1, tsNsec: 2, frame: 3, side: 'client', from: null, to: 'SYN_SENT', cause: 'c', inferred: false }],
    });
    expect(ndjsonLine(t)).toBe(JSON.stringify(t) + '\n');
  });

  it('writes NaN and Infinity as null and −0 as 0, as JSON.stringify does (ECMA-262 SerializeJSONProperty)', () => {
    const line = ndjsonLine(rec({ duration: NaN, id: -0, stateSeconds: { client: Infinity, server: -Infinity } }));
    expect(line).toContain('"duration":null');
    expect(line).toContain('{"id":0,');
    expect(line).toContain('"stateSeconds":{"client":null,"server":null}');
  });

  // Records the tracker really builds (whatever fields buildRecord adds later must reach the line
  // too): the demo capture, the kernel scenarios and a spread of tcpdump's test captures (VLAN /
  // QinQ, IPv6, ICMP, tunnels, TCP with options, DNS over UDP and TCP), every flow of each.
  const captures = [
    'fixtures/demo.pcapng',
    'fixtures/kernel/scenarios.pcap',
    ...['802.1ad_QinQ.pcap', 'LINKTYPE_IPV6.pcap', 'arcnet-rfc1051-arp-icmp-http.pcap', 'bigtcp-ipv4-vxlan-ipv6.pcap',
      'bigtcp-ipv6-hbh.pcap', 'dns_tcp.pcap', 'dns_udp.pcap', 'EIGRP_ipv6.pcap'].map((f) => `/work/shared/corpus/tcpdump/${f}`),
  ];
  it.each(captures)('is JSON.stringify on every record analyze() makes of %s', async (file) => {
    const res = await analyze(file, { transitions: false });
    for (const r of res.records) expect(ndjsonLine(r)).toBe(JSON.stringify(r) + '\n');
    const withTransitions = await analyze(file, { transitions: true });
    for (const r of withTransitions.records) expect(ndjsonLine(r)).toBe(JSON.stringify(r) + '\n');
  });
});
