/**
 * synfin as a library: `import { analyze } from 'synfin'`.
 */
export { analyze } from './pipeline.js';
export type { AnalyzeOptions, AnalysisResult } from './pipeline.js';
export type * from './flow/types.js';
export { Note, NOTE_NAMES } from './flow/types.js';
export { CaptureError } from './capture/types.js';
export type { CaptureInfo, CaptureWarning, InterfaceInfo } from './capture/types.js';
export { generateReport } from './report/html/index.js';
export type { GenerateOptions } from './report/html/index.js';
