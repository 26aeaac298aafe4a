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
import { reportError, UsageError } from './errors.js';

export const EXIT_CODES = `Exit codes:
  0    success (a truncated last record is only a warning on stderr)
  1    --fail-on stuck and something is stuck
  2    bad usage, or an input that cannot be read or is damaged (one line:
       "synfin: FILE: byte OFFSET: REASON"; what was read before damage is still printed)
  3    internal error (the stack trace only with --debug)
  130  interrupted by Ctrl-C (what was analysed so far is printed)

Output goes to stdout, diagnostics to stderr. Colour only on a terminal and never with NO_COLOR;
the progress bar only when stderr is a terminal and CI is not set. See docs/cli.md.`;

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
    .demandCommand(1, 'name a command: flows, stuck, trace, summary or report (synfin --help lists them)')
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

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    await parser(argv).parseAsync();
  } catch (e) {
    process.exitCode = reportError(e, debug);
  }
}
