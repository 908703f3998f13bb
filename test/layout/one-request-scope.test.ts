import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Explicit parameters beat hidden context (issue 47): a callee is handed what it needs. One
 * AsyncLocalStorage is left in `src/`, the request scope, for what code far from the handler needs
 * of its request and cannot be handed: the op id a process-level handler logs, and what a provider
 * call made through the provider's own methods counts against (an interactive request's bulkhead,
 * an id lookup's expected 404). Anything else that wants a scope of its own is a parameter instead.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');

const ALLOWED: Record<string, string> = {
  'request-scope.ts': 'the one per-request context: op id, interactive calls, id lookup',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

/** Async context made in the code (comments left out): an AsyncLocalStorage, or the hooks under it. */
function scopesIn(file: string): number {
  const code = readFileSync(path.join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return (code.match(/new\s+(?:\w+\.)?AsyncLocalStorage\b|\bAsyncResource\b|createHook\s*\(/g) ?? []).length;
}

describe('one request scope', () => {
  it('src/ makes at most one AsyncLocalStorage, in the file allowed to', () => {
    const found = Object.fromEntries(
      sourceFiles(SRC)
        .map((file) => [file, scopesIn(file)] as const)
        .filter(([, count]) => count > 0),
    );
    expect(found).toEqual(Object.fromEntries(Object.keys(ALLOWED).map((file) => [file, 1])));
  });
});
