/**
 * A CSV file's rows as RFC 4180 reads them (quoted cells, doubled quotes, line breaks inside
 * quotes), so a test reads a file the bot wrote as a spreadsheet would, not by splitting on commas.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The characters a spreadsheet reads a formula from at the start of a cell (OWASP). */
export const FORMULA_START = /^ *[=+\-@\t\r]/;

/**
 * Every cell of `rows` that is text, with each part of it after a comma, semicolon, tab or line
 * break (where a spreadsheet splitting on `;`, or a naive reader, would start a cell): what must
 * never start like a formula. A plain number is a figure, not text.
 */
export function textParts(rows: readonly (readonly string[])[]): string[] {
  return rows
    .flat()
    .filter((cell) => !/^-?\d+(\.\d+)?$/.test(cell))
    .flatMap((cell) => [cell, ...cell.split(/[,;\t\r\n]/).slice(1)]);
}
