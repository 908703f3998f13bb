import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 75 item 5, probot's one context per event: every Slack request's handler context is made
 * by the one middleware (`answerInTime`, through `slack/intake/request-context.ts`), whatever its
 * surface; views, shortcuts, workflow steps and Home find it with `handlerContextOf`. There were 12
 * mentions of `createHandlerContext` in src/, its calls in six files.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');
const DOOR = 'slack/intake/request-context.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

const lines = sourceFiles(SRC).flatMap((file) =>
  readFileSync(path.join(SRC, file), 'utf8')
    .split('\n')
    .map((text) => ({ file, text }))
    .filter((l) => l.text.includes('createHandlerContext')),
);

describe('contexts at one door', () => {
  it('names createHandlerContext at most 4 times in src/ (`grep -rn createHandlerContext src`)', () => {
    expect(lines.length, lines.map((l) => `${l.file}: ${l.text.trim()}`).join('\n')).toBeLessThanOrEqual(4);
  });

  it('calls it once, in the one middleware’s request-context', () => {
    const calls = lines.filter((l) => /createHandlerContext\(/.test(l.text) && !/function\s/.test(l.text));
    expect(calls.map((l) => l.file)).toEqual([DOOR]);
  });

  it('leaves no other factory of a handler context for a listener to call', () => {
    const factories = sourceFiles(SRC).filter((file) =>
      /\b(?:modalContext|homeContext)\s*\(/.test(readFileSync(path.join(SRC, file), 'utf8')),
    );
    expect(factories).toEqual([]);
  });
});
