import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * What every listener is handed stays small enough to read at a glance: `AppDeps` groups its services
 * by concern (`slack`, `intake`, `resources`), one idea and one line each, instead of growing a
 * field per service. A new service joins the group it belongs to, or says why it is one of its own.
 */
const CONTEXT = path.join(import.meta.dirname, '..', '..', 'src', 'slack', 'context.ts');
const MOST = 16;

/** The names of an interface's own members in `src/slack/context.ts`. */
function membersOf(name: string): string[] {
  const source = ts.createSourceFile(CONTEXT, readFileSync(CONTEXT, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!found) throw new Error(`no interface ${name} in ${CONTEXT}`);
  return found.members.map((m) => m.name?.getText(source) ?? '?');
}

describe('AppDeps', () => {
  it(`has at most ${MOST} fields`, () => {
    const fields = membersOf('AppDeps');
    expect(fields.length, fields.join(', ')).toBeLessThanOrEqual(MOST);
  });
});
