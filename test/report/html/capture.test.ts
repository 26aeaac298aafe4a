/**
 * The report of a real capture (fixtures/demo.pcapng, recorded from the Linux kernel), through the
 * whole pipeline and `synfin report`, opened in chromium. Expected values come from tshark and
 * capinfos run on the same file at test time (independent decoders), not from synfin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReport } from '../../../src/report/html/index.js';
import { HAVE_CHROMIUM, SKIP_MESSAGE, launch, open, type Browser, type Watched } from './browser.js';

const DEMO = resolve('fixtures/demo.pcapng');
const OUT = resolve('test-results');

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** tshark's TCP streams: client port (of the first frame's sender) and frame count per stream. */
function tsharkStreams(file: string): { stream: number; srcPort: number; frames: number }[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.srcport'], { encoding: 'utf8' });
  const m = new Map<number, { stream: number; srcPort: number; frames: number }>();
  for (const line of out.trim().split('\n')) {
    const [s, p] = line.split('\t').map(Number);
    const e = m.get(s);
    if (e) e.frames++;
    else m.set(s, { stream: s, srcPort: p, frames: 1 });
  }
  return [...m.values()];
}

const READY = existsSync(DEMO) && have('tshark') && have('capinfos');
const why = !existsSync(DEMO) ? 'fixtures/demo.pcapng is missing' : 'tshark/capinfos not installed';

if (!HAVE_CHROMIUM || !READY) {
  const msg = !HAVE_CHROMIUM ? SKIP_MESSAGE : `SKIPPED: ${why}: the report of a real capture was not checked`;
  console.warn(msg);
  describe('report of a real capture', () => {
    it.skip(msg, () => {});
  });
} else {
  describe('report of a real capture', () => {
    let b: Browser;
    let w: Watched;
    let streams: { stream: number; srcPort: number; frames: number }[];
    beforeAll(async () => {
      streams = tsharkStreams(DEMO);
      const { html } = await generateReport([DEMO]);
      mkdirSync(OUT, { recursive: true });
      const p = resolve(OUT, 'report-demo.html');
      writeFileSync(p, html);
      b = await launch();
      w = await open(b, pathToFileURL(p).href);
    });
    afterAll(async () => {
      await b?.close();
    });

    it('opens with no error and no request', () => {
      expect(w.errors).toEqual([]);
      expect(w.requests).toEqual([]);
    });

    it('counts the packets as capinfos does', async () => {
      const n = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', DEMO], { encoding: 'utf8' }))![1]);
      const card = await w.page.$eval('#cards .card', (c) => c.querySelector('.v')!.textContent);
      expect(Number(card!.replace(/,/g, ''))).toBe(n);
    });

    it('lists one TCP row per tshark TCP stream', async () => {
      await w.page.fill('#filter', 'proto:tcp');
      await w.page.waitForFunction(
        (n) => /^(\d+) of /.exec(document.getElementById('row-count')!.textContent!)?.[1] === String(n) || document.getElementById('row-count')!.textContent === `${n} connections`,
        streams.length,
      );
    });

    it('draws one ladder arrow per packet of the largest stream', async () => {
      const big = streams.reduce((a, s) => (s.frames > a.frames ? s : a));
      await w.page.fill('#filter', `cport:${big.srcPort}`);
      await w.page.waitForFunction(() => document.querySelectorAll('#flow-grid .tbody .tr').length === 1);
      await w.page.click('#flow-grid .tbody .tr');
      await w.page.waitForSelector('#ladder svg');
      expect(await w.page.$$eval('#ladder svg .arrow', (a) => a.length)).toBe(big.frames);
      await w.page.waitForSelector('#tsg canvas');
      await w.page.screenshot({ path: resolve(OUT, 'report-demo.png'), fullPage: true });
      expect(w.errors).toEqual([]);
    });
  });
}

describe.skipIf(!existsSync(DEMO))('synfin report (the built CLI)', () => {
  const bin = resolve('bin/synfin');
  const built = existsSync(resolve('dist/cli/main.js'));
  it.skipIf(!built)('writes a self-contained file and says what it wrote', () => {
    const out = resolve(OUT, 'report-cli.html');
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync(process.execPath, [bin, 'report', DEMO, '-o', out, '--title', 'demo <&>'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^synfin: wrote .*report-cli\.html/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>synfin report: demo &lt;&amp;&gt;</title>');
    // Self-contained: no src= or href= pointing anywhere, no <link>.
    expect(html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=|<link\b/i);
  });
  it.skipIf(!built)('writes to standard output with -o -', () => {
    const r = spawnSync(process.execPath, [bin, 'report', DEMO, '-o', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('</html>')).toBe(true);
    expect(r.stderr).toMatch(/^synfin: wrote the report to standard output/);
  });
  it.skipIf(!built)('exits 2 with one line for a missing file', () => {
    const r = spawnSync(process.execPath, [bin, 'report', 'no-such.pcap', '-o', resolve(OUT, 'x.html')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/**
 * A sample of tcpdump's test captures (many deliberately malformed, odd link types): each report opens
 * without a page error, clicking connections draws without one, and the packet count shown is the
 * one capinfos (or tcpdump) reports for the file (fixtures/corpus/capinfos.json).
 */
const CORPUS = resolve('../shared/corpus/tcpdump');
const COUNTS = resolve('fixtures/corpus/capinfos.json');
describe.skipIf(!HAVE_CHROMIUM || !existsSync(CORPUS) || !existsSync(COUNTS))('reports of the tcpdump corpus (every 25th file)', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch();
  });
  afterAll(async () => {
    await b?.close();
  });
  it('open and draw without errors, with capinfos\' packet counts', { timeout: 120_000 }, async () => {
    const expected = JSON.parse(readFileSync(COUNTS, 'utf8')).files as Record<string, { capinfos: number | null; tcpdump?: number | null }>;
    const files = readdirSync(CORPUS).sort().filter((_, i) => i % 25 === 0);
    const page = await b.ctx.newPage();
    const problems: string[] = [];
    let file = '';
    page.on('pageerror', (e) => problems.push(`${file}: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`${file}: ${m.text()}`));
    let checked = 0;
    for (file of files) {
      const { html, data } = await generateReport([join(CORPUS, file)]);
      const want = expected[file]?.capinfos ?? expected[file]?.tcpdump ?? null;
      // A file damaged before its end: the report covers the packets read before the damage.
      if (want !== null && data.summary.error === null) {
        expect(data.summary.packets, file).toBe(want);
        checked++;
      }
      await page.setContent(html);
      await page.waitForSelector('html[data-ready="1"]');
      for (const r of (await page.$$('#flow-grid .tbody .tr')).slice(0, 3)) await r.click();
    }
    await page.close();
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(files.length / 2);
  });
});
