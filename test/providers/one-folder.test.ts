import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SIMULATORS } from '../../dev/simulators/registry.js';
import { PROVIDER_IDS } from '../../src/providers/registry.js';

/**
 * Issue 47 item 3: a provider lives in its two folders (`src/providers/<id>/`, its client, and
 * `dev/simulators/<id>/`, its simulator) and one line of each registry. No other file of what
 * ships or runs the dev world names a provider id in code: not as a string, not as a property. Tests,
 * benchmarks and docs name providers on purpose and are not read; comments are not code.
 */
const ROOTS = ['src', 'dev', 'scripts'];
const CODE = /\.(ts|js|mjs|cjs)$/;
const REGISTRIES = new Set(['src/providers/registry.ts', 'dev/simulators/registry.ts']);

/** Where a provider id stands in code for a reason other than wiring, each with that reason. */
const ALLOWED: readonly { file: string; text: string; why: string }[] = [
  {
    file: 'src/slack/listeners/commands/subcommands/list.ts',
    text: '`/migrate list ncp policies`',
    why: 'an example of what to type, in the summary help shows (the catalogues carry the same)',
  },
  {
    file: 'src/capabilities/explain/explain-command.ts',
    text: '`ncp:200`',
    why: "a code as people write it (NCP's gateway code 200), in the usage help shows",
  },
  {
    file: 'scripts/extract-oms-request-tables.mjs',
    text: 'huawei-oms',
    why: "seed 002's extractor writes its tables into the OMS simulator's folder",
  },
  {
    file: 'dev/playground/start-playground.ts',
    text: 'hw-sim',
    why: 'not an id: the connection the playground watches from the start (its seeded failing task)',
  },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : CODE.test(name) ? [full] : [];
  });
}

function ownFolder(file: string): boolean {
  return (
    /^(src\/providers|dev\/simulators)\/[^/]+\//.test(file) && PROVIDER_IDS.includes(file.split('/')[2]!)
  );
}

/** The strings, template parts and identifiers of a source file, as its parser reads them: comments left out. */
function codeWords(text: string, file: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const words: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isIdentifier(node) ||
      ts.isPrivateIdentifier(node)
    )
      words.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return words;
}

function namesAnId(word: string, ids: readonly string[]): string | undefined {
  return ids.find((id) => new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(word));
}

/** `file: id in "…"` for every code word outside the allowed places that names one of `ids`. */
function wiringOutsideTheFolders(ids: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of ROOTS.flatMap((root) => filesUnder(root))) {
    if (ownFolder(file) || REGISTRIES.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    // Parsing is what takes the time: only files that hold an id anywhere need it.
    if (!ids.some((id) => text.includes(id))) continue;
    for (const word of codeWords(text, file)) {
      const id = namesAnId(word, ids);
      const allowed = ALLOWED.some((a) => a.file === file && word.includes(a.text));
      if (id && !allowed) found.push(`${file}: ${id} in "${word.slice(0, 80)}"`);
    }
  }
  return found;
}

describe('a provider is named only in its folders and the two registries', () => {
  it('every registered simulator answers for a registered provider, in the same order', () => {
    expect(SIMULATORS.map((s) => s.id)).toEqual(PROVIDER_IDS);
    for (const id of PROVIDER_IDS) {
      expect(statSync(path.join('src/providers', id)).isDirectory(), id).toBe(true);
      expect(statSync(path.join('dev/simulators', id)).isDirectory(), id).toBe(true);
    }
  });

  it('no other code in src/, dev/ or scripts/ names a provider id', () => {
    expect(wiringOutsideTheFolders(PROVIDER_IDS)).toEqual([]);
  });

  it('the check sees ids in strings, templates and property names, and not in comments', () => {
    const words = codeWords(
      [
        '// huawei-oms in a comment, /* ncp */ too',
        "const a = { 'huawei-oms': 1, ncp: 2 };",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template, for the parser
        'const b = `${a} upcloud ${a} and huawei-oms`;',
      ].join('\n'),
      'sample.ts',
    );
    const named = words.map((w) => namesAnId(w, PROVIDER_IDS)).filter(Boolean);
    expect(named).toEqual(['huawei-oms', 'ncp', 'upcloud', 'huawei-oms']);
    expect(namesAnId('hw-sim', PROVIDER_IDS)).toBeUndefined();
    expect(namesAnId('huawei-oms-sim', PROVIDER_IDS)).toBeUndefined();
  });

  it('every allowance is still needed', () => {
    for (const a of ALLOWED) expect(readFileSync(a.file, 'utf8'), `${a.file}: ${a.why}`).toContain(a.text);
  });
});
