/** CLI helpers in-process: flow selectors, address normalisation, the combined filters. */
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/cli/address.js';
import { buildFilter } from '../../src/cli/commands/flows.js';
import { parseFlowSelector, selects } from '../../src/cli/commands/trace.js';
import { UsageError } from '../../src/cli/errors.js';
import { parser, skipHelpCache } from '../../src/cli/main.js';
import { rec } from '../report/records.js';

describe('--flow selectors', () => {
  it('an id, or two endpoints in either order; IPv6 in brackets, normalised to RFC 5952', () => {
    expect(parseFlowSelector('7')).toEqual({ id: 7 });
    const s = parseFlowSelector('10.0.0.1:40000-10.0.0.5:80');
    expect(s).toEqual({ a: { ip: '10.0.0.1', port: 40000 }, b: { ip: '10.0.0.5', port: 80 } });
    const c = { ip: '10.0.0.1', port: 40000 };
    const v = { ip: '10.0.0.5', port: 80 };
    expect(selects(s, 1, c, v)).toBe(true);
    expect(selects(s, 1, v, c)).toBe(true);
    expect(selects(s, 1, c, { ip: '10.0.0.5', port: 81 })).toBe(false);
    // RFC 5952: lower case, longest zero run as ::, no leading zeros.
    expect(parseFlowSelector('[2001:DB8:0:0:0:0:0:1]:443-[2001:db8::0002]:5000')).toEqual({
      a: { ip: '2001:db8::1', port: 443 },
      b: { ip: '2001:db8::2', port: 5000 },
    });
  });
  it.each(['0', 'x', '10.0.0.1:80', '10.0.0.1-10.0.0.2', '2001:db8::1:443-2001:db8::2:80', '10.0.0.1:99999-10.0.0.2:80'])('rejects %j', (s) => {
    expect(() => parseFlowSelector(s)).toThrow(UsageError);
  });
});

describe('addresses on the command line', () => {
  it('IPv4 as is, IPv6 in RFC 5952 form, brackets allowed', () => {
    expect(parseAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(parseAddress('FD00:0099:0001:0000:0000:0000:0000:0002')).toBe('fd00:99:1::2');
    expect(parseAddress('[::1]')).toBe('::1');
    expect(() => parseAddress('10.0.0.256')).toThrow(UsageError);
    expect(() => parseAddress('example.com')).toThrow(UsageError);
  });
});

describe('flows filters', () => {
  const none = { state: undefined, teardown: undefined, host: undefined, port: undefined, proto: undefined, where: undefined, sort: undefined, limit: undefined };
  it('no filter at all is null (every record passes without a call)', () => {
    expect(buildFilter(none)).toBeNull();
  });
  it('--state matches either side; filters combine with and', () => {
    const cw = rec({ id: 2, state: { client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' } });
    const f = buildFilter({ ...none, state: ['CLOSE_WAIT'] })!;
    expect(f(cw)).toBe(true);
    expect(f(rec())).toBe(false); // TIME_WAIT / CLOSED
    const g = buildFilter({ ...none, state: ['CLOSE_WAIT'], port: [80] })!;
    expect(g(cw)).toBe(true); // server port 80 in rec()
    expect(buildFilter({ ...none, state: ['CLOSE_WAIT'], port: [81] })!(cw)).toBe(false);
    expect(buildFilter({ ...none, host: ['10.0.0.5'] })!(rec())).toBe(true);
    expect(buildFilter({ ...none, host: ['10.0.0.9'] })!(rec())).toBe(false);
    expect(buildFilter({ ...none, proto: ['udp'] })!(rec())).toBe(false);
    expect(buildFilter({ ...none, teardown: ['graceful'], where: 'duration > 1' })!(rec())).toBe(true); // 1.5 s
    expect(buildFilter({ ...none, teardown: ['graceful'], where: 'duration > 2' })!(rec())).toBe(false);
  });
  it('--state, --host and --port match the client side too; --host is normalised like the records (RFC 5952)', () => {
    // rec(): client 10.0.0.1:40000 in TIME_WAIT, server 10.0.0.5:80 CLOSED
    expect(buildFilter({ ...none, state: ['TIME_WAIT'] })!(rec())).toBe(true);
    expect(buildFilter({ ...none, host: ['10.0.0.1'] })!(rec())).toBe(true);
    expect(buildFilter({ ...none, port: [40000] })!(rec())).toBe(true);
    const v6 = rec({ client: { ip: 'fd00::2', port: 5000 } });
    expect(buildFilter({ ...none, host: ['FD00:0:0:0:0:0:0:0002'] })!(v6)).toBe(true);
  });
  it('--teardown applies to TCP only (a UDP flow has no teardown)', () => {
    expect(buildFilter({ ...none, teardown: ['none'] })!(rec({ proto: 'udp', teardown: 'none' }))).toBe(false);
  });
});

describe('yargs does not render the help text on every run', () => {
  // yargs caches the command's help when a handler starts (its command.js), ~40–80 ms of work;
  // skipHelpCache() turns that off. Both halves are checked so that a yargs upgrade that renames its
  // internals shows up here instead of silently bringing the cost back.
  type Internals = { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } };
  const demo = new URL('../../fixtures/demo.pcapng', import.meta.url).pathname;
  const quiet = async (f: () => Promise<unknown>) => {
    const w = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await f();
    } finally {
      process.stdout.write = w;
    }
  };
  it('without the hook yargs caches it; with it, not', async () => {
    const plain = parser(['summary', demo, '--format', 'json']);
    await quiet(() => plain.parseAsync());
    expect((plain as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage()).toBe(true);
    const hooked = skipHelpCache(parser(['summary', demo, '--format', 'json']));
    await quiet(() => hooked.parseAsync());
    expect((hooked as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage()).toBe(false);
  });
});
