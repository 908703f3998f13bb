import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importersOf, SRC, sources } from '../folder-importers.js';

/**
 * Time windows are a capability folder (ADR 0014): outside `src/capabilities/windows/` only the
 * registry names it. The surfaces below still read it and shrink as the capability seam learns to
 * draw them; the list may only get shorter: an entry that no longer imports it fails here until it
 * is removed.
 */
const FOLDER = 'capabilities/windows/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?windows\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'capabilities/guardrails/guardrails.ts':
    'a `mustStartInWindow` rule reads the windows’ store (until windows offer a read to other capabilities)',
};

/** Surfaces that draw a status card, a list's or Home's rows and the ETA through the hooks only. */
const THROUGH_HOOKS = [
  'use-cases/show-resource.ts',
  'slack/blocks/use-case-replies.ts',
  'slack/blocks/resource-list.ts',
  'slack/blocks/app-home.ts',
  'slack/home/build-home.ts',
  'slack/home/publish-home.ts',
  'slack/listeners/commands/subcommands/list.ts',
  'reports/eta.ts',
  'watcher/record-eta.ts',
  'watcher/outbox/notification.ts',
  'slack/blocks/watch-notices.ts',
  'capabilities/plans/plan-view.ts',
];

describe('the windows capability is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry and the surfaces listed', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no surface that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no surface that draws its facts through the hooks (status, list, Home, ETA)', () => {
    expect(THROUGH_HOOKS.filter((f) => importers.includes(f))).toEqual([]);
    expect(THROUGH_HOOKS.filter((f) => !sources().includes(f))).toEqual([]);
  });

  it('draws a window’s own action through the hooks: the core names no window of a last action', () => {
    // The card's "Paused by window …" line and an event's "by window …" words are the windows'
    // `actedLine` and `actedBy`, reached through `LastAction.via`; the core names neither them nor
    // the window an action carries (`requested.window`, `ctx.window`, `note.window`).
    const core = /^(?:slack|watcher|use-cases|reports|resources|store|providers)\//;
    const words = /\b(?:windowActedLine|windowBy|WindowActed)\b/;
    const field = /\b(?:requested|last|lastAction|note|ctx|q|r)\??\.window\b|\bwindow\?: /;
    const naming = sources()
      .filter((f) => core.test(f))
      .filter((f) => [words, field].some((re) => re.test(readFileSync(path.join(SRC, f), 'utf8'))));
    expect(naming).toEqual([]);
  });

  it('left nothing at the old places', () => {
    const old = sources().filter(
      (f) =>
        f.startsWith('windows/') ||
        f === 'slack/blocks/window-words.ts' ||
        f === 'watcher/window-fact.ts' ||
        f === 'slack/listeners/commands/subcommands/window.ts',
    );
    expect(old).toEqual([]);
  });
});
