/**
 * Tables larger than CLI_TABLE_MAX_ROWS rows are rendered by padTable instead of cli-table3 (whose
 * cost per cell and quadratic layout made a 60 000-row table take ~20 minutes). The oracle is
 * cli-table3 itself rendering the whole table (cliTable, what renderTable always did): same text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliTable, COLOR, padTable, PLAIN, renderTable, CLI_TABLE_MAX_ROWS, type Align } from '../../src/report/table.js';

const cell = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9.:_ -]{0,14}$/),
  fc.constantFrom('10.0.0.1:443', 'fd00:99:1::2:47986', 'CLOSE_WAIT', '1.5 ms', '', 'é', 'TIME_WAIT'),
);

describe('padTable: cli-table3\'s borderless layout in linear time', () => {
  it('equals cli-table3 on random tables (0 to ~560 rows, colours, both alignments, wide cells)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((cols) =>
          fc.record({
            head: fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: cols, maxLength: cols }),
            aligns: fc.array(fc.constantFrom<Align>('left', 'right'), { minLength: cols, maxLength: cols }),
            rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 0, maxLength: 2 * CLI_TABLE_MAX_ROWS + 50, size: 'max' }),
            color: fc.boolean(),
            // A wide cell only in the last row: its width must reach every row above it.
            wide: fc.boolean(),
          }),
        ),
        ({ head, aligns, rows, color, wide }) => {
          if (wide && rows.length > 0) rows[rows.length - 1][0] = 'x'.repeat(40);
          const c = color ? COLOR : PLAIN;
          const colored = color ? rows.map((r) => r.map((s, i) => (i % 2 ? c.red(s) : s))) : rows;
          const want = cliTable(head, colored, aligns, c);
          expect(padTable(head, colored, aligns, c)).toBe(want);
          expect(renderTable(head, colored, aligns, c)).toBe(want);
        },
      ),
      // No shrinking: each try renders up to ~560 rows through the quadratic oracle.
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);

  it('an empty table is its head line; a table of nothing is an empty line', () => {
    expect(padTable(['a', 'bb'], [], ['left', 'right'])).toBe(cliTable(['a', 'bb'], [], ['left', 'right'], PLAIN));
    expect(padTable([], [], [])).toBe(cliTable([], [], [], PLAIN));
  });

  it('10 000 rows: column widths and alignment worked by hand', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [String(i), `10.0.${i >> 8}.${i & 255}:${40000 + i}`, i % 7 ? 'ESTABLISHED' : 'CLOSE_WAIT']);
    const out = renderTable(['id', 'client', 'state'], rows, ['right', 'left', 'left']); // > CLI_TABLE_MAX_ROWS: padTable
    const lines = out.split('\n');
    expect(lines.length).toBe(10_000 + 2); // head, rows, final empty string after the last \n
    // Widths by hand: id 4 ("9999"); client 17 (the longest is like "10.0.38.255:49983": two-digit
    // third octet, three-digit fourth, five-digit port); state, last column, trailing spaces trimmed.
    expect(lines[0]).toBe('  id  client             state');
    expect(lines[1]).toBe('   0  10.0.0.0:40000     CLOSE_WAIT');
    expect(lines[10_000]).toBe('9999  10.0.39.15:49999   ESTABLISHED');
  });
});
