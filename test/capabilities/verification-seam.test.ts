import { describe, expect, it } from 'vitest';
import { verification } from '../../src/capabilities/verification/index.js';
import type { AppDeps } from '../../src/slack/context.js';
import { ListenerRegistry } from '../../src/slack/listeners/router.js';
import { partsOf } from '../harness/started-capabilities.js';
import { importersOf, sources } from './folder-importers.js';

/**
 * Verification and sign-off are one capability folder: outside `src/capabilities/verification/`
 * only the registry names it, and the files below that still read it. Its state on a watch is its
 * fact, `facts.verification` (`verification-fact-before.test.ts` reads the old field); it decides
 * it at an ending with its hook (`Watcher.atEnding`). Its post in the run's thread is its own,
 * drawn by its `render` from the view it hands the one editor (`thread-views.ts`), and `list
 * unverified` is a list filter it contributes; the card's sentence is its `cardNotice`, from its
 * fact on the card. The list may only get shorter: an entry that no longer imports it fails here until it is removed.
 */
const FOLDER = 'capabilities/verification/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?verification\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'capabilities/plans/plan-view.ts': 'a plan’s line shows its run’s verification and sign-off',
  'capabilities/events/envelope.ts': 'a verification note as a webhook event',
  'capabilities/objects/retry.ts': 'the retry modal’s delta button names the verification',
  'capabilities/delta-runs/rerun-blocks.ts': 'a delta run’s button names the verification',
  'capabilities/delta-runs/rerun-button.ts': 'its modal carries the verification',
  'capabilities/delta-runs/request-rerun.ts': 'follows the verification a button names',
  'capabilities/evidence/evidence-button.ts': 'the bundle’s button sits under the verification post',
  'capabilities/evidence/gather.ts': 'the bundle holds the verification and its sign-off (read only)',
  'capabilities/evidence/ledger.ts': 'each run’s ending is kept beside its verification fact',
  'capabilities/cutover/sync-button.ts': 'Keep in sync… sits under the verification post',
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

  it('draws and names its own post and list: the core’s editor, Slack side and list name neither', () => {
    // The words that named its post (a post kind, a note kind) and its list in the core. The record
    // reader keeps reading what earlier builds stored (`record-expand.ts`), and nothing else does.
    const core = /^(?:slack|watcher|store|providers|use-cases)\//;
    const naming = importersOf(FOLDER, /'(?:verification|unverified)'/).filter((f) => core.test(f));
    expect(naming).toEqual(['watcher/records/record-expand.ts']);
  });

  it('answers the ids its posted buttons and open modals carry', () => {
    const registry = new ListenerRegistry();
    partsOf(verification).listeners?.(registry.routes, {} as AppDeps);
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
