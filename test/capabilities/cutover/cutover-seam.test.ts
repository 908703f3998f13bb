import { describe, expect, it } from 'vitest';
import { cutover } from '../../../src/capabilities/cutover/index.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import type { AppDeps } from '../../../src/slack/context.js';
import { ListenerRegistry } from '../../../src/slack/listeners/router.js';
import { partsOf } from '../../harness/started-capabilities.js';
import { importersOf } from '../folder-importers.js';

/** The cut-over is one capability folder: outside `src/capabilities/cutover/` only the registry names it. */
const FOLDER = 'capabilities/cutover/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?cutover\/[^']+'/;

describe('the cut-over capability is one folder', () => {
  it('is named outside its folder only by the registry', () => {
    expect(importersOf(FOLDER, IMPORTS_IT)).toEqual(['capabilities/registry.ts']);
  });

  it('answers the ids its posted buttons and open form carry', () => {
    const registry = new ListenerRegistry();
    partsOf(cutover).listeners?.(registry.routes, {} as AppDeps);
    expect(registry.entryPoints()).toEqual([
      { surface: 'action', id: 'cutover.sync.open' },
      { surface: 'view', id: 'cutover.sync.form' },
      { surface: 'action', id: 'cutover.sync.approve' },
      { surface: 'action', id: 'cutover.sync.reject' },
      { surface: 'action', id: 'cutover.plan.sync.approve' },
      { surface: 'action', id: 'cutover.plan.sync.reject' },
      { surface: 'action', id: 'cutover.cut.open' },
      { surface: 'action', id: 'cutover.cut.start' },
      { surface: 'action', id: 'cutover.plan.start' },
      { surface: 'action', id: 'cutover.cut.signoff' },
      { surface: 'action', id: 'cutover.cut.override' },
      { surface: 'view', id: 'cutover.cut.override.form' },
      { surface: 'action', id: 'cutover.cut.abort' },
      { surface: 'action', id: 'cutover.watch.delta' },
    ]);
  });

  it('offers Keep in sync only under a run that succeeded, where the provider has a delta run', () => {
    const run = { connection: 'oms', kind: 'task' as const, id: 't1', at: 42 };
    const [button, cut] = partsOf(cutover).posts!.under!.verification!(
      { ...run, state: 'succeeded', provider: 'huawei-oms' },
      ENGLISH,
    );
    expect(button).toMatchObject({ action_id: 'cutover.sync.open', text: { text: 'Keep in sync…' } });
    expect(cut).toMatchObject({ action_id: 'cutover.cut.open', text: { text: 'Cut over…' } });
    expect(
      partsOf(cutover).posts!.under!.verification!(
        { ...run, state: 'failed', provider: 'huawei-oms' },
        ENGLISH,
      ),
    ).toEqual([]);
    expect(partsOf(cutover).posts!.under!.verification!({ ...run, state: 'succeeded' }, ENGLISH)).toEqual([]);
  });
});
