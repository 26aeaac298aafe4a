/**
 * `synfin report`: analyse captures and write one self-contained HTML file.
 *
 *   const { html } = await generateReport(['a.pcap'], { budget: { maxEvents: 200_000 } });
 *
 * The page (assets/client.js) draws everything from the embedded data; see docs/report.md.
 */
import { analyze, type AnalyzeOptions } from '../../pipeline.js';
import { buildReportData, EventCollector, ReportBuilder, type BuildOptions, type ReportBudget, type ReportData, type ReportInput } from './data.js';
import { renderHtml } from './render.js';

export { buildReportData, decodeReportData, EventCollector, ReportBuilder, stuckPanel, DEFAULT_BUDGET, FlowFlag, STATES, TEARDOWNS, PROTOS } from './data.js';
export type { ReportBudget, ReportData, ReportInput, BuildOptions } from './data.js';
export { renderHtml, escapeHtml, jsonForScript, loadAssets } from './render.js';

export interface GenerateOptions extends BuildOptions {
  budget?: Partial<ReportBudget>;
  /** Passed to analyze() (timeWait, idleTimeout, vlanKey, signal, onProgress, maxConnections, stdin). */
  analyze?: Omit<AnalyzeOptions, 'trace' | 'onPacket' | 'onRecord' | 'onTransition' | 'transitions'>;
}

/** The page for an analysis already made with its records in memory (the collector must have been given to analyze()). */
export function reportHtml(input: ReportInput, events: EventCollector, opts: BuildOptions = {}): { html: string; data: ReportData } {
  const data = buildReportData(input, events, opts);
  return { html: renderHtml(data), data };
}

/** The page from a ReportBuilder that analyze() streamed its records into (onRecord: builder.add). */
export function builderHtml(builder: ReportBuilder, input: Omit<ReportInput, 'records'>): { html: string; data: ReportData } {
  const data = builder.finish(input);
  return { html: renderHtml(data), data };
}

/** Analyse `inputs` and render the report. Bad capture bytes do not throw (the page shows the error). */
export async function generateReport(
  inputs: string | string[],
  opts: GenerateOptions = {},
): Promise<{ html: string; data: ReportData }> {
  const events = new EventCollector(opts.budget);
  const builder = new ReportBuilder(events, { ...opts, timeWait: opts.timeWait ?? opts.analyze?.timeWait });
  const result = await analyze(inputs, {
    ...opts.analyze,
    onTransition: builder.onTransition,
    trace: events.trace,
    onPacket: events.onPacket,
    onRecord: builder.add,
  });
  const data = builder.finish(result);
  return { html: renderHtml(data), data };
}
