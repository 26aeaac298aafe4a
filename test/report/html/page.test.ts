/**
 * The HTML report in a real browser (Debian's chromium via playwright-core): opened from file://,
 * no console errors, no network requests, the table's rows, filtering, sorting, the ladder and the
 * graphs of a clicked connection, the stuck panel, and a 100k-connection report that keeps only the
 * visible rows in the DOM. Screenshots go to test-results/ (gitignored).
 *
 * Expected values come from the hand-written exchanges in handmade.ts: 5 connections, 10 segments
 * in connection 1 (RFC 9293 Figure 12 close), 7 in connection 2, packet totals per connection.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, EventCollector } from '../../../src/report/html/data.js';
import { renderHtml } from '../../../src/report/html/render.js';
import { HAVE_CHROMIUM, SKIP_MESSAGE, launch, open, type Browser, type Watched } from './browser.js';
import { manyInput, smallInput } from './handmade.js';

const OUT = resolve('test-results');

function writeReport(name: string, html: string): string {
  mkdirSync(OUT, { recursive: true });
  const p = resolve(OUT, name);
  writeFileSync(p, html);
  return pathToFileURL(p).href;
}

/** Ids of the rows in the DOM, top to bottom. */
async function shownIds(w: Watched): Promise<number[]> {
  return w.page.$$eval('#flow-grid .tbody .tr', (rows) =>
    rows
      .map((r) => ({ top: parseFloat((r as HTMLElement).style.top), id: Number(r.querySelector('.td')!.textContent) }))
      .sort((a, b) => a.top - b.top)
      .map((x) => x.id),
  );
}

async function filter(w: Watched, text: string): Promise<void> {
  await w.page.fill('#filter', text);
  // The filter applies 120 ms after the last keystroke.
  await w.page.waitForFunction((t) => (document.getElementById('filter') as HTMLInputElement).value === t, text);
  await w.page.waitForTimeout(250);
}

/** Pixels of a canvas that are clearly blue (#2458d6 family: segments, client window). */
async function bluePixels(w: Watched, selector: string): Promise<number> {
  return w.page.$eval(selector, (c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && d[i + 2] > 150 && d[i] < 110 && d[i + 1] < 160) n++;
    return n;
  });
}

