import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue #12, rule 2, checked on the source itself: only `slack/` talks to Slack, and there only
 * the sender makes Web API calls that post, edit or open something (so nothing can skip its
 * scrubbing); the watcher, approvals and audit hand data over and import nothing of Slack (which
 * also ends the old `slack/context.ts` ↔ watcher cycle).
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(SRC).map((full) => ({
  full,
  rel: path.relative(ROOT, full).split(path.sep).join('/'),
}));

/** Code without comments, so a sentence about `chat.update` is not a call. */
function code(full: string): string {
  return readFileSync(full, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** A Web API method that posts, edits, deletes, opens or reads messages and views, called or referenced. */
const SLACK_CALL =
  /\b(?:chat\s*\.\s*(?:postMessage|update|postEphemeral|delete|scheduleMessage|meMessage)|views\s*\.\s*(?:open|update|push|publish)|conversations\s*\.\s*(?:open|history|replies))\b/;

/** Every module a file imports, as a path relative to the repository (packages as they are). */
function imports(full: string): string[] {
  const text = readFileSync(full, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map((m) => m[1]!);
  return found.map((spec) =>
    spec.startsWith('.')
      ? path
          .relative(ROOT, path.resolve(path.dirname(full), spec))
          .split(path.sep)
          .join('/')
      : spec,
  );
}

describe('one door to Slack', () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.rel === 'src/slack/sender.ts')).toBe(true);
  });

  it('no file outside src/slack/ references a chat.*, views.* or conversations.* Web API method', () => {
    const offenders = files.filter((f) => !f.rel.startsWith('src/slack/') && SLACK_CALL.test(code(f.full)));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  it('inside src/slack/ only the sender calls them, so every call is scrubbed', () => {
    const callers = files.filter((f) => f.rel.startsWith('src/slack/') && SLACK_CALL.test(code(f.full)));
    expect(callers.map((f) => f.rel)).toEqual(['src/slack/sender.ts']);
  });

  it('the watcher, approvals and audit import nothing of Slack', () => {
    const handOverData = files.filter((f) => /^src\/(watcher|approvals|audit)\//.test(f.rel));
    expect(handOverData.length).toBeGreaterThan(10);
    const offending = handOverData.flatMap((f) =>
      imports(f.full)
        .filter((target) => target.startsWith('src/slack/') || target.startsWith('@slack/'))
        .map((target) => `${f.rel} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('the watcher stores no Block Kit: its outbox entries hold notification data', () => {
    const store = readFileSync(path.join(SRC, 'watcher/records/watch-store.ts'), 'utf8');
    expect(store).not.toMatch(/KnownBlock|@slack\//);
    expect(store).toMatch(/note\?: WatchNotification/);
  });

  it('keeps the outbox and its helpers under 400 lines', () => {
    for (const file of [
      'outbox/outbox.ts',
      'outbox/living-editor.ts',
      'outbox/post-pacer.ts',
      'poll-cycle.ts',
    ]) {
      const lines = readFileSync(path.join(SRC, 'watcher', file), 'utf8').split('\n').length;
      expect(lines, file).toBeLessThan(400);
    }
  });
});
