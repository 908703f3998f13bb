#!/usr/bin/env node
// Writes dev/simulators/huawei-oms/seed-request-tables.json (and seed-examples.json, the example
// responses the simulator can seed itself with) from seed 002: for each OMS operation
// with a request body, its "Request body parameters" table and the tables of the objects it nests
// (name, mandatory, type, lengths, value range, array length, enumerated values), as the seed
// prints them. The OMS simulator checks requests against this file, never against the client's
// schemas, so a client mistake cannot hide behind the simulator.
// test/providers/simulators/simulator-follows-seeds.test.ts re-extracts it from the seed and compares.
//   node scripts/extract-oms-request-tables.mjs [seed-002.txt] [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Operation → the number of its request-body table and the tables of the objects inside. */
export const OPERATIONS = {
  CreateTask: {
    section: '5.2.3',
    body: '5-39',
    objects: {
      src_node: '5-40',
      'src_node.list_file': '5-41',
      dst_node: '5-42',
      bandwidth_policy: '5-43',
      source_cdn: '5-44',
      smn_config: '5-45',
    },
  },
  StartTask: { section: '5.2.5', body: '5-54', objects: {} },
  UpdateBandwidthPolicy: { section: '5.2.7', body: '5-62', objects: { bandwidth_policy: '5-63' } },
  BatchUpdateTasks: { section: '5.2.8', body: '5-67', objects: { bandwidth_policy: '5-68' } },
  CreateSyncEvents: { section: '5.3.1', body: '5-72', objects: {} },
  CreateSyncTask: { section: '5.3.3', body: '5-85', objects: { source_cdn: '5-86' } },
  StartSyncTask: { section: '5.3.8', body: '5-111', objects: {} },
  CreateTaskGroup: {
    section: '5.4.2',
    body: '5-131',
    objects: {
      src_node: '5-132',
      'src_node.list_file': '5-133',
      dst_node: '5-134',
      bandwidth_policy: '5-135',
      smn_config: '5-136',
      source_cdn: '5-137',
    },
  },
  StartTaskGroup: { section: '5.4.6', body: '5-164', objects: {} },
  RetryTaskGroup: { section: '5.4.7', body: '5-169', objects: {} },
  UpdateTaskGroupBandwidthPolicy: { section: '5.4.8', body: '5-174', objects: { bandwidth_policy: '5-175' } },
  ShowBucketObjects: { section: '5.5.1', body: '5-180', objects: {} },
  ShowCdnInfo: { section: '5.5.2', body: '5-186', objects: { prefix: '5-187', source_cdn: '5-188' } },
  ShowBucketList: { section: '5.5.3', body: '5-194', objects: {} },
  ShowBucketRegion: { section: '5.5.4', body: '5-199', objects: {} },
  CheckPrefix: { section: '5.5.5', body: '5-204', objects: {} },
};

const STOP = new Set([
  'characters',
  'object',
  'objects',
  'string',
  'strings',
  'default',
  'bytes',
  'seconds',
  'false',
  'true',
  'value',
  'values',
]);
const TABLE = /^\s*Table (5-\d+) (.*)$/;

export function extractTables(text) {
  const lines = text.split('\n');
  const rowStart = (i) => {
    const line = lines[i];
    const m = /^\s*([a-z][a-z0-9_]*)\s+(Yes|No)\s+(.*)$/.exec(line);
    if (m) return { name: m[1], mandatory: m[2] === 'Yes', rest: m[3], next: i + 1 };
    const lone = /^\s*([a-z][a-z0-9_]*)\s*$/.exec(line);
    if (!lone || STOP.has(lone[1])) return undefined;
    // A name the PDF wrapped over lines ("bandwidth_po" / "licy"), then its row.
    let name = lone[1];
    for (let j = i + 1; j < lines.length && j < i + 7; j++) {
      const s = lines[j].trim();
      if (s === '') continue;
      const row = /^(Yes|No)\s+(.*)$/.exec(s);
      if (row) return { name, mandatory: row[1] === 'Yes', rest: row[2], next: j + 1 };
      if (/^[a-z0-9_]+$/.test(s)) {
        name += s;
        continue;
      }
      const tail = /^([a-z0-9_]+)\s+(Yes|No)\s+(.*)$/.exec(s);
      if (tail) return { name: name + tail[1], mandatory: tail[2] === 'Yes', rest: tail[3], next: j + 1 };
      return undefined;
    }
    return undefined;
  };
  const ends = (line) =>
    TABLE.test(line) ||
    /^\s*\d+\.\d+\.\d+ /.test(line) ||
    line.startsWith('Example') ||
    line.startsWith('Status Code') ||
    /^\s*Parameter (Mandatory|Type)/.test(line);
  const tables = {};
  let current;
  for (let i = 0; i < lines.length; ) {
    const table = TABLE.exec(lines[i]);
    if (table) {
      current = table[1];
      tables[current] = { title: table[2].trim(), rows: [] };
      i++;
      continue;
    }
    if (/^\s*\d+\.\d+\.\d+ [A-Z]/.test(lines[i]) || lines[i].startsWith('Example Request'))
      current = undefined;
    const row = current ? rowStart(i) : undefined;
    if (!row) {
      i++;
      continue;
    }
    const description = [row.rest];
    let j = row.next;
    while (j < lines.length && !ends(lines[j]) && !rowStart(j)) description.push(lines[j++]);
    tables[current].rows.push(field(row.name, row.mandatory, description.map((d) => d.trim()).join(' ')));
    i = j;
  }
  return tables;
}

