/**
 * `--where`: a small filter language, parsed by hand (no eval).
 *
 *   expr  := and ('or' and)*
 *   and   := term ('and' term)*
 *   term  := '(' expr ')' | FIELD OP VALUE
 *   OP    := = | == | != | < | <= | > | >= | ~      (~ : contains, case-insensitive)
 *   VALUE := number | 'quoted' | "quoted" | bare word (CLOSE_WAIT, 10.0.0.1, true, null)
 *
 * `and` binds tighter than `or`. FIELD is a name from fields.ts. A null field (e.g. rtt of a UDP
 * flow) matches only `= null` / `!= <anything else>`.
 */
import type { FlowRecord } from '../flow/types.js';
import { formatIPv6, parseIPv6 } from '../decode/addr.js';
import { FIELD_NAMES, fieldByName, type FieldDef } from './fields.js';

export class WhereError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhereError';
  }
}

export type Predicate = (r: FlowRecord) => boolean;

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

interface Token {
  t: 'word' | 'op' | 'lp' | 'rp' | 'str';
  v: string;
  pos: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let expectValue = false;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    if (!expectValue && c === '(') {
      out.push({ t: 'lp', v: c, pos: i++ });
      continue;
    }
    if (c === ')') {
      out.push({ t: 'rp', v: c, pos: i++ });
      continue;
    }
    const op = /^(==|!=|<=|>=|=|<|>|~)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[1] === '==' ? '=' : op[1], pos: i });
      i += op[1].length;
      expectValue = true;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new WhereError(`unterminated string at position ${i + 1}`);
      out.push({ t: 'str', v: src.slice(i + 1, end), pos: i });
      i = end + 1;
      expectValue = false;
      continue;
    }
    // A word: a field name (stops at an operator) or a value (stops at space or ')').
    const start = i;
    if (expectValue) {
      while (i < src.length && !/[\s)]/.test(src[i])) i++;
    } else {
      while (i < src.length && /[A-Za-z0-9_.\-]/.test(src[i])) i++;
    }
    if (i === start) throw new WhereError(`unexpected '${c}' at position ${i + 1}`);
    out.push({ t: 'word', v: src.slice(start, i), pos: start });
    expectValue = false;
  }
  return out;
}

function cmpNumber(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '~':
      return String(a).includes(String(b));
  }
}

function makeTerm(field: FieldDef, op: Op, raw: string, quoted: boolean): Predicate {
  const get = field.get;
  if (!quoted && (raw === 'null' || raw === '-')) {
    if (op === '=') return (r) => get(r) === null;
    if (op === '!=') return (r) => get(r) !== null;
    throw new WhereError(`only = and != can compare with null (${field.name} ${op} ${raw})`);
  }
  if (field.kind === 'number') {
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) throw new WhereError(`${field.name} is a number; '${raw}' is not`);
    return (r) => {
      const v = get(r);
      if (v === null) return op === '!=';
      return cmpNumber(v as number, op, n);
    };
  }
  if (field.kind === 'boolean') {
    const b = raw.toLowerCase();
    if (b !== 'true' && b !== 'false') throw new WhereError(`${field.name} is true or false; '${raw}' is not`);
    if (op !== '=' && op !== '!=') throw new WhereError(`${field.name} is true or false: use = or !=`);
    const want = b === 'true';
    return (r) => {
      const v = get(r);
      return op === '=' ? v === want : v !== want;
    };
  }
  let want = raw.toLowerCase();
  // Addresses: any valid IPv6 spelling compares equal to the RFC 5952 form records carry.
  if (field.name.endsWith('.ip') && (op === '=' || op === '!=')) {
    const v6 = parseIPv6(raw.replace(/^\[(.*)\]$/, '$1'));
    if (v6) want = formatIPv6(v6);
  }
  return (r) => {
    const v = get(r);
    if (v === null) return op === '!=';
    const s = String(v).toLowerCase();
    switch (op) {
      case '=':
        return s === want;
      case '!=':
        return s !== want;
      case '~':
        return s.includes(want);
      case '<':
        return s < want;
      case '<=':
        return s <= want;
      case '>':
        return s > want;
      case '>=':
        return s >= want;
    }
  };
}

