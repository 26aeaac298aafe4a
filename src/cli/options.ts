/**
 * Option groups shared by the commands (release-please style: builder functions that take and
 * return a yargs instance, composed per command).
 */
import type { Argv } from 'yargs';
import { EXIT_CODES, UsageError } from './errors.js';

export interface InputArgs {
  captures: string[];
  'time-wait': number;
  'idle-timeout': number;
  'vlan-key': boolean;
  'max-connections': number;
  progress: boolean | undefined;
  color: boolean | undefined;
  debug: boolean;
}

export type Format = 'table' | 'text' | 'json' | 'ndjson' | 'csv' | 'zeek';

/** yargs drops a lone "-" argument; main() swaps it for this token and the captures option maps it back. */
export const STDIN_TOKEN = '\u0000stdin';

export function inputOptions<T>(y: Argv<T>): Argv<T & InputArgs> {
  return y
    .epilogue(EXIT_CODES)
    .positional('captures', {
      describe: 'capture files (pcap, pcapng, gzip-compressed or not; "-" for standard input), merged in time order',
      type: 'string',
      array: true,
      demandOption: true,
      coerce: (v: string[]) => v.map((x) => (x === STDIN_TOKEN ? '-' : x)),
    })
    .option('time-wait', {
      describe: 'seconds a side stays in TIME_WAIT (capture time): 60 is Linux (fixed), 240 is RFC 793\'s 2×MSL',
      type: 'number',
      default: 60,
      group: 'Analysis:',
    })
    .option('idle-timeout', {
      describe: 'seconds of silence after which an open connection is final (0 = never; bounds memory on long captures)',
      type: 'number',
      default: 0,
      group: 'Analysis:',
    })
    .option('vlan-key', {
      describe: 'make VLAN ids part of the connection key (the same 4-tuple on two VLANs is two connections)',
      type: 'boolean',
      default: false,
      group: 'Analysis:',
    })
    .option('max-connections', {
      describe:
        'at most this many connections open at once; beyond it the longest-idle half-open ones are evicted first, ' +
        'then the longest-idle of all (≈3 KB each: the default bounds a SYN flood near 1.5 GB; 0 = no limit)',
      type: 'number',
      default: 500_000,
      group: 'Analysis:',
    })
    .option('progress', {
      describe: 'progress bar on stderr (default: when stderr is a terminal and CI is not set)',
      type: 'boolean',
      group: 'Output:',
    })
    .option('color', {
      describe: 'colour (default: when stdout is a terminal and NO_COLOR is not set)',
      type: 'boolean',
      group: 'Output:',
    })
    .option('debug', {
      describe: 'show stack traces of internal errors',
      type: 'boolean',
      default: false,
      group: 'Output:',
    }) as unknown as Argv<T & InputArgs>;
}

export function formatOption<T>(y: Argv<T>, choices: Format[], note: string): Argv<T & { format: Format | undefined }> {
  return y.option('format', {
    alias: 'f',
    describe: `output format: ${choices.join(', ')} (${note})`,
    choices,
    type: 'string',
    group: 'Output:',
  }) as unknown as Argv<T & { format: Format | undefined }>;
}

export interface WorkersArgs {
  /** 'auto' or a thread count from 1 to MAX_WORKERS (checked by workersValue()). */
  workers: string;
}

/** Workers beyond this are refused (each one reads and decodes every packet). */
export const MAX_WORKERS = 16;

export function workersOption<T>(y: Argv<T>): Argv<T & WorkersArgs> {
  return y.option('workers', {
    describe:
      'threads analysing flows: each reads every packet and tracks a share of the connections. ' +
      'N > 1 applies to ndjson, csv and zeek without --sort/--limit, on regular files only (else 1); ' +
      '--max-connections is then per thread, divided by N. Costs ~1.5x the CPU and ~1.3x the memory of one thread; ' +
      'shortens wall time only on large captures with a free core (docs/performance.md). ' +
      'auto = 2 when there are 2+ CPUs and the inputs are regular files of 32 MiB or more in total',
    type: 'string',
    // One thread by default: measured on 2 cores (docs/performance.md, third pass), 2 threads gave no
    // wall-time gain on the 727 MB benchmark capture for +50% CPU, and passed the 512 MB bound on the
    // 1M-connection capture (527 MB vs 403 MB) for 35% less wall time there.
    default: '1',
    group: 'Analysis:',
  }) as unknown as Argv<T & WorkersArgs>;
}

/** The --workers value, checked (UsageError for anything but auto or 1..MAX_WORKERS). */
export function workersValue(v: string): 'auto' | number {
  if (v === 'auto') return v;
  const n = /^[0-9]+$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new UsageError(`--workers takes auto or a number from 1 to ${MAX_WORKERS}, not '${v}'`);
  return n;
}

export interface StuckArgs {
  'stuck-after': number;
  'fail-on': string | undefined;
}

export function stuckOptions<T>(y: Argv<T>): Argv<T & StuckArgs> {
  return y
    .option('stuck-after', {
      describe: 'a side counts as stuck after this many seconds in CLOSE_WAIT, FIN_WAIT_1/2, LAST_ACK, CLOSING, SYN_SENT, SYN_RECEIVED or TIME_WAIT',
      type: 'number',
      default: 10,
      group: 'Stuck:',
    })
    .option('fail-on', {
      describe: 'exit 1 when anything is stuck (for scripts and CI)',
      choices: ['stuck'],
      type: 'string',
      group: 'Stuck:',
    }) as unknown as Argv<T & StuckArgs>;
}

export interface FilterArgs {
  state: string[] | undefined;
  teardown: string[] | undefined;
  host: string[] | undefined;
  port: number[] | undefined;
  proto: string[] | undefined;
  where: string | undefined;
  sort: string | undefined;
  limit: number | undefined;
}

export const STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
export const TEARDOWNS = ['graceful', 'simultaneous', 'reset-client', 'reset-server', 'rejected', 'unanswered', 'incomplete', 'none'];

export function filterOptions<T>(y: Argv<T>): Argv<T & FilterArgs> {
  return y
    .option('state', {
      describe: 'only connections with either side in this end state (repeatable)',
      type: 'string',
      array: true,
      choices: STATES,
      coerce: (v: string[]) => v.map((s) => s.toUpperCase().replace(/-/g, '_')),
      group: 'Filters:',
    })
    .option('teardown', { describe: 'only this teardown kind (repeatable)', type: 'string', array: true, choices: TEARDOWNS, group: 'Filters:' })
    .option('host', { describe: 'only connections with this address on either side (repeatable)', type: 'string', array: true, group: 'Filters:' })
    .option('port', { describe: 'only connections with this port on either side (repeatable)', type: 'number', array: true, group: 'Filters:' })
    .option('proto', { describe: 'only this protocol (repeatable)', type: 'string', array: true, choices: ['tcp', 'udp', 'icmp', 'icmp6'], group: 'Filters:' })
    .option('where', {
      describe: "expression: FIELD OP VALUE joined by and/or, parentheses allowed; OP is = != < <= > >= ~ (contains). e.g. 'retransmissions.client>0 and duration>=1'",
      type: 'string',
      group: 'Filters:',
    })
    .option('sort', { describe: 'sort by FIELD or FIELD:desc (default: id; streamed formats keep completion order unless --sort)', type: 'string', group: 'Filters:' })
    .option('limit', { describe: 'at most N connections', type: 'number', group: 'Filters:' }) as unknown as Argv<T & FilterArgs>;
}
