/**
 * `synfin summary CAPTURE...`: the files, the layers, handshakes, teardowns, top talkers, top stuck groups.
 */
import type { Argv, CommandModule } from 'yargs';
import { SummaryBuilder, summaryText } from '../../report/summary.js';
import { EXIT_FAIL_ON } from '../errors.js';
import { formatOption, inputOptions, stuckOptions, type Format, type InputArgs, type StuckArgs } from '../options.js';
import { finishDiagnostics, runAnalysis } from '../run.js';
import { colors, Output } from '../term.js';

type Args = InputArgs & StuckArgs & { format: Format | undefined; top: number };

export const summaryCommand: CommandModule<object, Args> = {
  command: 'summary <captures..>',
  describe: 'The capture at a glance: files, layers of the TCP/IP model, handshakes, teardowns, top talkers, stuck groups',
  builder: (y: Argv<object>) =>
    formatOption(stuckOptions(inputOptions(y)), ['text', 'json'], 'default text')
      .option('top', { describe: 'how many talkers and stuck groups to list', type: 'number', default: 10, group: 'Output:' })
      .example('$0 summary capture.pcapng', 'what is in the file')
      .example('$0 summary rotated-*.pcap --format json', 'JSON, the total packet count as `packets`') as unknown as Argv<Args>,
  handler: async (a) => {
    const b = new SummaryBuilder(a['stuck-after'], a['time-wait']);
    const res = await runAnalysis(a, { onRecord: (r) => b.add(r) });
    const data = b.data(res, a.top);
    const out = new Output();
    if (a.format === 'json') out.write(JSON.stringify(data, null, 2) + '\n');
    else out.write(summaryText(data, b.topStuck(a.top), colors(a.color)));
    await out.end();
    let code = finishDiagnostics(res, { interruptedByUser: res.interrupted });
    if (code === 0 && a['fail-on'] === 'stuck' && b.stuck.total > 0) code = EXIT_FAIL_ON;
    process.exitCode = code;
  },
};
