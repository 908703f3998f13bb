import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The capability contract is one small leaf (ADR 0022): `Capability` is declared once, in
 * `src/contract/`, which imports only the domain, the words and the store (the core's other types
 * reach it through the slot `src/core-types.ts` fills); its parts are at most a dozen groups; and no
 * core folder imports a capability folder: Slack is handed the started capabilities by `bot.ts`.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');
const CONTRACT = 'contract';
const MOST_PARTS = 12;
/** What the leaf may import besides itself (and packages). */
const LEAF_MAY_IMPORT = /^(?:domain|i18n|store)\//;
/** The composition root, the file that fills the contract's slot, and the entry points (a CLI). */
const isRoot = (file: string) =>
  ['bot.ts', 'core-types.ts', 'main.ts'].includes(file) || file.startsWith('cli/');

/** Every .ts file under src/, relative to it. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

/** The src/-relative files a file imports (type imports included; packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'),
  );
}

/** The capability folders: each folder under src/capabilities/ but the collectors. */
const CAPABILITY_FOLDERS = readdirSync(path.join(SRC, 'capabilities'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'collect')
  .map((e) => `capabilities/${e.name}/`);

const isCore = (file: string) =>
  !file.startsWith('capabilities/') && !file.startsWith(`${CONTRACT}/`) && !isRoot(file);

/** The files of src/ that declare `name` (an interface or a type alias of that name). */
function declarationsOf(name: string): string[] {
  const declared = new RegExp(`^\\s*(?:export\\s+)?(?:interface|type)\\s+${name}\\b\\s*[<{=]`, 'm');
  return sources().filter((f) => declared.test(readFileSync(path.join(SRC, f), 'utf8')));
}

describe('the capability contract', () => {
  it('is a leaf: it imports only the domain, the words and the store', () => {
    const outside = sources()
      .filter((f) => f.startsWith(`${CONTRACT}/`))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => !i.startsWith(`${CONTRACT}/`) && !LEAF_MAY_IMPORT.test(i))
          .map((i) => `${f} → ${i}`),
      );
    expect(outside).toEqual([]);
  });

  it('declares Capability once, with no adapter or sealed copy beside it', () => {
    expect(declarationsOf('Capability').filter((f) => !f.startsWith('access/'))).toEqual([
      `${CONTRACT}/capability.ts`,
    ]);
    expect(declarationsOf('CapabilityDefinition')).toEqual([]);
    expect(declarationsOf('StartedCapability')).toEqual([]);
    expect(
      sources().filter((f) => /\bdefineCapability\b/.test(readFileSync(path.join(SRC, f), 'utf8'))),
    ).toEqual([]);
  });

  it(`has at most ${MOST_PARTS} groups of parts, each optional`, () => {
    const file = path.join(SRC, CONTRACT, 'capability.ts');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const parts = source.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'CapabilityParts',
    );
    const members = parts?.members ?? [];
    expect(members.length).toBeGreaterThan(0);
    expect(members.length, members.map((m) => m.name?.getText(source)).join(', ')).toBeLessThanOrEqual(
      MOST_PARTS,
    );
    expect(members.filter((m) => !m.questionToken).map((m) => m.name?.getText(source))).toEqual([]);
  });

  it('no core folder imports a capability folder, nor the registry or the collectors', () => {
    const reaching = sources()
      .filter(isCore)
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('capabilities/'))
          .map((i) => `${f} → ${i}`),
      );
    expect(reaching).toEqual([]);
    expect(CAPABILITY_FOLDERS.length).toBeGreaterThan(10);
  });
});
