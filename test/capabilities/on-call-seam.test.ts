import { describe, expect, it } from 'vitest';
import { importersOf, sources } from './folder-importers.js';

/**
 * Claims and escalation are one capability folder, on-call (ADR 0014): outside
 * `src/capabilities/on-call/` only the registry names it, and the surfaces below that still read
 * it. They shrink as the seam learns to draw them (a card's claim line and buttons from a fact, a
 * row's "on it" line, the settings subcommand's section); the list may only get shorter: an entry
 * that no longer imports it fails here until it is removed.
 */
const FOLDER = 'capabilities/on-call/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?on-call\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'watcher/records/watch-store.ts': 'the record’s `claim` (the card draws it), the `Claim` type',
  'watcher/watch-notes.ts': '`notes.claim`, which redraws every post of a failure with its claim',
  'watcher/outbox/notification.ts': 'a card’s facts carry the claim',
  'watcher/outbox/living-posts.ts': 'a failure post shows the claim on the failure it is about (`failureOf`)',
  'slack/blocks/resource-card.ts': 'the card’s claim line and I’m on it / Hand back / Take over buttons',
  'slack/blocks/watch-notifications.ts': 'a failure post’s claim line',
  'slack/blocks/living-posts.ts': 'a living failure post’s "on it" line',
  'capabilities/verification/verification-post.ts': 'the owner of a failed verification’s failure',
  'slack/blocks/app-home.ts': 'a Home row’s "on it" line',
  'slack/blocks/resource-list.ts': 'a listed row’s "on it" line',
  'slack/home/build-home.ts': 'reads the claims for the Home tab',
  'slack/listeners/commands/subcommands/list.ts': 'reads the claims for `list`',
  'slack/listeners/commands/subcommands/settings.ts':
    '`settings escalation`, a section of `/migrate settings`',
  'settings/workspace-settings.ts': 'the escalation settings’ schema (workspace and channel)',
  'use-cases/show-resource.ts': 'reads the claim for `status`',
};

describe('the on-call capability (claims and escalation) is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry and the surfaces listed', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no surface that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the watcher’s cycle, the store or the providers', () => {
    const cycle = importers.filter((f) =>
      /^(?:watcher\/(?:poll-cycle|next-record|transitions|watcher|outbox\/outbox|outbox\/event-entries)|store\/|providers\/)/.test(
        f,
      ),
    );
    expect(cycle).toEqual([]);
  });

  it('draws its escalation steps itself: no file outside it names escalation’s steps or posts', () => {
    // A step is an event note its job says (`WatchNotes.timed`), drawn by its `renderNote`.
    const steps = importersOf(FOLDER, /from\s+'[./]*(?:capabilities\/)?on-call\/escalation(?:-posts)?\.js'/);
    expect(steps).toEqual([]);
  });

  it('left nothing at the old places', () => {
    const old = [
      'resources/claims.ts',
      'use-cases/claim-failure.ts',
      'use-cases/take-over-failure.ts',
      'slack/blocks/claim.ts',
      'slack/blocks/escalation-posts.ts',
      'slack/listeners/actions/claim-button.ts',
      'slack/listeners/commands/subcommands/settings-escalation.ts',
      'watcher/escalation.ts',
      'watcher/escalation-policies.ts',
      'settings/escalation-settings.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});
