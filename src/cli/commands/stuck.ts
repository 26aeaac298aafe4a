/**
 * `synfin stuck CAPTURE...`: connections held in a closing or opening state, grouped by the
 * endpoint that holds them, with one plain sentence of meaning each; TIME_WAIT per host with the
 * ephemeral ports it ties up, and the 4-tuples reused while still in TIME_WAIT.
 */
import type { Argv, CommandModule } from 'yargs';
import { StuckCollector, stuckJson, stuckText } from '../../report/stuck.js';
import { EXIT_FAIL_ON, UsageError } from '../errors.js';
import { formatOption, inputOptions, stuckOptions, type Format, type InputArgs, type StuckArgs } from '../options.js';
import { finishDiagnostics, runAnalysis } from '../run.js';
import { Output } from '../term.js';

type Args = InputArgs & StuckArgs & { format: Format | undefined; limit: number };

export const stuckCommand: CommandModule<object, Args> = {
  command: 'stuck <captures..>',
  describe: 'Connections stuck in CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING, SYN_SENT, SYN_RECEIVED or TIME_WAIT, grouped by the host:port holding them',
  builder: (y: Argv<object>) =>
    formatOption(stuckOptions(inputOptions(y)), ['text', 'json'], 'default text')
      .option('limit', { describe: 'at most N groups in text (0 = all)', type: 'number', default: 50, group: 'Output:' })
      .example('$0 stuck server.pcapng', 'who holds connections in CLOSE_WAIT, FIN_WAIT_2, TIME_WAIT …')
      .example('$0 stuck cap.pcap --stuck-after 30 --fail-on stuck', 'exit 1 when a side has been stuck for 30 s or more (CI, cron)')
      .example('$0 stuck cap.pcap --format json', '[{endpoint:{ip,port}, state, count, oldestSeconds, ids}, …]')
      .example('$0 stuck cap.pcap --time-wait 240', 'TIME_WAIT as RFC 793\'s 2×MSL instead of Linux\'s 60 s') as unknown as Argv<Args>,
  handler: async (a) => {
    if (a['stuck-after'] < 0) throw new UsageError('--stuck-after must be ≥ 0');
    const c = new StuckCollector(a['stuck-after'], a['time-wait']);
    const res = await runAnalysis(a, { onRecord: (r) => c.add(r) });
    const out = new Output();
    if (a.format === 'json') out.write(JSON.stringify(stuckJson(c.groups()), null, 2) + '\n');
    else out.write(stuckText(c, { stuckAfter: a['stuck-after'], limit: a.limit }));
    await out.end();
    let code = finishDiagnostics(res, { interruptedByUser: res.interrupted });
    if (code === 0 && a['fail-on'] === 'stuck' && c.total > 0) code = EXIT_FAIL_ON;
    process.exitCode = code;
  },
};
