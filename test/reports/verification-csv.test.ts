import { describe, expect, it } from 'vitest';
import { csvCell, verificationCsv } from '../../src/reports/verification-csv.js';

// Issue 49 item 2: the CSV is escaped as RFC 4180 says, and text a spreadsheet would run as a
// formula (a bucket or object name anyone can choose) is shown, not run (OWASP CSV injection).
describe('the verification CSV', () => {
  it('prefixes text starting with = + - @ (or a tab) with a quote; numbers stay numbers', () => {
    expect(['=SUM(A1:A9)', '+1', '-cmd', '@x', '\tx'].map(csvCell)).toEqual([
      "'=SUM(A1:A9)",
      "'+1",
      "'-cmd",
      "'@x",
      "'\tx",
    ]);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a,b "c"')).toBe('"a,b ""c"""');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('writes a name chosen to be a formula as text, and leaves out figures the report lacks', () => {
    const csv = verificationCsv({
      connection: 'hw',
      kind: 'task',
      id: '7',
      name: '=HYPERLINK("http://x","y")',
      state: 'succeeded',
      basis: 'outcomes',
      outcome: 'matches',
      objects: { total: 3, succeeded: 2, skipped: 1, failed: 0, accounted: 3, unaccounted: 0 },
      bytes: { total: 30, accounted: 30, unaccounted: 0 },
    });
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('figure,value');
    expect(rows).toContain(`name,"'=HYPERLINK(""http://x"",""y"")"`);
    expect(rows).toContain('objects_total,3');
    expect(rows.some((r) => r.startsWith('bytes_written'))).toBe(false);
  });
});
