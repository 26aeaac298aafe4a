/**
 * synfin's command line: yargs wiring only; the work is in analyze() and src/report/.
 * `bin/synfin` calls main(process.argv.slice(2)).
 */
import { readFileSync } from 'node:fs';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { flowsCommand } from './commands/flows.js';
import { reportCommand } from './commands/report.js';
import { stuckCommand } from './commands/stuck.js';
import { summaryCommand } from './commands/summary.js';
import { traceCommand } from './commands/trace.js';
import { EXIT_CODES, reportError, UsageError } from './errors.js';
import { STDIN_TOKEN } from './options.js';

export { EXIT_CODES };


export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function parser(argv: string[]): Argv {
  const width = process.stdout.isTTY ? Math.min(120, process.stdout.columns || 80) : 100;
  return yargs(argv)
    .scriptName('synfin')
    .usage(
      '$0 <command> CAPTURE... [options]\n\n' +
        'Reconstructs every TCP connection in pcap/pcapng captures and the state of both of its endpoints.',
    )
    .command(flowsCommand as unknown as CommandModule)
    .command(stuckCommand as unknown as CommandModule)
    .command(traceCommand as unknown as CommandModule)
    .command(summaryCommand as unknown as CommandModule)
    .command(reportCommand as unknown as CommandModule)
    .example('$0 flows capture.pcapng', 'every connection, both sides\' end states')
    .example('$0 stuck server.pcap --fail-on stuck', 'who holds CLOSE_WAIT / TIME_WAIT …; exit 1 if anything is stuck')
    .example('$0 trace capture.pcapng --flow 3', 'connection 3 as a ladder diagram')
    .example('$0 summary a.pcap b.pcap', 'two rotated files as one stream, at a glance')
    .example('tcpdump -w - -i eth0 | $0 flows - --format ndjson', 'live, from standard input')
    .demandCommand(1, 'name a command: flows, stuck, trace, summary or report')
    .strict()
    .recommendCommands()
    .version(version())
    .help()
    .alias('h', 'help')
    .alias('V', 'version')
    .epilogue(EXIT_CODES)
    .wrap(width)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${msg} (see synfin --help)`);
    });
}

/**
 * yargs renders the whole help text of the command being run when its handler starts
 * (command.js: `getUsageInstance().cacheHelpMessage()`), to show it should the handler fail. synfin
 * never shows help on a failure (errors are one line, see fail() above), so that rendering only
 * costs: 40–80 ms of string-width work on every run, more than reading a small capture. Turned off
 * here; `--help` renders as before (test/cli/e2e.test.ts; test/cli/unit.test.ts checks the hook still applies). Internal yargs API, pinned by the lock file:
 * if it is ever missing, nothing changes but the cost.
 */
export function skipHelpCache(y: Argv): Argv {
  const usage = (y as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return y;
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    await skipHelpCache(parser(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)))).parseAsync();
  } catch (e) {
    process.exitCode = reportError(e, debug);
  }
}
