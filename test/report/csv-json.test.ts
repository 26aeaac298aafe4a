import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvColumns, csvField, csvHeader, csvRow } from '../../src/report/csv.js';
import { JsonArrayWriter, ndjsonLine } from '../../src/report/json.js';
import { rec } from './records.js';

describe('CSV (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks (§2.6, §2.7) and leaves plain fields alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(3.5)).toBe('3.5');
  });

  it('parses back with an independent RFC 4180 parser (csv-parse), awkward strings intact', () => {
    const nasty = 'x,"y"\r\nz';
    const rows = [rec({ id: 1 }), rec({ id: 2, service: nasty }), rec({ id: 3, service: null, handshake: null, analysis: null })];
    const text = csvHeader() + rows.map(csvRow).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parse(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(parsed).toHaveLength(3);
    expect(Object.keys(parsed[0])).toEqual(csvColumns());
    expect(parsed[1]['service']).toBe(nasty);
    expect(parsed[0]['client.ip']).toBe('10.0.0.1');
    expect(parsed[0]['server.port']).toBe('80');
    expect(parsed[0]['state.client']).toBe('TIME_WAIT');
    expect(parsed[0]['zeek.history']).toBe('ShADadFf');
    expect(parsed[2]['handshake.rttMs']).toBe(''); // null → empty field
    expect(parsed[2]['service']).toBe('');
  });

  it('has one column per field in every row', () => {
    const header = parse(csvHeader())[0] as string[];
    const row = parse(csvRow(rec({ service: 'a,b' })))[0] as string[];
    expect(row.length).toBe(header.length);
    // The contract's flat names are all there.
    for (const f of ['id', 'proto', 'client.ip', 'client.port', 'server.ip', 'server.port', 'duration', 'teardown', 'zeek.conn_state', 'retransmissions.client']) {
      expect(header).toContain(f);
    }
  });
});

describe('JSON and NDJSON', () => {
  it('NDJSON: one parseable object per line with the contract names', () => {
    const text = [rec({ id: 1 }), rec({ id: 2, client: { ip: '2001:db8::1', port: 5 } })].map(ndjsonLine).join('');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const objs = lines.map((l) => JSON.parse(l));
    expect(objs.map((o) => o.id)).toEqual([1, 2]);
    expect(objs[1].client).toEqual({ ip: '2001:db8::1', port: 5 });
    for (const k of ['id', 'proto', 'client', 'server', 'start', 'end', 'duration', 'packets', 'bytes', 'ipBytes', 'handshake', 'state', 'teardown', 'retransmissions', 'zeek']) {
      expect(objs[0]).toHaveProperty(k);
    }
  });

  it('the incremental array writer gives valid JSON for 0, 1 and 3 items', () => {
    for (const n of [0, 1, 3]) {
      let s = '';
      const w = new JsonArrayWriter((x) => (s += x));
      w.open();
      for (let i = 1; i <= n; i++) w.item(rec({ id: i }));
      w.close();
      const a = JSON.parse(s);
      expect(a).toHaveLength(n);
      expect(a.map((r: { id: number }) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
  });
});
