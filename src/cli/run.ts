/**
 * Runs analyze() for a command: progress bar, Ctrl-C (abort → what was read so far is reported),
 * warnings and damage reported on stderr in one line each, and the exit code they imply.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../pipeline.js';
import { analyzeSharded, type ShardedOptions, type ShardedResult } from '../parallel/run.js';
import { EXIT_INPUT, EXIT_INTERRUPTED, UsageError } from './errors.js';
import { workersValue, type InputArgs, type WorkersArgs } from './options.js';
import { Progress } from './term.js';

export interface RunOptions extends Omit<AnalyzeOptions, 'signal' | 'onProgress' | 'timeWait' | 'idleTimeout' | 'vlanKey' | 'maxConnections'> {
  /** Abort controller the command may use too (e.g. --limit reached). */
  controller?: AbortController;
}

/** At most this many warning lines per file on stderr. */
const MAX_WARNINGS = 5;

/** Progress bar and Ctrl-C handling around one analysis (one thread or sharded). */
async function withRun<T>(
  args: InputArgs,
  controller: AbortController | undefined,
  go: (signal: AbortSignal, onProgress: AnalyzeOptions['onProgress']) => Promise<T>,
): Promise<T> {
  if (args.captures.includes('-') && process.stdin.isTTY) {
    throw new UsageError('standard input is a terminal: pipe a capture into synfin (e.g. tcpdump -w - | synfin flows -)');
  }
  if (args.captures.filter((c) => c === '-').length > 1) throw new UsageError('"-" (standard input) can be given only once');
  const ac = controller ?? new AbortController();
  const progress = new Progress(args.progress);
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints > 1) process.exit(EXIT_INTERRUPTED);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await go(ac.signal, progress.enabled ? progress.update : undefined);
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}

/** The analysis options every analysing command takes (docs/cli.md), for one thread or shards. */
function analysisOptions(args: InputArgs) {
  return {
    timeWait: args['time-wait'],
    idleTimeout: args['idle-timeout'],
    vlanKey: args['vlan-key'],
    maxConnections: args['max-connections'],
  };
}

export async function runAnalysis(args: InputArgs, o: RunOptions = {}): Promise<AnalysisResult> {
  const { controller, ...rest } = o;
  return withRun(args, controller, (signal, onProgress) =>
    analyze(args.captures, { ...rest, ...analysisOptions(args), signal, onProgress }),
  );
}

/** Below this much input, starting worker threads costs more than they save. */
export const AUTO_WORKERS_MIN_BYTES = 32 << 20;

/**
 * How many threads a run of a command that can shard (`eligible`: its output and options allow
 * it) uses: --workers N, or for auto 2 when the machine has 2+ CPUs and the inputs are regular
 * files of AUTO_WORKERS_MIN_BYTES or more in total. Shards read the inputs once each, so standard
 * input, pipes and anything that cannot be stat'ed run in one thread (which then reports any error
 * as usual).
 */
export function workerCount(args: InputArgs & WorkersArgs, eligible: boolean): number {
  const want = workersValue(String(args.workers));
  if (!eligible || want === 1) return 1;
  let bytes = 0;
  for (const f of args.captures) {
    if (f === '-') return 1;
    try {
      const st = statSync(f);
      if (!st.isFile()) return 1;
      bytes += st.size;
    } catch {
      return 1;
    }
  }
  if (want === 'auto') return availableParallelism() >= 2 && bytes >= AUTO_WORKERS_MIN_BYTES ? 2 : 1;
  return want;
}

/** runAnalysis for a sharded run (src/parallel/): the lines come to o.onLine with their final ids. */
export async function runSharded(
  args: InputArgs,
  workers: number,
  o: Pick<ShardedOptions, 'format' | 'filter' | 'stuckAfter' | 'onLine'> & { controller?: AbortController },
): Promise<ShardedResult> {
  return withRun(args, o.controller, (signal, onProgress) =>
    analyzeSharded({
      inputs: args.captures,
      workers,
      format: o.format,
      filter: o.filter,
      stuckAfter: o.stuckAfter,
      onLine: o.onLine,
      ...analysisOptions(args),
      signal,
      onProgress,
    }),
  );
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
