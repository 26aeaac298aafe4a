/**
 * Runs analyze() for a command: progress bar, Ctrl-C (abort → what was read so far is reported),
 * warnings and damage reported on stderr in one line each, and the exit code they imply.
 */
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../pipeline.js';
import { EXIT_INPUT, EXIT_INTERRUPTED, UsageError } from './errors.js';
import type { InputArgs } from './options.js';
import { Progress } from './term.js';

export interface RunOptions extends Omit<AnalyzeOptions, 'signal' | 'onProgress' | 'timeWait' | 'idleTimeout' | 'vlanKey' | 'maxConnections'> {
  /** Abort controller the command may use too (e.g. --limit reached). */
  controller?: AbortController;
}

/** At most this many warning lines per file on stderr. */
const MAX_WARNINGS = 5;

export async function runAnalysis(args: InputArgs, o: RunOptions = {}): Promise<AnalysisResult> {
  if (args.captures.includes('-') && process.stdin.isTTY) {
    throw new UsageError('standard input is a terminal: pipe a capture into synfin (e.g. tcpdump -w - | synfin flows -)');
  }
  if (args.captures.filter((c) => c === '-').length > 1) throw new UsageError('"-" (standard input) can be given only once');
  const ac = o.controller ?? new AbortController();
  const progress = new Progress(args.progress);
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints > 1) process.exit(EXIT_INTERRUPTED);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const { controller: _c, ...rest } = o;
  try {
    return await analyze(args.captures, {
      ...rest,
      timeWait: args['time-wait'],
      idleTimeout: args['idle-timeout'],
      vlanKey: args['vlan-key'],
      maxConnections: args['max-connections'],
      signal: ac.signal,
      onProgress: progress.enabled ? progress.update : undefined,
    });
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}

/**
 * After the report has been printed: one stderr line per warning and for the damage that stopped
 * reading, and a note when interrupted. Returns the exit code these imply (0 when none).
 */
export function finishDiagnostics(res: AnalysisResult, opts: { interruptedByUser: boolean }): number {
  let code = 0;
  for (const c of res.captures) {
    const shown = c.warnings.slice(0, MAX_WARNINGS);
    for (const w of shown) process.stderr.write(`synfin: warning: ${w.file}: byte ${w.offset}: ${w.message}\n`.replace(/[\r\n]+(?=.)/g, ' '));
    if (c.warnings.length > shown.length) process.stderr.write(`synfin: warning: ${c.file}: ${c.warnings.length - shown.length} more warnings not shown\n`);
  }
  if (res.error) {
    process.stderr.write(`synfin: ${res.error.file}: byte ${res.error.offset}: ${res.error.reason}\n`.replace(/[\r\n]+(?=.)/g, ' '));
    code = EXIT_INPUT;
  }
  if (res.interrupted && opts.interruptedByUser) {
    const n = res.captures.reduce((a, c) => a + c.packets, 0);
    process.stderr.write(`synfin: interrupted: the results cover the first ${n} packets\n`);
    code = code || EXIT_INTERRUPTED;
  }
  if (res.evicted > 0) process.stderr.write(`synfin: warning: ${res.evicted} connections evicted by --max-connections\n`);
  return code;
}
