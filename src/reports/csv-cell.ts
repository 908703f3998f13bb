/**
 * Cells of every CSV the bot writes, after OWASP's CSV injection advice: a spreadsheet must never
 * read a formula out of text someone else chose (a task's name, a requester's title, a list path).
 * Every text cell is quoted (RFC 4180, quotes doubled), and text that starts with = + - @, a tab or
 * a carriage return is prefixed with a single quote; so is each part of it that follows a comma, a
 * semicolon, a tab or a line break, since a spreadsheet set to split on `;` (many locales) or a tool
 * that splits lines naively would start a cell there. Numbers stay numbers: written as they are,
 * unquoted, so a negative figure is still a figure.
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