if (!HAVE_CHROMIUM) {
  console.warn(SKIP_MESSAGE);
  describe('HTML report in a browser', () => {
    it.skip(SKIP_MESSAGE, () => {});
  });
} else {
  describe('HTML report in a browser', () => {
    let b: Browser;
    beforeAll(async () => {
      b = await launch();
    });
    afterAll(async () => {
      await b?.close();
    });

    describe('small hand-made report', () => {
      let w: Watched;
      beforeAll(async () => {
        const { input, events } = smallInput('</script><!--/<img src=x onerror=alert(1)>.pcap');
        const html = renderHtml(buildReportData(input, new EventCollector().addAll(events), { generated: new Date(0) }));
        w = await open(b, writeReport('report-small.html', html));
      });

      it('opens from file:// with no console error and no network request', () => {
        expect(w.errors).toEqual([]);
        expect(w.requests).toEqual([]);
      });

      it('shows the hostile file name as text', async () => {
        expect(await w.page.textContent('#title')).toBe('<img src=x onerror=alert(1)>.pcap');
        expect(await w.page.$$('img')).toHaveLength(0);
        expect(await w.page.textContent('#capture table')).toContain('</script><!--/<img src=x onerror=alert(1)>.pcap');
      });

      it('lists the 5 connections', async () => {
        expect(await w.page.textContent('#row-count')).toBe('5 connections');
        expect(await shownIds(w)).toEqual([1, 2, 3, 4, 5]);
      });

      it('filters by state, protocol, free text, numbers and negation', async () => {
        await filter(w, 'state:CLOSE_WAIT'); // only #3's server is in CLOSE_WAIT
        expect(await shownIds(w)).toEqual([3]);
        expect(await w.page.textContent('#row-count')).toBe('1 of 5 connections');
        await filter(w, 'proto:udp');
        expect(await shownIds(w)).toEqual([4]);
        await filter(w, '10.0.0.53');
        expect(await shownIds(w)).toEqual([4]);
        await filter(w, '-proto:udp teardown:reset-server');
        expect(await shownIds(w)).toEqual([2]);
        await filter(w, 'pkts>9'); // totals: #1 10, #2 7, #3 10, #4 2, #5 3
        expect(await shownIds(w)).toEqual([1, 3]);
        await filter(w, 'state:NOPE');
        expect(await w.page.textContent('#filter-error')).toContain('no state');
        await filter(w, 'colour:red');
        expect(await w.page.textContent('#filter-error')).toBe('unknown filter key colour:');
        await filter(w, 'nothing-matches-this');
        expect(await shownIds(w)).toEqual([]);
        expect(await w.page.textContent('#flow-grid')).toContain('No connection matches the filter.');
        await filter(w, '');
        expect(await shownIds(w)).toEqual([1, 2, 3, 4, 5]);
      });

      it('downloads the rows shown as CSV', async () => {
        await filter(w, 'proto:tcp');
        const [dl] = await Promise.all([w.page.waitForEvent('download'), w.page.click('#csv')]);
        const path = resolve(OUT, 'report-small.csv');
        await dl.saveAs(path);
        // Read back with an independent RFC 4180 parser (csv-parse).
        const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
        expect(rows.map((r) => r.id)).toEqual(['1', '2', '3', '5']); // the UDP flow #4 filtered out
        expect(rows[1]).toMatchObject({ server_ip: '10.0.0.3', server_port: '443', teardown: 'reset-server', retransmissions_client: '1', zeek_conn_state: 'RSTR' });
        expect(rows[3]).toMatchObject({ client_state: 'SYN_SENT', server_state: '', rtt_ms: '', packets_client: '3' });
        await filter(w, '');
      });

      it('sorts by a column, and reverses on a second click', async () => {
        await w.page.click('.th[data-col="pkts"]'); // numbers sort largest first: 10, 10, 7, 3, 2 (ties in id order)
        expect(await shownIds(w)).toEqual([1, 3, 2, 5, 4]);
        await w.page.click('.th[data-col="pkts"]');
        expect(await shownIds(w)).toEqual([4, 5, 2, 1, 3]);
        await w.page.click('.th[data-col="server"]'); // 10.0.0.2 < 10.0.0.3 < 10.0.0.5 < 10.0.0.9 < 10.0.0.53 numerically
        expect(await shownIds(w)).toEqual([1, 2, 3, 5, 4]);
        await w.page.click('.th[data-col="id"]');
        expect(await shownIds(w)).toEqual([1, 2, 3, 4, 5]);
      });

      it('draws the ladder and graphs of a clicked connection', async () => {
        await w.page.click('#flow-grid .tbody .tr[data-row="0"]');
        await w.page.waitForSelector('#ladder svg');
        // One arrow per packet: connection 1 is 10 segments.
        expect(await w.page.$$eval('#ladder svg .arrow', (a) => a.length)).toBe(10);
        const labels = await w.page.$$eval('#ladder svg .arrow text.lab', (t) => t.map((x) => x.textContent));
        // As `synfin trace` labels arrows (flags, seq, ack, len, win), from GRACEFUL_STEPS 1, 2 and 8.
        expect(labels[0]).toBe('SYN seq=0 len=0 win=64240');
        expect(labels[1]).toBe('SYN,ACK seq=0 ack=1 len=0 win=65160');
        expect(labels[7]).toBe('FIN,ACK seq=101 ack=501 len=0 win=63740');
        const states = await w.page.$$eval('#ladder svg text.state', (t) => t.map((x) => x.textContent));
        expect(states).toContain('TIME_WAIT');
        expect(states).toContain('LAST_ACK');
        await w.page.waitForSelector('#tsg canvas');
        await w.page.waitForSelector('#wnd canvas');
        // Connection 1: the server sent more, so the graph opens on server → client: its 500-byte segment is drawn.
        expect(await bluePixels(w, '#wnd canvas')).toBeGreaterThan(50);
        expect(await w.page.$eval('#tsg canvas', (c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(200);
        expect(await bluePixels(w, '#tsg canvas')).toBeGreaterThan(20);
        expect(await w.page.evaluate(() => location.hash)).toBe('#flow=1');
        expect(await w.page.textContent('#detail .facts')).toContain('MSS 1460, wscale 7, SACK, TS / MSS 1400');
        // States over time: client SYN_SENT, ESTABLISHED, FIN_WAIT_1, TIME_WAIT; server SYN_RECEIVED, ESTABLISHED,
        // CLOSE_WAIT, LAST_ACK, CLOSED (the states after each packet in handmade.ts's GRACEFUL_STEPS).
        const lanes = await w.page.$$eval('#states .tl-seg', (g) => g.map((x) => `${x.getAttribute('data-side')} ${x.getAttribute('data-state')}`));
        expect(lanes).toEqual([
          'client SYN_SENT', 'client ESTABLISHED', 'client FIN_WAIT_1', 'client TIME_WAIT',
          'server SYN_RECEIVED', 'server ESTABLISHED', 'server CLOSE_WAIT', 'server LAST_ACK', 'server CLOSED',
        ]);
        expect(await w.page.$$eval('#transitions tr', (r) => r.length)).toBe(1 + 9);
        // A transition leads to its packet in the ladder: the client's FIN_WAIT_1 came with frame 8 (its FIN).
        await w.page.click('#states .tl-seg[data-side="client"][data-state="FIN_WAIT_1"]');
        expect(await w.page.$$eval('#ladder .arrow.hl', (g) => g.map((x) => x.getAttribute('data-frame')))).toEqual(['8']);
        await w.page.screenshot({ path: resolve(OUT, 'report-small-detail.png'), fullPage: true });
        expect(w.errors).toEqual([]);
      });

      it('marks retransmissions in the ladder and the time-sequence graph', async () => {
        await w.page.click('#flow-grid .tbody .tr[data-row="1"]');
        await w.page.waitForFunction(() => document.querySelectorAll('#ladder svg .arrow').length === 7);
        const notes = await w.page.$$eval('#ladder svg text.noteline', (t) => t.map((x) => x.textContent));
        expect(notes).toEqual(['retransmission']);
        await w.page.click('#detail button:has-text("client → server")');
        await w.page.waitForSelector('#tsg canvas');
        const red = await w.page.$eval('#tsg canvas', (c) => {
          const cv = c as HTMLCanvasElement;
          const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && d[i] > 180 && d[i + 1] < 90 && d[i + 2] < 90) n++;
          return n;
        });
        expect(red).toBeGreaterThan(10);
      });

      it('moves the selection with the arrow keys, and opens a connection from the URL fragment', async () => {
        await w.page.click('#flow-grid .tbody .tr[data-row="0"]');
        await w.page.focus('#flow-grid');
        await w.page.keyboard.press('ArrowDown');
        await w.page.waitForFunction(() => document.querySelector('#detail h2')?.textContent === 'Connection #2');
        expect(await w.page.$$eval('#flow-grid .tr.sel', (r) => r.map((x) => x.getAttribute('data-row')))).toEqual(['1']);
        await w.page.keyboard.press('ArrowUp');
        await w.page.waitForFunction(() => document.querySelector('#detail h2')?.textContent === 'Connection #1');
        // A link to the file with #flow=5 opens connection 5 (3 SYNs: 3 arrows).
        const page = await b.ctx.newPage();
        await page.goto(w.page.url().replace(/#.*$/, '') + '#flow=5');
        await page.waitForSelector('#ladder svg');
        expect(await page.textContent('#detail h2')).toBe('Connection #5');
        expect(await page.$$eval('#ladder svg .arrow', (a) => a.length)).toBe(3);
        await page.close();
      });

      it('says when a connection has no embedded detail', async () => {
        await w.page.click('#flow-grid .tbody .tr[data-row="2"]');
        // #3 was given no events (not traced), with the budget far from spent.
        expect(await w.page.textContent('#cut-note')).toBe('No packet detail was recorded for this connection.');
        expect(await w.page.$$('#ladder')).toHaveLength(0);
      });

      it('says when the budget cut a connection (page loaded with setContent)', async () => {
        const { input, events } = smallInput();
        // Budget 12: #1 keeps its 10 packets, #2 its first 2 of 7, #4 and #5 none (see data.test.ts).
        const html = renderHtml(buildReportData(input, new EventCollector({ maxEvents: 12 }).addAll(events)));
        const page = await b.ctx.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.setContent(html);
        await page.waitForSelector('html[data-ready="1"]');
        await page.click('#flow-grid .tbody .tr[data-row="1"]');
        expect(await page.textContent('#cut-note')).toBe('Detail cut: the first 2 of 7 packets are embedded (budget: 1,000 per connection, 12 in all).');
        expect(await page.$$eval('#ladder svg .arrow', (a) => a.length)).toBe(2);
        await page.click('#flow-grid .tbody .tr[data-row="4"]');
        expect(await page.textContent('#cut-note')).toContain('budget of 12 packets was spent');
        await page.fill('#filter', 'is:cut');
        await page.waitForFunction(() => document.getElementById('row-count')!.textContent === '4 of 5 connections');
        expect(errors).toEqual([]);
        await page.close();
      });

      it('shows the first and last packets of a long connection with the gap between them', async () => {
        const { input, events } = smallInput();
        // 4 per connection: #1's frames 1, 2 and 9, 10 (see data.test.ts); 6 left out.
        const html = renderHtml(buildReportData(input, new EventCollector({ perConnection: 4 }).addAll(events)));
        const page = await b.ctx.newPage();
        await page.setContent(html);
        await page.waitForSelector('html[data-ready="1"]');
        await page.click('#flow-grid .tbody .tr[data-row="0"]');
        expect(await page.$$eval('#ladder svg .arrow', (a) => a.map((x) => x.getAttribute('data-frame')))).toEqual(['1', '2', '9', '10']);
        expect(await page.textContent('#ladder svg .gap')).toBe('… 6 packets not embedded (report budget) …');
        expect(await page.textContent('#cut-note')).toBe(
          'Detail cut: the first 2 and the last 2 of 10 packets are embedded; the 6 between them are left out (budget: 4 per connection, 200,000 in all).',
        );
        await page.close();
      });

      it('lists stuck groups and filters the table to one', async () => {
        const rows = await w.page.$$eval('#stuck tr.click', (r) => r.map((x) => x.textContent));
        expect(rows).toHaveLength(3); // see data.test.ts: CLOSE_WAIT on 10.0.0.5:8080, FIN_WAIT_2, SYN_SENT
        await w.page.click('#stuck tr.click:has-text("CLOSE_WAIT")');
        await w.page.waitForTimeout(100);
        expect(await shownIds(w)).toEqual([3]);
        await w.page.click('#group-chip button');
        expect(await shownIds(w)).toEqual([1, 2, 3, 4, 5]);
      });

      it('cannot reach the network even if a script tried (Content-Security-Policy)', async () => {
        const page = await b.ctx.newPage();
        const sent: string[] = [];
        page.on('request', (r) => r.url().startsWith('http') && sent.push(r.url()));
        await page.goto(w.page.url().replace(/#.*$/, ''));
        await page.waitForSelector('html[data-ready="1"]');
        const outcome = await page.evaluate(async () => {
          try {
            await fetch('http://127.0.0.1:9/synfin-csp-probe');
            return 'fetched';
          } catch {
            return 'blocked';
          }
        });
        expect(outcome).toBe('blocked');
        expect(sent).toEqual([]);
        await page.close();
      });

      it('looks right (screenshot)', async () => {
        await w.page.evaluate(() => window.scrollTo(0, 0));
        await w.page.screenshot({ path: resolve(OUT, 'report-small.png'), fullPage: true });
        expect(w.errors).toEqual([]);
        expect(w.requests).toEqual([]);
      });
    });

    describe('100 000 connections', () => {
      let w: Watched;
      let size = 0;
      let compressed = false;
      let loadMs = 0;
      beforeAll(async () => {
        const { input, events } = manyInput(100_000);
        const html = renderHtml(buildReportData(input, new EventCollector().addAll(events)));
        size = Buffer.byteLength(html);
        compressed = html.includes('id="synfin-data-gz"');
        const t = Date.now();
        w = await open(b, writeReport('report-100k.html', html));
        loadMs = Date.now() - t;
      });

      it('loads without errors, in reasonable time and size', () => {
        expect(w.errors).toEqual([]);
        expect(w.requests).toEqual([]);
        // Compressed (over 1 MB of JSON): about 18 bytes a connection instead of ~110.
        expect(size).toBeLessThan(5e6);
        expect(compressed).toBe(true);
        expect(loadMs).toBeLessThan(15_000);
      });

      it('keeps only the visible rows in the DOM', async () => {
        expect(await w.page.textContent('#row-count')).toBe('100,000 connections');
        const n = await w.page.$$eval('#flow-grid .tbody .tr', (r) => r.length);
        expect(n).toBeGreaterThan(10);
        expect(n).toBeLessThan(60);
        await w.page.$eval('#flow-grid', (g) => (g.scrollTop = g.scrollHeight));
        await w.page.waitForTimeout(200);
        const ids = await shownIds(w);
        expect(ids[ids.length - 1]).toBe(100_000);
        expect(ids.length).toBeLessThan(60);
      });

      it('filters and sorts 100k rows quickly', async () => {
        const t0 = Date.now();
        await filter(w, 'id:99999');
        expect(await shownIds(w)).toEqual([99_999]);
        await filter(w, 'state:CLOSE_WAIT'); // every third connection (i % 3 == 2)
        expect(await w.page.textContent('#row-count')).toBe('33,333 of 100,000 connections');
        await w.page.click('.th[data-col="bytes"]');
        const ids = await shownIds(w);
        expect(ids.length).toBeLessThan(60);
        expect(Date.now() - t0).toBeLessThan(5_000);
        await w.page.screenshot({ path: resolve(OUT, 'report-100k.png') });
      });
    });
  });
}
