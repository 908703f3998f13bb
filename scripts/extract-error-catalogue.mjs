#!/usr/bin/env node
// Extracts the Huawei OMS error-code table (API Reference, section "6.2 Error Codes")
// from the PDF-to-text seed into src/catalogue/oms-error-codes.json.
//
//   node scripts/extract-error-catalogue.mjs [seedPath] [outPath]
//
// The seed is a text dump of a five-column PDF table (Status Code | Error Code |
// Error Message | Description | Solution). Cells are wrapped to a narrow column
// width and mostly separated by blank lines; page breaks inject footers and a
// repeated table header. Everything below undoes those artefacts.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SECTION_START = /^6\.2 Error Codes$/;
// Section 6.3 ("Out-of-Date Error Codes") is a different, two-column table of
// retired codes; it must not leak into the current catalogue.
const SECTION_END = /^6\.3\s/;

const PAGE_FOOTER = [
  /^Object Storage Migration Service$/,
  /^API Reference 6 Appendix$/,
  /^Issue \d+ \(\d{4}-\d{2}-\d{2}\) Copyright © Huawei Technologies Co\., Ltd\. \d+$/,
];

// The table header as the PDF dump renders it (single-line header cells get
// glued to their right-hand neighbour). It is repeated at the top of most pages.
const TABLE_HEADER = ['Status', 'Code', 'Error Code Error', 'Message', 'Description Solution'];

// snake_case or camelCase, e.g. "bandwidth_policy", "overwriteMode".
const IDENTIFIER = /_|[a-z][A-Z]/;

const STATUS = '[1-5]\\d\\d';
const CODE = '[A-Z][A-Z0-9_]*\\.\\d+';
// "400 OMS.0063 The task is in": status, code and the first line of the message.
const ROW_START = new RegExp(`^(${STATUS}) (${CODE})(?: (.*))?$`);
// Long codes wrap inside their own cell: "400 OMS_INTERN" + "AL.002000".
const ROW_START_WRAPPED_HEAD = new RegExp(`^(${STATUS}) ([A-Z][A-Z0-9_]*)$`);
const ROW_START_WRAPPED_TAIL = /^([A-Z0-9_]*\.\d+)(?: (.*))?$/;

/**
 * @typedef {{ code: string, httpStatus: number, message: string, description: string, solution: string }} CatalogueEntry
 * @typedef {{ code: string, httpStatus: number, lines: string[] }} RawRow
 */

/**
 * Parses the seed text and returns the catalogue, sorted by code then HTTP status.
 * A code can legitimately be listed under two statuses with different advice
 * (OMS.0095 is both 400 and 403), so rows are keyed by code and status; a row
 * repeated under the same key keeps its first occurrence.
 * @param {string} seedText
 * @returns {CatalogueEntry[]}
 */
export function extractCatalogue(seedText) {
  const lines = stripPageFurniture(sliceSection(seedText));
  const rows = splitRows(lines).map((row) => ({ ...row, cells: splitCells(row.lines) }));
  const lexicon = buildLexicon(seedText);
  // Identifiers are learned from a first pass over the table itself: one cell
  // spells "maxTaskGroupOneDayOneProject" in pieces that each continue in
  // lowercase, while a neighbouring cell breaks it before a capital
  // ("maxTaskGrou" "pOneDayOne" "Project."), which only a known spelling can resolve.
  for (const row of rows) {
    for (const cell of row.cells) learnIdentifiers(joinWrappedLines(cell, lexicon), lexicon);
  }
  const byKey = new Map();
  for (const row of rows) {
    const key = `${row.code} ${row.httpStatus}`;
    if (byKey.has(key)) continue;
    const [message, description, solution] = row.cells.map((cell) => joinWrappedLines(cell, lexicon));
    byKey.set(key, { code: row.code, httpStatus: row.httpStatus, message, description, solution });
  }
  return [...byKey.values()].sort(compareEntries);
}

/**
 * Plain code-unit order (not locale order) so the output is identical on every machine.
 * @param {CatalogueEntry} a
 * @param {CatalogueEntry} b
 */
function compareEntries(a, b) {
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.httpStatus - b.httpStatus;
}

/**
 * Returns the trimmed lines of section 6.2, without its heading.
 * @param {string} seedText
 * @returns {string[]}
 */
export function sliceSection(seedText) {
  const lines = seedText.split(/\r?\n/).map((line) => line.trim());
  const start = lines.findIndex((line) => SECTION_START.test(line));
  if (start < 0) throw new Error('Section "6.2 Error Codes" not found in seed');
  const endOffset = lines.slice(start + 1).findIndex((line) => SECTION_END.test(line));
  const end = endOffset < 0 ? lines.length : start + 1 + endOffset;
  return lines.slice(start + 1, end);
}

/**
 * Drops page footers and repeated table headers. A removed header is replaced
 * by a blank line because it sits between two cells (or two rows), and the
 * dump does not always leave a blank line of its own before it.
 * @param {string[]} lines trimmed lines
 * @returns {string[]}
 */
