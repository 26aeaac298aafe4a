/**
 * `synfin report CAPTURE... -o report.html`: one self-contained HTML file (docs/report.md).
 */
import { writeFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_BUDGET, generateReport } from '../../report/html/index.js';

interface ReportArgs {
  captures: string[];
  output: string;
  title?: string;
  'time-wait': number;
  'stuck-after': number;
  'detail-packets': number;
  'detail-budget': number;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <captures..>',
  describe: 'Write a self-contained HTML report (summary, charts, flow table, stuck connections, per-connection ladder and graphs)',
  builder: (y: Argv) =>
    y
      .positional('captures', { type: 'string', array: true, demandOption: true, describe: 'pcap / pcapng files (gzip ok), merged in time order' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'HTML file to write' })
      .option('title', { type: 'string', describe: 'Title of the report (default: the capture file names)' })
      .option('time-wait', { type: 'number', default: 60, describe: 'TIME_WAIT duration in seconds (Linux 60; RFC 793 2×MSL = 240)' })
      .option('stuck-after', { type: 'number', default: 10, describe: 'Seconds in a state after which a connection counts as stuck' })
      .option('detail-packets', { type: 'number', default: DEFAULT_BUDGET.perConnection, describe: 'Packets embedded per connection (its first ones) for the ladder and graphs' })
      .option('detail-budget', { type: 'number', default: DEFAULT_BUDGET.maxEvents, describe: 'Packets embedded in all' })
      .example('synfin report capture.pcapng -o report.html', 'analyse one capture')
      .example('synfin report rot-*.pcap -o day.html --title "proxy 2026-11-21"', 'rotated files, read as one stream') as unknown as Argv<ReportArgs>,
  handler: async (argv: ArgumentsCamelCase<ReportArgs>) => {
    const { html, data } = await generateReport(argv.captures, {
      title: argv.title,
      stuckAfter: argv['stuck-after'],
      budget: { perConnection: argv['detail-packets'], maxEvents: argv['detail-budget'] },
      analyze: { timeWait: argv['time-wait'] },
    });
    writeFileSync(argv.output, html);
    const s = data.summary;
    process.stderr.write(
      `synfin: wrote ${argv.output} (${(html.length / 1e6).toFixed(1)} MB): ${s.connections.total} connections, ` +
        `${data.budget.embedded} packets of detail` +
        (data.budget.cutConnections ? `, ${data.budget.cutConnections} connections cut to the budget` : '') +
        '\n',
    );
    if (s.error) process.stderr.write(`synfin: ${s.error}\n`);
  },
};