function field(name, mandatory, description) {
  const text = description.replace(/(\d),(\d{3})/g, '$1$2');
  const out = { name, mandatory, type: typeOf(text) };
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const minLength = num(/Minimum length: (\d+)/);
  const maxLength = num(/Maximum length: (\d+)/);
  const min = num(/Minimum value: (-?\d+)/);
  const maxText = /Maximum value: (\d+)/.exec(text)?.[1];
  const items = /Array length: (\d+) to (\d+)/.exec(text);
  const enumAt = text.indexOf('Enumerated values:');
  if (minLength !== undefined) out.minLength = minLength;
  if (maxLength !== undefined) out.maxLength = maxLength;
  if (min !== undefined) out.min = min;
  // Longs up to 2^63 - 1 do not fit a JS number exactly; beyond 2^53 the bound says "any".
  if (maxText !== undefined && maxText.length < 16) out.max = Number(maxText);
  if (items) out.items = { min: Number(items[1]), max: Number(items[2]) };
  if (enumAt >= 0) {
    // Each value runs to the next bullet; the PDF may have wrapped it ("QINIU_PRIVATE_AUTHENT" /
    // "ICATION"), so its pieces are joined, and whatever prose follows the last value is dropped.
    out.enum = text
      .slice(enumAt + 'Enumerated values:'.length)
      .split('●')
      .slice(1)
      .map((v) => /^[A-Za-z0-9_.-]+/.exec(v.trim().replace(/\s+(?=[A-Z0-9_]+\b)/g, ''))?.[0] ?? '')
      .filter(Boolean);
  }
  const forbidden = /special characters are not allowed: (\S+)/.exec(text);
  if (forbidden) out.forbiddenCharacters = forbidden[1];
  return out;
}

function typeOf(text) {
  if (/^Array of (strings|String)/.test(text)) return 'string[]';
  if (/^Array of (Long|Integer|longs|integers)/.test(text)) return 'integer[]';
  if (/^Array of/.test(text)) return 'object[]';
  if (/^Array\b/.test(text)) return /Long|Integer/.test(text.slice(0, 40)) ? 'integer[]' : 'string[]';
  if (/^(Long|Integer)\b/.test(text)) return 'integer';
  if (/^(Float|Double|Number)\b/.test(text)) return 'number';
  if (/^Boolean\b/.test(text)) return 'boolean';
  if (/^String\b/.test(text)) return 'string';
  return 'object';
}

/** The per-operation view the simulator uses: body fields, and nested objects by field name. */
export function requestTables(text) {
  const tables = extractTables(text);
  const out = {};
  for (const [operation, spec] of Object.entries(OPERATIONS)) {
    const body = tables[spec.body];
    if (!body || body.rows.length === 0) throw new Error(`${operation}: no rows in table ${spec.body}`);
    out[operation] = {
      section: spec.section,
      table: spec.body,
      fields: body.rows,
      objects: Object.fromEntries(
        Object.entries(spec.objects).map(([at, t]) => [
          at,
          { table: t, title: tables[t].title, fields: tables[t].rows },
        ]),
      ),
    };
  }
  return out;
}

/** The example responses the simulator seeds itself with (addDocumentedExamples), as printed. */
const EXAMPLES = {
  ShowTask: ['5.2.2', 'dst_node'],
  ListSyncTasks: ['5.3.2', 'tasks'],
  ShowTaskGroup: ['5.4.3', 'group_id'],
};

export function exampleResponses(text) {
  const lines = text.split('\n');
  const out = {};
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^\s*(5\.\d\.\d) /.exec(lines[i]);
    if (heading) section = heading[1];
    if (!lines[i].trim().startsWith('{')) continue;
    let depth = 0;
    let j = i;
    for (; j < lines.length; j++) {
      depth += (lines[j].match(/\{/g) ?? []).length - (lines[j].match(/\}/g) ?? []).length;
      if (depth <= 0) break;
    }
    for (const [name, [wanted, key]] of Object.entries(EXAMPLES)) {
      if (section !== wanted || out[name]) continue;
      try {
        const value = JSON.parse(lines.slice(i, j + 1).join('\n'));
        if (key in value) out[name] = value;
      } catch {
        // not JSON as printed
      }
    }
    i = j;
  }
  for (const name of Object.keys(EXAMPLES)) if (!out[name]) throw new Error(`no ${name} example in the seed`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = process.argv[2] ?? path.resolve('..', 'shared', 'seeds', '002_6e351bb1246169fa.txt');
  const out = process.argv[3] ?? path.resolve('dev', 'simulators', 'huawei-oms', 'seed-request-tables.json');
  const text = readFileSync(seed, 'utf8');
  writeFileSync(out, `${JSON.stringify(requestTables(text), null, 1)}\n`);
  const examples = path.join(path.dirname(out), 'seed-examples.json');
  writeFileSync(examples, `${JSON.stringify(exampleResponses(text), null, 1)}\n`);
  console.log(`wrote ${out} and ${examples}`);
}