export function stripPageFurniture(lines) {
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (PAGE_FOOTER.some((re) => re.test(line))) continue;
    const headerEnd = matchTableHeader(lines, i);
    if (headerEnd > 0) {
      out.push('');
      i = headerEnd - 1;
      continue;
    }
    out.push(line);
  }
  return out;
}

/**
 * If the table header starts at `start`, returns the index just after it,
 * otherwise -1. Blank lines between the header's parts are allowed.
 * @param {string[]} lines
 * @param {number} start
 */
function matchTableHeader(lines, start) {
  let i = start;
  for (const part of TABLE_HEADER) {
    while (i < lines.length && lines[i] === '' && i > start) i++;
    if (lines[i] !== part) return -1;
    i++;
  }
  return i;
}

/**
 * Groups lines into table rows. The first line of each row's cell text is the
 * remainder of the row-start line (empty when the code cell wrapped).
 * @param {string[]} lines
 * @returns {RawRow[]}
 */
export function splitRows(lines) {
  /** @type {RawRow[]} */
  const rows = [];
  for (let i = 0; i < lines.length; i++) {
    const start = matchRowStart(lines, i);
    if (start) {
      rows.push({ code: start.code, httpStatus: start.httpStatus, lines: [start.rest] });
      i += start.consumed - 1;
    } else if (rows.length > 0) {
      rows.at(-1)?.lines.push(lines[i]);
    }
  }
  return rows;
}

/**
 * @param {string[]} lines
 * @param {number} i
 * @returns {{ code: string, httpStatus: number, rest: string, consumed: number } | null}
 */
function matchRowStart(lines, i) {
  const single = ROW_START.exec(lines[i]);
  if (single) return { httpStatus: Number(single[1]), code: single[2], rest: single[3] ?? '', consumed: 1 };
  const head = ROW_START_WRAPPED_HEAD.exec(lines[i]);
  const tail = head && i + 1 < lines.length ? ROW_START_WRAPPED_TAIL.exec(lines[i + 1]) : null;
  if (head && tail) {
    return { httpStatus: Number(head[1]), code: head[2] + tail[1], rest: tail[2] ?? '', consumed: 2 };
  }
  return null;
}

/**
 * Splits a row's lines into [message, description, solution], each a list of lines.
 * @param {string[]} rowLines
 * @returns {[string[], string[], string[]]}
 */
export function splitCells(rowLines) {
  const blocks = splitOnBlankLines(rowLines);
  while (blocks.length < 3 && splitMergedCell(blocks)) {
    // each successful split recovers one cell that the dump glued to its neighbour
  }
  // Fewer than three blocks and no glue point: a cell was empty. Message and
  // solution matter most to users, so the description is the one left empty.
  if (blocks.length === 0) return [[], [], []];
  if (blocks.length === 1) return [blocks[0], [], []];
  if (blocks.length === 2) return [blocks[0], [], blocks[1]];
  // More than three blocks: a cell contained a blank line of its own. The first
  // and last columns are the ones we must get right, so the surplus goes to the middle.
  return [blocks[0], blocks.slice(1, -1).flat(), blocks.at(-1) ?? []];
}

/** @param {string[]} lines */
function splitOnBlankLines(lines) {
  /** @type {string[][]} */
  const blocks = [[]];
  for (const line of lines) {
    if (line === '') blocks.push([]);
    else blocks.at(-1)?.push(line);
  }
  return blocks.filter((block) => block.length > 0);
}

/**
 * A cell that fits on one line is printed on the same text line as the first
 * line of the next column ("System error. Click "Restart" to"), so that row has
 * one block too few. Finds the most likely glue point among the first lines of
 * all blocks and splits there, in place. Returns false when there is none.
 * @param {string[][]} blocks
 */
function splitMergedCell(blocks) {
  let best = null;
  blocks.forEach((block, blockIndex) => {
    const candidate = findCellBoundary(block[0] ?? '');
    if (candidate && (!best || candidate.score > best.score)) best = { ...candidate, blockIndex };
  });
  if (!best) return false;
  const block = blocks[best.blockIndex] ?? [];
  const firstLine = block[0] ?? '';
  const left = firstLine.slice(0, best.index).trimEnd();
  const right = firstLine.slice(best.index);
  blocks.splice(best.blockIndex, 1, [left], [right, ...block.slice(1)]);
  return true;
}

/**
 * Scores each word boundary in a line as a possible cell boundary. Cells start
 * with a capitalised word, so a candidate is a capitalised word (not an acronym
 * such as "AK") that follows the end of a sentence (strong) or a lowercase word
 * (weak, e.g. "No authority | No permissions.").
 * @param {string} line
 * @returns {{ index: number, score: number } | null}
 */
