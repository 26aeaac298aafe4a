/**
 * `synfin flows CAPTURE...`: the flow table, filtered, sorted, in one of five formats.
 * ndjson, json, csv and zeek stream: each record goes out as soon as its fate is final and every
 * smaller id has gone out (Reorder: id order, memory bounded by its cap) unless --sort asks for an
 * order; table (and --sort) collect compact entries (cells or lines, not records) and sort.
 */
import type { Argv, CommandModule } from 'yargs';
import type { FlowRecord } from '../../flow/types.js';
import { csvHeader, csvRow } from '../../report/csv.js';
import { JsonArrayWriter, ndjsonLine } from '../../report/json.js';
import { StuckCollector } from '../../report/stuck.js';
import { flowTableOfRows, flowTableRow } from '../../report/table.js';
import { Reorder } from '../../report/reorder.js';
import { ByteSink, ZeekSink, type LineBytes } from '../../parallel/lines.js';
import { ID_HEAD } from '../../parallel/protocol.js';
import { compareSortKeys, parseSortSpec, recordFilter, type FilterSpec, type Predicate } from '../../report/where.js';
import { zeekFooter, zeekHeader, zeekRow } from '../../report/zeek.js';
import { parseAddress } from '../address.js';
import { EXIT_FAIL_ON } from '../errors.js';
import {
  filterOptions, formatOption, inputOptions, stuckOptions, workersOption,
  type FilterArgs, type Format, type InputArgs, type StuckArgs, type WorkersArgs,
} from '../options.js';
import { finishDiagnostics, runAnalysis, runSharded, workerCount } from '../run.js';
import { colors, Output, terminalWidth } from '../term.js';

type FlowsArgs = InputArgs & FilterArgs & StuckArgs & WorkersArgs & { format: Format | undefined };

/** What a buffered run (table, or --sort) keeps of a connection: its table cells or its formatted line. */
interface Kept {
  id: number;
  key: unknown;
  row: string[] | string;
}

/** The filters of the command line as plain data (hosts normalised; throws UsageError for a bad address). */
export function filterSpec(a: FilterArgs): FilterSpec {
  return {
    state: a.state,
    teardown: a.teardown,
    host: a.host?.map(parseAddress),
    port: a.port,
    proto: a.proto,
    where: a.where,
  };
}

/** Build the record filter from --state/--teardown/--host/--port/--proto/--where. */
export function buildFilter(a: FilterArgs): Predicate | null {
  return recordFilter(filterSpec(a));
}

export function defaultFormat(): Format {
  return process.stdout.isTTY ? 'table' : 'ndjson';
}

