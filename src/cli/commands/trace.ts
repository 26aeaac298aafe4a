/**
 * `synfin trace CAPTURE --flow ID|ADDR:PORT-ADDR:PORT`: one connection packet by packet, as a
 * ladder diagram (or its PacketEvents as JSON).
 */
import type { Argv, CommandModule } from 'yargs';
import type { Endpoint, FlowRecord, PacketEvent } from '../../flow/types.js';
import { parseEndpoint } from '../../report/fmt.js';
import { ladderText } from '../../report/ladder.js';
import { parseAddress } from '../address.js';
import { EXIT_INPUT, UsageError } from '../errors.js';
import { formatOption, inputOptions, type Format, type InputArgs } from '../options.js';
import { finishDiagnostics, runAnalysis } from '../run.js';
import { colors, Output } from '../term.js';

type Args = InputArgs & { format: Format | undefined; flow: string };

export type FlowSelector = { id: number } | { a: Endpoint; b: Endpoint };

/** `7`, `10.0.0.1:5000-10.0.0.2:80` or `[2001:db8::1]:5000-[2001:db8::2]:80` (either order). */
export function parseFlowSelector(s: string): FlowSelector {
  const t = s.trim();
  if (/^\d+$/.test(t)) {
    const id = Number(t);
    if (id < 1) throw new UsageError('--flow: flow ids start at 1');
    return { id };
  }
  const m = /^(.+?:\d+)-(.+:\d+)$/.exec(t);
  const a = m ? parseEndpoint(m[1]) : null;
  const b = m ? parseEndpoint(m[2]) : null;
  if (!a || !b) throw new UsageError(`--flow takes a flow id or ADDR:PORT-ADDR:PORT ([IPv6]:PORT), not '${s}'`);
  return { a: { ip: parseAddress(a.ip), port: a.port }, b: { ip: parseAddress(b.ip), port: b.port } };
}

const same = (x: Endpoint, y: Endpoint) => x.ip === y.ip && x.port === y.port;

export function selects(sel: FlowSelector, id: number, client: Endpoint, server: Endpoint): boolean {
  if ('id' in sel) return id === sel.id;
  return (same(client, sel.a) && same(server, sel.b)) || (same(client, sel.b) && same(server, sel.a));
}

export const traceCommand: CommandModule<object, Args> = {
  command: 'trace <captures..>',
  describe: 'One connection as a ladder diagram: every packet with flags, relative seq/ack, window, notes and both sides\' states',
  builder: (y: Argv<object>) =>
    formatOption(inputOptions(y), ['text', 'json'], 'default text: the ladder; json: the packet events')
      .option('flow', {
        describe: 'the connection: its id (from `synfin flows`) or ADDR:PORT-ADDR:PORT (IPv6 as [addr]:port), either order; every incarnation of a 4-tuple is shown',
        type: 'string',
        demandOption: true,
      })
      .example('$0 trace cap.pcapng --flow 3', 'connection 3 of `synfin flows`')
      .example('$0 trace cap.pcap --flow 10.0.0.1:51234-10.0.0.5:80', 'by its endpoints')
      .example("$0 trace cap.pcap --flow '[2001:db8::1]:443-[2001:db8::2]:50000' --format json", 'the packet events as JSON') as unknown as Argv<Args>,
  handler: async (a) => {
    const sel = parseFlowSelector(a.flow);
    const traced = new Set<number>();
    const events = new Map<number, PacketEvent[]>();
    const records = new Map<number, FlowRecord>();
    const stub = new Map<number, { id: number; proto: FlowRecord['proto']; client: Endpoint; server: Endpoint }>();
    const res = await runAnalysis(a, {
      trace: (id, client, server, proto) => {
        if (!selects(sel, id, client, server)) return false;
        traced.add(id);
        events.set(id, []);
        stub.set(id, { id, proto, client, server });
        return true;
      },
      onPacket: (e) => events.get(e.flow)?.push(e),
      onRecord: (r) => {
        if (traced.has(r.id)) records.set(r.id, r);
      },
    });
    const out = new Output();
    const ids = [...traced].sort((x, y) => x - y);
    if (ids.length === 0) {
      await out.end();
      const code = finishDiagnostics(res, { interruptedByUser: res.interrupted });
      process.stderr.write(`synfin: no connection matches --flow ${a.flow}\n`);
      process.exitCode = code || EXIT_INPUT;
      return;
    }
    if (a.format === 'json') {
      const all: PacketEvent[] = [];
      for (const id of ids) for (const e of events.get(id)!) all.push(e); // not push(...events): a long flow's ~120k events overflow the stack
      out.write(JSON.stringify(all) + '\n');
    } else {
      const c = colors(a.color);
      ids.forEach((id, i) => {
        if (i) out.write('\n');
        out.write(ladderText(records.get(id) ?? stub.get(id)!, events.get(id)!, { colors: c }));
      });
    }
    await out.end();
    process.exitCode = finishDiagnostics(res, { interruptedByUser: res.interrupted });
  },
};