function findCellBoundary(line) {
  let best = null;
  const words = [...line.matchAll(/\S+/g)];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]?.[0] ?? '';
    const previous = words[i - 1]?.[0] ?? '';
    if (!/^["“]?[A-Z][a-z]/.test(word)) continue;
    const score = /[.!?]["”)]?$/.test(previous) ? 2 : /[a-z]$/.test(previous) ? 1 : 0;
    if (score > 0 && (!best || score > best.score)) best = { index: words[i]?.index ?? 0, score };
  }
  return best;
}

/**
 * Joins a cell's wrapped lines into one line of text.
 * @param {string[]} lines
 * @param {Lexicon} lexicon
 */
export function joinWrappedLines(lines, lexicon) {
  let text = '';
  for (const line of lines) {
    if (text === '') text = line;
    else text += (continuesWord(text, line, lexicon) ? '' : ' ') + line;
  }
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * True when `next` continues the last word of `previous` without a space.
 * Huawei's docs do not use soft hyphens, so a line-final hyphen belongs to a
 * compound ("non-" + "synchronizing", "Content-" + "Encoding") and is kept.
 * Otherwise the PDF breaks a word only when it is wider than the column, which
 * we accept in these shapes:
 *  - an English word: the joined word is known but the two halves are not both
 *    words ("authenticatio" + "n"), so "in" + "to" stays two words;
 *  - an identifier (snake_case or camelCase) whose tail is not a word
 *    ("bandwidth_po" + "licy", "overwriteMod" + "e"), since many identifiers
 *    occur nowhere else in the document to learn them from;
 *  - an identifier whose joined spelling is known, even before a capital.
 * @param {string} previous
 * @param {string} next
 * @param {Lexicon} lexicon
 */
function continuesWord(previous, next, lexicon) {
  if (/[A-Za-z]-$/.test(previous)) return true;
  const head = previous.split(' ').at(-1) ?? '';
  const tail = next.split(' ')[0] ?? '';
  // A path wraps after a separator: "/etc/oms/" + "logs/oper".
  if (/^\/\S*\/$/.test(head)) return true;
  // A closing quote pushed onto its own line: "''bucket_pairs'" + "' contains".
  if (/^['"’”]+[.,;:)]*$/.test(tail)) return true;
  if (!/[A-Za-z]$/.test(head) || !/^[A-Za-z]/.test(tail)) return false;
  if (IDENTIFIER.test(head)) {
    return lexicon.identifiers.has(stripPunctuation(head + tail)) || isUnknownTail(tail, lexicon);
  }
  // Prose never continues a word with a capital.
  if (!/^[a-z]/.test(tail)) return false;
  const headKnown = lexicon.words.has(normaliseWord(head));
  const tailKnown = lexicon.words.has(normaliseWord(tail));
  return lexicon.words.has(normaliseWord(head + tail)) && !(headKnown && tailKnown);
}

/**
 * @param {string} tail
 * @param {Lexicon} lexicon
 */
function isUnknownTail(tail, lexicon) {
  return /^[a-z]/.test(tail) && !lexicon.words.has(normaliseWord(tail));
}

/**
 * @typedef {{ words: Set<string>, identifiers: Set<string> }} Lexicon
 * `words` are lowercased English-ish words; `identifiers` keep their case,
 * because "overwrite" + "mode" must not become "overwriteMode" in prose.
 */

/**
 * Words that appear in the middle of a line anywhere in the document. A word
 * split by wrapping only ever sits at the end or start of a line, so its
 * fragments never make it in here, while the whole word usually does
 * (the document repeats its vocabulary a lot, much of it in full-width prose).
 * Single letters other than "a" and "i" are left out: they are fragments
 * ("authenticatio" + "n") more often than words.
 * @param {string} text
 * @returns {Lexicon}
 */
export function buildLexicon(text) {
  const words = new Set();
  for (const line of text.split(/\r?\n/)) {
    for (const word of line.trim().split(/\s+/).slice(1, -1)) {
      const normalised = normaliseWord(word);
      if (normalised.length > 1 || normalised === 'a' || normalised === 'i') words.add(normalised);
    }
  }
  return { words, identifiers: new Set() };
}

/**
 * Records the snake_case and camelCase identifiers spelled out in `text`.
 * @param {string} text
 * @param {Lexicon} lexicon
 */
function learnIdentifiers(text, lexicon) {
  for (const word of text.split(' ')) {
    if (IDENTIFIER.test(word)) lexicon.identifiers.add(stripPunctuation(word));
  }
}

/** @param {string} word */
function stripPunctuation(word) {
  return word.replace(/^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$/g, '');
}

/** @param {string} word */
function normaliseWord(word) {
  return word.toLowerCase().replace(/^[^a-z0-9_]+|[^a-z0-9_]+$/g, '');
}

function main() {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const seedPath = path.resolve(
    process.argv[2] ?? path.join(repoRoot, '../shared/seeds/002_6e351bb1246169fa.txt'),
  );
  const outPath = path.resolve(process.argv[3] ?? path.join(repoRoot, 'src/catalogue/oms-error-codes.json'));
  const catalogue = extractCatalogue(readFileSync(seedPath, 'utf8'));
  writeFileSync(outPath, `${JSON.stringify(catalogue, null, 2)}\n`);
  process.stdout.write(`Wrote ${catalogue.length} error codes to ${path.relative(process.cwd(), outPath)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
