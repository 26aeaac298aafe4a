/**
 * `synfin report CAPTURE... -o report.html`: one self-contained HTML file (docs/report.md).
 */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { builderHtml, DEFAULT_BUDGET, EventCollector, ReportBuilder } from '../../report/html/index.js';
import { UsageError } from '../errors.js';
import { inputOptions, STDIN_TOKEN, type InputArgs } from '../options.js';
import { finishDiagnostics, runAnalysis } from '../run.js';
import { Output } from '../term.js';

type Args = InputArgs & {
  output: string;
  title: string | undefined;
  'stuck-after': number;
  'detail-packets': number;
  'detail-budget': number;
  'detail-tail': number;
};

export const reportCommand: CommandModule<object, Args> = {
  command: 'report <captures..>',
  describe: 'Write one self-contained HTML file: summary and charts, the flow table, stuck connections, and per connection its ladder and graphs',
  builder: (y: Argv<object>) =>
    inputOptions(y)
      .option('output', {
        alias: 'o',
        describe: 'the HTML file to write ("-" for standard output)',
        type: 'string',
        demandOption: true,
        group: 'Report:',
        // main() turns a lone "-" into STDIN_TOKEN (yargs drops it): here it means standard output.
        coerce: (v: string) => (v === STDIN_TOKEN ? '-' : v),
      })
      .option('title', { describe: 'title of the report (default: the capture file names)', type: 'string', group: 'Report:' })
      .option('stuck-after', {
        describe: 'a side counts as stuck after this many seconds in CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING, SYN_SENT, SYN_RECEIVED or TIME_WAIT',
        type: 'number',
        default: 10,
        group: 'Report:',
      })
      .option('detail-packets', {
        describe: 'packets of each connection embedded for its ladder and graphs (its first ones)',
        type: 'number',
        default: DEFAULT_BUDGET.perConnection,
        group: 'Report:',
      })
      .option('detail-tail', {
        describe: 'of --detail-packets, how many are each connection\'s last packets (its teardown; at most half)',
        type: 'number',
        default: DEFAULT_BUDGET.tail,
        group: 'Report:',
      })
      .option('detail-budget', {
        describe: 'packets embedded in all; connections beyond it show their summary only (the page says so)',
        type: 'number',
        default: DEFAULT_BUDGET.maxEvents,
        group: 'Report:',
      })
      .example('$0 report capture.pcapng -o report.html', 'one file to attach to a ticket')
      .example('$0 report rot-*.pcap -o day.html --title "proxy, 21 Nov"', 'rotated files, read as one stream')
      .example('$0 report big.pcap -o big.html --detail-budget 50000', 'a smaller file: less per-packet detail') as unknown as Argv<Args>,
  handler: async (a) => {
    if (!(a['detail-packets'] >= 0) || !(a['detail-budget'] >= 0) || !(a['detail-tail'] >= 0)) {
      throw new UsageError('--detail-packets, --detail-tail and --detail-budget must be ≥ 0');
    }
    if (a['stuck-after'] < 0) throw new UsageError('--stuck-after must be ≥ 0');
    const events = new EventCollector({ perConnection: a['detail-packets'], tail: a['detail-tail'], maxEvents: a['detail-budget'] });
    // Records stream into the builder (one row each): no FlowRecord is kept.
    const builder = new ReportBuilder(events, { title: a.title, stuckAfter: a['stuck-after'], timeWait: a['time-wait'] });
    const res = await runAnalysis(a, { onTransition: builder.onTransition, trace: events.trace, onPacket: events.onPacket, onRecord: builder.add });
    const { html, data } = builderHtml(builder, res);
    if (a.output === '-') {
      const out = new Output(); // quiet exit on EPIPE (`synfin report x.pcap -o - | head`)
      out.write(html);
      await out.end();
    } else writeFileSync(a.output, html);
    const s = data.summary;
    process.stderr.write(
      `synfin: wrote ${a.output === '-' ? 'the report to standard output' : a.output} (${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB): ${s.connections.total} connections, ` +
        `${data.budget.embedded} packets of detail` +
        (data.budget.cutConnections ? `, ${data.budget.cutConnections} connections with part or none of their packets` : '') +
        '\n',
    );
    process.exitCode = finishDiagnostics(res, { interruptedByUser: res.interrupted });
  },
};
