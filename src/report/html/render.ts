/**
 * The report page: one self-contained HTML file. Styles, uPlot and the page script are inlined;
 * the data is one JSON document in a <script type="application/json">. A Content-Security-Policy
 * forbids every network fetch, so opening the file never touches the network.
 *
 * The page script and stylesheet are plain files in src/report/html/assets/ (tsc does not copy
 * them to dist/, so they are read from src/ at run time; package.json ships src/). uPlot is read
 * from node_modules at run time (it is a dependency).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeDeltas, type ReportData } from './data.js';

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  css: string;
}

function findAsset(name: string): string {
  const candidates = [
    new URL(`./assets/${name}`, import.meta.url), // running from src/ (vitest, tsx)
    new URL(`../../../src/report/html/assets/${name}`, import.meta.url), // running from dist/report/html/
  ];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`synfin: report asset ${name} not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

let cached: ReportAssets | null = null;

/** Read the page script, the stylesheet and uPlot (once per process). */
export function loadAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  cached = {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    clientJs: readFileSync(findAsset('client.js'), 'utf8'),
    css: readFileSync(findAsset('style.css'), 'utf8'),
  };
  return cached;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON that is safe inside <script type="application/json">: no "<" at all (so no "</script>" or
 * "<!--" can end or confuse the element), and U+2028/2029 escaped.
 */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inline script/style text must not contain its own end tag. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/** Above this many characters of JSON the data is embedded gzip-compressed (base64). */
export const COMPRESS_ABOVE = 1_000_000;

export interface RenderOptions {
  /** 'auto' (default): compress data larger than COMPRESS_ABOVE. */
  compress?: 'auto' | boolean;
}

/**
 * The data element. Small reports carry plain JSON (readable, works in any browser); big ones gzip
 * it and base64 the bytes (a 100k-connection report shrinks about 5×), which the page inflates with
 * DecompressionStream (Chrome 80, Firefox 113, Safari 16.4).
 */
function dataElement(data: ReportData, compress: 'auto' | boolean): string {
  // Encode a copy's event and transition columns (the caller's data stays plain).
  const json = jsonForScript(encodeDeltas({ ...data, events: cloneCols(data.events), transitions: cloneCols(data.transitions) }));
  if (compress === false || (compress === 'auto' && json.length <= COMPRESS_ABOVE)) {
    return `<script type="application/json" id="synfin-data">${json}</script>`;
  }
  const b64 = gzipSync(Buffer.from(json, 'utf8'), { level: 6 }).toString('base64');
  // Base64 has no "<": safe inside a script element. Lines of 16k keep editors and grep usable.
  const lines = b64.match(/.{1,16384}/g) ?? [];
  return `<script type="application/octet-stream" id="synfin-data-gz" data-encoding="gzip+base64">\n${lines.join('\n')}\n</script>`;
}

function cloneCols<T extends object>(c: T): T {
  const out = {} as Record<string, number[]>;
  for (const [k, v] of Object.entries(c)) out[k] = (v as number[]).slice();
  return out as T;
}

export function renderHtml(data: ReportData, assets: ReportAssets = loadAssets(), opts: RenderOptions = {}): string {
  const title = `synfin report: ${data.title}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.tool)}">
<title>${escapeHtml(title)}</title>
<style>${inlineSafe(assets.uplotCss, 'style')}</style>
<style>${inlineSafe(assets.css, 'style')}</style>
</head>
<body>
<header class="top">
  <div class="brand">synfin</div>
  <h1 id="title">${escapeHtml(data.title)}</h1>
  <div class="generated">generated ${escapeHtml(data.generated)}</div>
</header>
<noscript><p class="noscript">This report needs JavaScript to draw its tables and charts.</p></noscript>
<main id="app"></main>
${dataElement(data, opts.compress ?? 'auto')}
<script>${inlineSafe(assets.uplotJs, 'script')}</script>
<script>${inlineSafe(assets.clientJs, 'script')}</script>
</body>
</html>
`;
}
