#!/usr/bin/env node
// Writes test/fixtures/oms-seed-response-tables.json from seed 002: for each OMS API section
// (5.x.y), the fields of its success answer ("Status code: 200" → "Response body parameters") and
// of the objects that answer nests (the tables after it, named by type: TaskResp, SyncTaskInfo, …),
// each field with its type as the seed prints it. test/providers/simulators/simulator-response-fields.test.ts
// checks every simulator answer against this file, so a field the seed does not list (one the
// simulator made up, or copied from a neighbouring table) fails there rather than teaching the
// client to expect it; where the seed lies beside the checkout, the same test re-reads it from there.
//   node scripts/extract-oms-response-tables.mjs [seed-002.txt] [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SECTION = /^\s*(5\.\d+\.\d+) ([A-Z].*)$/;
const TABLE = /^\s*Table (5-\d+) (.*)$/;
const STATUS = /^\s*Status code: (\d{3})\s*$/;
const PRIMITIVE = /^(String|Long|Integer|Boolean|Float|Double|Number|Object)\b/;
/** A type as a row starts it: a primitive, an array, or a class name alone (its "object" may wrap). */
const TYPE_START =
  /^(?:(?:String|Long|Integer|Boolean|Float|Double|Number|Object)\b|Array\b|[A-Z][A-Za-z0-9]*-?(?:\s+objects?\b.*)?$)/;
const PRIMITIVE_ARRAY = /^Array of (strings|longs|integers|booleans)\b/i;
const NAME = /^\s*(\[Array elements\]|[a-z][a-z0-9_]*)(?:\s+(.*))?$/;

/**
 * A row's type, as one string: `String`, `Long`, `TaskResp` (an object), `TaskResp[]`, `String[]`.
 * The PDF wraps class names anywhere ("BandwidthPolicy" / "Dto objects", "StatisticTypeDa-" /
 * "ta objects"), so the pieces between "Array of" and "objects" are joined without spaces.
 */
function typeOf(text) {
  const joined = text.replace(/-\s+/g, '').replace(/\s+/g, ' ').trim();
  const primitiveArray = PRIMITIVE_ARRAY.exec(joined);
  if (primitiveArray) {
    const inner = primitiveArray[1].toLowerCase();
    return `${{ strings: 'String', longs: 'Long', integers: 'Integer', booleans: 'Boolean' }[inner]}[]`;
  }
  const array = /^Array of (.+?) objects?\b/.exec(joined);
  if (array) return `${array[1].replace(/\s+/g, '')}[]`;
  const primitive = PRIMITIVE.exec(joined);
  if (primitive) return primitive[1];
  const object = /^(.+?) objects?\b/.exec(joined) ?? /^([A-Z][A-Za-z0-9]*)$/.exec(joined);
  return object ? object[1].replace(/\s+/g, '') : joined.split(' ')[0];
}

/** The rows of the table starting at `from`: name → type, until the table ends. */
function rowsOf(lines, from) {
  const fields = {};
  const ends = (line) =>
    TABLE.test(line) || SECTION.test(line) || STATUS.test(line) || /^\s*Example/.test(line);
  for (let i = from; i < lines.length && !ends(lines[i]); i++) {
    const start = NAME.exec(lines[i]);
    if (!start || lines[i].trim().startsWith('Parameter ')) continue;
    let name = start[1];
    let rest = start[2]?.trim();
    let j = i + 1;
    if (rest === undefined) {
      // A name the PDF wrapped ("enable_metadata_" / "migration"), then its type on a later line.
      for (; j < lines.length && j < i + 8; j++) {
        const s = lines[j].trim();
        if (s === '') continue;
        if (TYPE_START.test(s)) {
          rest = s;
          j++;
          break;
        }
        if (!/^[a-z0-9_]+$/.test(s)) break;
        name += s;
      }
      if (rest === undefined) continue;
    }
    if (!TYPE_START.test(rest)) continue;
    // A class or array type may go on over the next lines, up to the blank line before its description.
    let type = rest;
    if (!PRIMITIVE.test(rest) && !PRIMITIVE_ARRAY.test(rest) && !/\bobjects?\b/.test(rest)) {
      for (; j < lines.length && lines[j].trim() !== '' && !ends(lines[j]); j++)
        type += ` ${lines[j].trim()}`;
    }
    fields[name] = typeOf(type);
    i = j - 1;
  }
  return fields;
}

/**
 * Per section, its success answer's body table and the object tables after it (up to the next
 * status code or section), by title. A section that documents no success body has no entry.
 */
export function responseTables(text) {
  const lines = text.split('\n');
  const out = {};
  let section;
  let status;
  let inSuccess = false;
  for (let i = 0; i < lines.length; i++) {
    const heading = SECTION.exec(lines[i]);
    // The table of contents names the sections too; its lines carry dot leaders and page numbers.
    if (heading && !/\.{3,}|\s\d+$/.test(lines[i])) {
      section = heading[1];
      status = undefined;
      inSuccess = false;
      continue;
    }
    const code = STATUS.exec(lines[i]);
    if (code) {
      status = Number(code[1]);
      inSuccess = false;
      continue;
    }
    const table = TABLE.exec(lines[i]);
    if (!table || !section || status === undefined || status >= 300) continue;
    const [, number, title] = table;
    if (title.trim() === 'Response body parameters') {
      out[section] = { status, table: number, fields: rowsOf(lines, i + 1), objects: {} };
      inSuccess = true;
    } else if (inSuccess && !/parameters$/.test(title.trim())) {
      out[section].objects[title.trim()] = { table: number, fields: rowsOf(lines, i + 1) };
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = process.argv[2] ?? path.resolve('..', 'shared', 'seeds', '002_6e351bb1246169fa.txt');
  const out = process.argv[3] ?? path.resolve('test', 'fixtures', 'oms-seed-response-tables.json');
  writeFileSync(out, `${JSON.stringify(responseTables(readFileSync(seed, 'utf8')), null, 1)}\n`);
  console.log(`wrote ${out}`);
}
