/**
 * The CLI's single error policy. Exit codes:
 *   0 ok (warnings about a truncated tail go to stderr)
 *   1 --fail-on tripped
 *   2 bad usage, or an input that is not readable / damaged (one line: `synfin: <file>: byte <offset>: <reason>`)
 *   3 internal error (a bug: one line; the stack trace only with --debug)
 *   130 interrupted by Ctrl-C (what was analysed so far is printed)
 */
import { CaptureError } from '../capture/types.js';
import { WhereError } from '../report/where.js';

export const EXIT_OK = 0;
export const EXIT_FAIL_ON = 1;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 2;
export const EXIT_INTERNAL = 3;
export const EXIT_INTERRUPTED = 130;

export const EXIT_CODES = `Exit codes:
  0    success (a truncated last record is only a warning on stderr)
  1    --fail-on stuck and something is stuck
  2    bad usage, or an input that cannot be read or is damaged (one line:
       "synfin: FILE: byte OFFSET: REASON"; what was read before damage is still printed)
  3    internal error (the stack trace only with --debug)
  130  interrupted by Ctrl-C (what was analysed so far is printed)

Output goes to stdout, diagnostics to stderr. Colour only on a terminal and never with NO_COLOR;
the progress bar only when stderr is a terminal and CI is not set. See docs/cli.md.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One line on stderr, never a stack trace unless `debug`. Returns the exit code. */
export function reportError(e: unknown, debug: boolean, stderr: NodeJS.WritableStream = process.stderr): number {
  const line = (s: string) => stderr.write(s.replace(/\s*[\r\n]+\s*/g, ' ').trim() + '\n');
  if (e instanceof CaptureError) {
    line(`synfin: ${e.file}: byte ${e.offset}: ${e.reason}`);
    if (debug && e.stack) stderr.write(e.stack + '\n');
    return EXIT_INPUT;
  }
  if (e instanceof UsageError || e instanceof WhereError) {
    line(`synfin: ${e.message}`);
    return EXIT_USAGE;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string' && typeof err.path === 'string') {
    line(`synfin: ${err.path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    if (debug && err.stack) stderr.write(err.stack + '\n');
    return EXIT_INPUT;
  }
  const msg = err instanceof Error ? err.message : String(e);
  line(`synfin: internal error: ${msg}${debug ? '' : ' (run with --debug for the stack trace)'}`);
  if (debug && err instanceof Error && err.stack) stderr.write(err.stack + '\n');
  return EXIT_INTERNAL;
}
