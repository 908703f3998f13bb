import { describe, expect, it } from 'vitest';
import { verification } from '../../src/capabilities/verification/index.js';
import type { AppDeps } from '../../src/slack/context.js';
import { ListenerRegistry } from '../../src/slack/listeners/router.js';
import { importersOf, sources } from './folder-importers.js';

/**
 * Verification and sign-off are one capability folder: outside `src/capabilities/verification/`
 * only the registry names it, and the files below that still read it. Its state on a watch is its
 * fact, `facts.verification` (`verification-fact-before.test.ts` reads the old field); it decides
 * it at an ending with its hook (`Watcher.atEnding`). Most readers left are the watcher's editor:
 * its post is still a core post the one editor redraws. The list may only get shorter: an entry that no longer imports it fails here until it is removed.
 */
const FOLDER = 'capabilities/verification/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?verification\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'watcher/outbox/notification.ts': 'a card’s facts carry the verification; a note may be one',
  'watcher/outbox/living-posts.ts': 'a verification post is edited when its sign-off changes',
  'watcher/outbox/living-editor.ts': 'redraws a verification post from the record',
  'slack/watch-slack.ts': 'uploads the verification CSV after its post',
  'slack/blocks/watch-notifications.ts': 'the card’s verification line, the post in the note switch',
  'slack/listeners/commands/subcommands/list.ts': '`/migrate list unverified`',
  'capabilities/plans/plan-view.ts': 'a plan’s line shows its run’s verification and sign-off',
  'capabilities/events/envelope.ts': 'a verification note as a webhook event',
  'capabilities/objects/retry.ts': 'the retry modal’s delta button names the verification',
  'capabilities/delta-runs/rerun-blocks.ts': 'a delta run’s button names the verification',
  'capabilities/delta-runs/rerun-button.ts': 'its modal carries the verification',
  'capabilities/delta-runs/request-rerun.ts': 'follows the verification a button names',
};

describe('the verification capability (verification and sign-off) is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry and the files listed', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no file that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the watcher’s cycle, the store or the providers', () => {
    // The ending's verification is its hook (`Watcher.atEnding`), registered when it starts.
    const cycle = importers.filter((f) =>
      /^(?:watcher\/(?:poll-cycle|next-record|transitions|watcher|outbox\/outbox|outbox\/event-entries)|store\/|providers\/)/.test(
        f,
      ),
    );
    expect(cycle).toEqual([]);
  });

  it('answers the ids its posted buttons and open modals carry', () => {
    const registry = new ListenerRegistry();
    verification.listeners(registry.routes, {} as AppDeps);
    expect(registry.entryPoints()).toEqual([
      { surface: 'action', id: 'verification.signoff' },
      { surface: 'view', id: 'verification.signoff.note' },
    ]);
  });

  it('left nothing at the old places', () => {
    const old = [
      'watcher/verification.ts',
      'watcher/verification-card.ts',
      'watcher/signoff.ts',
      'slack/verification-button.ts',
      'slack/blocks/verification-post.ts',
      'slack/blocks/unverified-list.ts',
      'slack/listeners/actions/verification-signoff.ts',
      'use-cases/sign-off-verification.ts',
      'reports/verification.ts',
      'reports/verification-csv.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});
