/**
 * Every CSV cell, per OWASP's CSV injection advice: a spreadsheet must never read a formula out of text
 * others chose. Text is quoted (RFC 4180, quotes doubled) and prefixed with `'` when it starts with = + - @,
 * tab or CR; so is each part after a comma, semicolon, tab or line break (locales splitting on `;`, naive
 * line splitters). Numbers are written unquoted, so a negative figure stays a figure.
 */
export function csvCell(value: string | number | undefined): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return `"${inert(value ?? '').replace(/"/g, '""')}"`;
}

/** One line of cells, without its line break. */
export function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** A cell's start, or a part's, that a spreadsheet would read as a formula (spaces before it too). */
const FORMULA = /^ *[=+\-@\t\r]/;
/** Where a spreadsheet or a naive reader may start a new cell inside one. */
const SEPARATOR = /([,;\t\r\n])/;

function inert(text: string): string {
  // `split` with a capture keeps the separators at the odd places: each even place starts a part.
  const parts = text
    .split(SEPARATOR)
    .map((part, i) => (i % 2 === 0 && FORMULA.test(part) ? `'${part}` : part));
  const joined = parts.join('');
  return FORMULA.test(joined) ? `'${joined}` : joined;
}