/** Parse a `--where` expression into a predicate; throws WhereError with a one-line reason. */
export function parseWhere(src: string): Predicate {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Token | undefined => toks[p];
  const isKw = (t: Token | undefined, kw: string): boolean => t?.t === 'word' && t.v.toLowerCase() === kw;

  function expr(): Predicate {
    const parts = [and()];
    while (isKw(peek(), 'or')) {
      p++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : (r) => parts.some((f) => f(r));
  }
  function and(): Predicate {
    const parts = [term()];
    while (isKw(peek(), 'and')) {
      p++;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0] : (r) => parts.every((f) => f(r));
  }
  function term(): Predicate {
    const t = toks[p++];
    if (!t) throw new WhereError('expression ends too early: expected FIELD OP VALUE');
    if (t.t === 'lp') {
      const inner = expr();
      const close = toks[p++];
      if (close?.t !== 'rp') throw new WhereError(`missing ')' for '(' at position ${t.pos + 1}`);
      return inner;
    }
    if (t.t !== 'word') throw new WhereError(`expected a field name at position ${t.pos + 1}`);
    const field = fieldByName(t.v);
    if (!field) throw new WhereError(`unknown field '${t.v}' (fields: ${FIELD_NAMES.join(', ')})`);
    const op = toks[p++];
    if (op?.t !== 'op') throw new WhereError(`expected an operator (= != < <= > >= ~) after '${t.v}'`);
    const val = toks[p++];
    if (!val || (val.t !== 'word' && val.t !== 'str')) throw new WhereError(`expected a value after '${t.v} ${op.v}'`);
    return makeTerm(field, op.v as Op, val.v, val.t === 'str');
  }

  if (toks.length === 0) throw new WhereError('empty expression');
  const pred = expr();
  if (p < toks.length) throw new WhereError(`unexpected '${toks[p].v}' at position ${toks[p].pos + 1}`);
  return pred;
}

/**
 * The record filters of `flows` (--state/--teardown/--host/--port/--proto/--where) as plain data,
 * so that a worker thread can rebuild the predicate (src/parallel/). Hosts are already normalised
 * to the form records carry (cli/address.ts parseAddress).
 */
export interface FilterSpec {
  state?: string[];
  teardown?: string[];
  host?: string[];
  port?: number[];
  proto?: string[];
  where?: string;
}

/** The predicate of a FilterSpec (every given filter must match), or null when there is none. */
export function recordFilter(a: FilterSpec): Predicate | null {
  const preds: Predicate[] = [];
  if (a.state?.length) {
    const s = new Set(a.state);
    preds.push((r) => (r.state.client !== null && s.has(r.state.client)) || (r.state.server !== null && s.has(r.state.server)));
  }
  if (a.teardown?.length) {
    const t = new Set(a.teardown);
    preds.push((r) => r.proto === 'tcp' && t.has(r.teardown));
  }
  if (a.host?.length) {
    const hosts = new Set(a.host);
    preds.push((r) => hosts.has(r.client.ip) || hosts.has(r.server.ip));
  }
  if (a.port?.length) {
    const ports = new Set(a.port);
    preds.push((r) => ports.has(r.client.port) || ports.has(r.server.port));
  }
  if (a.proto?.length) {
    const p = new Set(a.proto);
    preds.push((r) => p.has(r.proto));
  }
  if (a.where !== undefined) preds.push(parseWhere(a.where));
  if (preds.length === 0) return null;
  return (r) => preds.every((p) => p(r));
}

/** A --sort spec: the field's getter and the direction. */
export interface SortSpec {
  get: (r: FlowRecord) => unknown;
  dir: 1 | -1;
}

/** Parse `--sort FIELD[:desc|:asc]` into the field's getter and direction. */
export function parseSortSpec(spec: string): SortSpec {
  const m = /^([A-Za-z0-9_.]+)(?::(asc|desc))?$/i.exec(spec.trim());
  if (!m) throw new WhereError(`--sort takes FIELD or FIELD:desc, not '${spec}'`);
  const field = fieldByName(m[1]);
  if (!field) throw new WhereError(`unknown sort field '${m[1]}' (fields: ${FIELD_NAMES.join(', ')})`);
  return { get: field.get, dir: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
}

/** Order of two sort keys (x of record id a, y of record id b): nulls last, numbers numerically, then by id. */
export function compareSortKeys(x: unknown, a: number, y: unknown, b: number, dir: 1 | -1): number {
  if (x === null || y === null) {
    if (x === y) return a - b;
    return x === null ? 1 : -1;
  }
  let c: number;
  if (typeof x === 'number' && typeof y === 'number') c = x - y;
  else c = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  return c !== 0 ? c * dir : a - b;
}

/** Parse `--sort FIELD[:desc|:asc]` into a comparator (nulls last, ties by id). */
export function parseSort(spec: string): (a: FlowRecord, b: FlowRecord) => number {
  const { get, dir } = parseSortSpec(spec);
  return (a, b) => compareSortKeys(get(a), a.id, get(b), b.id, dir);
}
