import { describe, expect, it } from 'vitest';
import { deltaRuns } from '../../src/capabilities/delta-runs/index.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import type { AppDeps } from '../../src/slack/context.js';
import { ListenerRegistry } from '../../src/slack/listeners/router.js';
import { partsOf } from '../harness/started-capabilities.js';
import { importersOf, sources } from './folder-importers.js';

/**
 * Delta runs are one capability folder: outside `src/capabilities/delta-runs/` only the registry
 * names it, and the files below that still read it (the approvals' line and chain, the objects' retry in the same chain). The list may only get shorter.
 */
const FOLDER = 'capabilities/delta-runs/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?delta-runs\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
  'capabilities/approvals/approval-messenger.ts': 'tells a delta run’s chain when its request is decided',
  'capabilities/approvals/blocks/approval-request.ts': 'a delta run’s request says which run it follows',
  'capabilities/objects/request-retry.ts': 'a retry counts on in the run’s chain (`parentRequest`)',
  'capabilities/objects/retry.ts': 'a retry tells the chain, and offers the delta run',
  'capabilities/objects/retry-view.ts': 'the retry modal’s delta button',
};

describe('the delta-runs capability is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry and the files listed', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no file that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('is named by no file of the watcher, the store or the providers', () => {
    expect(importers.filter((f) => /^(?:watcher|store|providers)\//.test(f))).toEqual([]);
  });

  it('answers the ids its posted buttons and open modals carry', () => {
    const registry = new ListenerRegistry();
    partsOf(deltaRuns).listeners?.(registry.routes, {} as AppDeps);
    expect(registry.entryPoints()).toEqual([
      { surface: 'action', id: 'verification.rerun' },
      { surface: 'view', id: 'verification.rerun.confirm' },
    ]);
  });

  it('adds its button under a verification post through the seam, only where the provider has one', () => {
    const run = { connection: 'oms', kind: 'task' as const, id: 't1', at: 42 };
    const [button, ...more] = partsOf(deltaRuns).posts!.verificationButtons!(
      { ...run, state: 'succeeded', provider: 'huawei-oms' },
      ENGLISH,
    );
    expect(more).toEqual([]);
    expect(button).toMatchObject({ action_id: 'verification.rerun' });
    expect(JSON.parse(button!.value!)).toEqual({ c: 'oms', k: 'task', id: 't1', at: 42 });
    expect(
      partsOf(deltaRuns).posts!.verificationButtons!(
        { ...run, state: 'failed', provider: 'huawei-oms' },
        ENGLISH,
      ),
    ).toEqual([]);
    expect(partsOf(deltaRuns).posts!.verificationButtons!({ ...run, state: 'succeeded' }, ENGLISH)).toEqual(
      [],
    );
  });

  it('left nothing at the old places but the approvals’ re-export', () => {
    const old = [
      'slack/listeners/actions/verification-rerun.ts',
      'use-cases/request-rerun.ts',
      'use-cases/request-retry.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});
