import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 58, item 2, on the source itself: every message about a resource in a channel or its
 * threads (its card, failure, completion, verification and chain lines) is drawn and sent by the
 * one editor, the watcher's outbox, whose Slack side is `src/slack/watch-slack.ts` (ADR 0012).
 * A listener answers the presser privately, or redraws only a card nobody else sees.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(path.join(ROOT, 'src')).map((full) => ({
  full,
  rel: path.relative(ROOT, full).split(path.sep).join('/'),
  code: readFileSync(full, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
}));

/** Block Kit modules that draw messages about a resource (cards, thread posts, chain lines). */
const RESOURCE_BLOCKS = [
  'resource-card',
  'watch-notifications',
  'living-posts',
  'completion-report',
  'failure-listing',
  'group-card',
  'use-case-replies',
]
  .map((name) => `src/slack/blocks/${name}.ts`)
  // A capability's posts about a resource, drawn in its folder and sent by the same editor.
  .concat([
    'src/capabilities/on-call/escalation-posts.ts',
    'src/capabilities/verification/verification-post.ts',
    'src/capabilities/delta-runs/rerun-blocks.ts',
  ]);

/** The drawing functions those modules export (`renderX`, `xCard`, `xLine`). */
const DRAWERS = new Set(
  RESOURCE_BLOCKS.flatMap((rel) =>
    [...readFileSync(path.join(ROOT, rel), 'utf8').matchAll(/export function (\w+)/g)]
      .map((m) => m[1]!)
      .filter((name) => /^render|Card$|Line$/.test(name)),
  ),
);

/** The names a file imports from `src/slack/blocks/`. */
function drawersImported(file: (typeof files)[number]): string[] {
  const names: string[] = [];
  for (const m of file.code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    const spec = m[2]!;
    const target = path
      .relative(ROOT, path.resolve(path.dirname(file.full), spec.replace(/\.js$/, '.ts')))
      .split(path.sep)
      .join('/');
    if (!RESOURCE_BLOCKS.includes(target)) continue;
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!;
      if (DRAWERS.has(name)) names.push(name);
    }
  }
  return names;
}

/** Posts or edits a channel message through the sender: `.post({…})`, `.update({…})`, `.dm(…)`. */
const CHANNEL_WRITE = /\.\s*(?:post|update)\s*\(\s*\{|\.\s*dm\s*\(/;
/** Or names the sender and posts or edits with a message made elsewhere (`.post(message)`). */
const SENDER = /\b(?:sender|TeamSender|SlackSender)\b/;
const ANY_WRITE = /\.\s*(?:post|update|dm)\s*\(/;

function writes(code: string): boolean {
  return CHANNEL_WRITE.test(code) || (SENDER.test(code) && ANY_WRITE.test(code));
}

describe('one writer of the messages about a resource', () => {
  it('finds the drawing functions it looks for', () => {
    expect(DRAWERS.has('renderResourceCard')).toBe(true);
    expect(DRAWERS.has('renderWatchNotification')).toBe(true);
    expect(DRAWERS.has('renderChainLine')).toBe(true);
  });

  it('lists the modules that post or edit channel messages: one of them draws resources', () => {
    const writers = files.filter((f) => f.rel !== 'src/slack/sender.ts' && writes(f.code));
    // Everything that posts or edits through the sender, and what it writes.
    expect(writers.map((f) => f.rel).sort()).toEqual([
      'src/capabilities/approvals/approval-messenger.ts', // approval requests, approver notices, the requester's DMs
      'src/capabilities/cutover/cut-freeze.ts', // a cut-over's freeze notice, once, in its channel
      'src/capabilities/cutover/plan/plan-cut.ts', // a plan's cut-over freeze notice, once, in the plan's channel
      'src/capabilities/cutover/plan/plan-sync.ts', // a plan's keep-in-sync request, in the plan's channel
      'src/capabilities/cutover/sync-command.ts', // a keep-in-sync request, posted in the card's channel
      'src/slack/audit-poster.ts', // the audit channel's lines
      'src/slack/watch-slack.ts', // the watcher's outbox and editor: every message about a resource
      'src/watcher/outbox/outbox.ts', // hands WatchContent (data) to watch-slack.ts; imports nothing of Slack
    ]);
    const drawing = writers.filter((f) => drawersImported(f).length > 0).map((f) => f.rel);
    expect(drawing).toEqual(['src/slack/watch-slack.ts']);
  });

  it('nothing replaces a message it was pressed on, unless only the presser sees it', () => {
    const replacing = files.filter((f) => /replace(?:_original|Original)\s*:\s*true\b/.test(f.code));
    expect(replacing.map((f) => f.rel)).toEqual([
      'src/capabilities/connections/connection-actions.ts', // a connection's form answer, no resource
      'src/capabilities/cutover/cut-start.ts', // a cut-over's confirmation, seen only by its asker
      'src/capabilities/cutover/plan/plan-cut.ts', // a plan cut-over's confirmation, seen only by its asker
      'src/capabilities/cutover/plan/plan-sync.ts', // a plan's keep-in-sync request decided: the request, no resource
      'src/capabilities/cutover/sync-decide.ts', // a keep-in-sync request decided: the request, no resource
      'src/slack/intake/interactive-budget.ts', // a command's own "working on it", seen only by its asker
    ]);
  });

  it('the Respond path a listener can replace through says when it may', () => {
    const actions = files.find((f) => f.rel === 'src/slack/listeners/actions/resource-actions.ts')!;
    const answers = [...actions.code.matchAll(/replaceOriginal\s*:\s*([^,}\n]+)/g)].map((m) => m[1]!.trim());
    // The presser's own card (not shared: after the action, and once the provider settles it) or
    // their own private Refresh; every other answer is new.
    expect(answers).toEqual(['false', '!shared', '!shared', 'false', "mode === 'refresh'"]);
  });
});