export const flowsCommand: CommandModule<object, FlowsArgs> = {
  command: 'flows <captures..>',
  describe: 'Every connection: both sides\' end states, teardown, Zeek conn_state/history, RTT, packets, bytes, retransmissions',
  builder: (y: Argv<object>) =>
    formatOption(
      workersOption(filterOptions(stuckOptions(inputOptions(y)))),
      ['table', 'json', 'ndjson', 'csv', 'zeek'],
      'default: table on a terminal, ndjson otherwise',
    )
      .example('$0 flows capture.pcapng', 'table of every connection')
      .example('$0 flows a.pcap b.pcap --state CLOSE_WAIT', 'rotated files read as one stream; only connections with a side in CLOSE_WAIT')
      .example("$0 flows cap.pcap --where 'retransmissions.client>0 and duration>=1' --sort duration:desc --limit 20", 'the 20 longest connections whose client retransmitted')
      .example('$0 flows cap.pcap --format zeek > conn.log', 'a Zeek conn.log')
      .example('$0 flows cap.pcap --format csv --host 10.0.0.5 --port 443', 'CSV of the connections of 10.0.0.5 involving port 443') as unknown as Argv<FlowsArgs>,
  handler: async (a) => {
    const spec = filterSpec(a);
    const filter = recordFilter(spec);
    const sort = a.sort !== undefined ? parseSortSpec(a.sort) : null;
    const format: Format = a.format ?? defaultFormat();
    const limit = a.limit !== undefined && a.limit > 0 ? a.limit : Infinity;
    const out = new Output();
    const stuck = new StuckCollector(a['stuck-after'], a['time-wait']);
    // Every format but table streams unless --sort asks for an order. What is kept per connection
    // is compact: its id, sort key, and table cells or formatted line, never the record itself.
    const streaming = format !== 'table' && !sort;
    const kept: Kept[] = [];
    const tableColors = colors(a.color);
    const ac = new AbortController();
    let emitted = 0;
    let limitReached = false;
    let started = false;
    const json = new JsonArrayWriter((s) => out.write(s));
    const openTime = new Date();
    const start = () => {
      if (started) return;
      started = true;
      if (format === 'csv') out.write(csvHeader());
      else if (format === 'zeek') out.write(zeekHeader(openTime));
      else if (format === 'json') json.open();
    };
    const line = (r: FlowRecord): string =>
      format === 'ndjson' ? ndjsonLine(r) : format === 'csv' ? csvRow(r) : format === 'json' ? JSON.stringify(r) : zeekRow(r);
    const emitLimited = (s: string) => {
      if (emitted >= limit) return;
      start();
      if (format === 'json') json.itemText(s);
      else out.write(s);
      emitted++;
      if (emitted >= limit && !a['fail-on']) {
        limitReached = true;
        ac.abort(); // nothing more to print: stop reading
      }
    };
    // Waiting records are kept as their formatted line (compact, and the record object dies young).
    const reorder = new Reorder<string>(emitLimited);
    const onRecord = (r: FlowRecord) => {
      const keep = !filter || filter(r);
      if (keep) stuck.add(r);
      if (streaming) reorder.push(r.id, keep && emitted < limit ? line(r) : null);
      else if (keep) kept.push({ id: r.id, key: sort ? sort.get(r) : null, row: format === 'table' ? flowTableRow(r, tableColors) : line(r) });
    };
    // Sharded (src/parallel/): the shards (this thread's and the worker threads') filter and format
    // the records; only the lines come, each with its final id, into the same Reorder. --sort/--limit need the records here,
    // so those stay in one thread.
    const shardable = (format === 'ndjson' || format === 'csv' || format === 'zeek') && !sort && limit === Infinity;
    const workers = workerCount(a, shardable);
    // For tests and diagnosis: which path ran (the outputs of both must be the same).
    if (process.env.SYNFIN_DEBUG_WORKERS) process.stderr.write(`synfin: debug: flows in ${workers} thread${workers === 1 ? '' : 's'}\n`);
    let stuckSides = 0;
    let res;
    if (workers > 1) {
      // Lines stay bytes from the workers' buffers to the output (parallel/lines.ts); the same
      // Reorder puts them in id order.
      const write = (b: Uint8Array, from: number, to: number) => out.writeBytes(b, from, to);
      const sink = format === 'zeek' ? new ZeekSink(write) : new ByteSink(format === 'ndjson' ? ID_HEAD.ndjson : ID_HEAD.csv, write);
      const lines = new Reorder<LineBytes>((l) => {
        start();
        sink.line(l);
      });
      const sh = await runSharded(a, workers, {
        format: format as 'ndjson' | 'csv' | 'zeek',
        filter: filter ? spec : null,
        stuckAfter: a['fail-on'] === 'stuck' ? a['stuck-after'] : null,
        onLine: (id, l) => lines.push(id, l),
        controller: ac,
      });
      lines.flush();
      res = sh.result;
      stuckSides = sh.stuck;
    } else {
      res = await runAnalysis(a, { onRecord, controller: ac });
      stuckSides = stuck.total;
    }
    if (streaming) {
      reorder.flush();
      start();
    } else {
      kept.sort(sort ? (x, y) => compareSortKeys(x.key, x.id, y.key, y.id, sort.dir) : (x, y) => x.id - y.id);
      const rows = kept.length > limit ? kept.slice(0, limit) : kept;
      if (format === 'table') out.write(flowTableOfRows(rows.map((k) => k.row as string[]), terminalWidth(), tableColors));
      else {
        start();
        for (const k of rows) {
          if (format === 'json') json.itemText(k.row as string);
          else out.write(k.row as string);
        }
      }
    }
    if (format === 'json') json.close();
    if (format === 'zeek') out.write(zeekFooter(new Date()));
    await out.end();
    let code = finishDiagnostics(res, { interruptedByUser: res.interrupted && !limitReached });
    if (code === 0 && a['fail-on'] === 'stuck' && stuckSides > 0) code = EXIT_FAIL_ON;
    process.exitCode = code;
  },
};
