/**
 * CSV per RFC 4180: a header row of field names (fields.ts), CRLF line ends (RFC 4180 §2.1),
 * fields holding a comma, a double quote, CR or LF are enclosed in double quotes and inner quotes
 * are doubled (§2.6, §2.7). Unset values (null) are empty fields.
 */
import type { FlowRecord } from '../flow/types.js';
import { FIELDS, type FieldValue } from './fields.js';

export const CSV_EOL = '\r\n';

const CSV_FIELDS = FIELDS.filter((f) => f.csv);

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: FieldValue): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v); // numbers and booleans never need quoting
  return NEEDS_QUOTES.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

export function csvHeader(): string {
  return CSV_FIELDS.map((f) => csvField(f.name)).join(',') + CSV_EOL;
}

export function csvRow(r: FlowRecord): string {
  // join() gives one flat string (+= would leave a rope of 60 pieces alive while rows wait in Reorder).
  const cells = new Array<string>(CSV_FIELDS.length);
  for (let i = 0; i < CSV_FIELDS.length; i++) cells[i] = csvField(CSV_FIELDS[i].get(r));
  return cells.join(',') + CSV_EOL;
}

export function csvColumns(): string[] {
  return CSV_FIELDS.map((f) => f.name);
}
