import { describe, expect, it } from 'vitest';
import { verificationCsv } from '../../src/capabilities/verification/verification-csv.js';
import { csvCell } from '../../src/reports/csv-cell.js';
import { FORMULA_START, parseCsv, textParts } from '../helpers/csv.js';

// Every CSV the bot writes goes through one cell function (OWASP CSV injection): text is quoted,
// and neither a cell nor any part of it after a separator a spreadsheet may split on starts like a
// formula. Numbers stay numbers.
describe('a CSV cell', () => {
  it('quotes text and prefixes text starting with = + - @ (or a tab, a CR) with a quote', () => {
    expect(['=SUM(A1:A9)', '+1', '-cmd', '@x', '\tx', '\rx', '  =x', 'plain'].map(csvCell)).toEqual([
      `"'=SUM(A1:A9)"`,
      `"'+1"`,
      `"'-cmd"`,
      `"'@x"`,
      `"'\tx"`,
      `"'\rx"`,
      `"'  =x"`,
      '"plain"',
    ]);
    expect(csvCell('a,b "c"')).toBe('"a,b ""c"""');
    expect(csvCell(undefined)).toBe('""');
  });

  it('makes each part after , ; tab or a line break inert too', () => {
    expect(csvCell("=1+2;=cmd|' /C calc'!A0")).toBe(`"'=1+2;'=cmd|' /C calc'!A0"`);
    expect(csvCell('a;@b,+c\t-d\n=e')).toBe(`"a;'@b,'+c\t'-d\n'=e"`);
    expect(csvCell('x; =y')).toBe(`"x;' =y"`);
    expect(csvCell('\t=x')).toBe(`"'\t'=x"`);
    expect(csvCell('a-b; c=d')).toBe('"a-b; c=d"');
  });

  it('keeps numbers as numbers, negative ones too', () => {
    expect([3, -5, 0.5, Number.NaN].map(csvCell)).toEqual(['3', '-5', '0.5', '']);
  });
});

describe('the verification CSV', () => {
  it('writes a name and a title chosen to be formulas as text, and leaves out figures the report lacks', () => {
    const csv = verificationCsv(
      {
        connection: 'hw',
        kind: 'task',
        id: '7',
        name: '=HYPERLINK("http://x","y")',
        state: 'succeeded',
        basis: 'outcomes',
        outcome: 'matches',
        objects: { total: 3, succeeded: 2, skipped: 1, failed: 0, accounted: 3, unaccounted: 0 },
        bytes: { total: 30, accounted: 30, unaccounted: 0 },
      },
      "nightly;=cmd|' /C calc'!A0",
    );
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['figure', 'value']);
    const figures = Object.fromEntries(rows.slice(1) as [string, string][]);
    expect(figures.name).toBe(`'=HYPERLINK("http://x","y")`);
    expect(figures.title).toBe("nightly;'=cmd|' /C calc'!A0");
    expect(figures.objects_total).toBe('3');
    expect(csv).toContain('"objects_total",3\r\n');
    expect(figures.bytes_written).toBeUndefined();
    expect(textParts(rows).filter((part) => FORMULA_START.test(part))).toEqual([]);
  });
});
