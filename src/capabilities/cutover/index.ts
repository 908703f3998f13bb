import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { type CapabilityStates, defineCapability } from '../capability.js';
import { convergenceLines, type SyncFact } from './convergence.js';
import { startOldBucketPass, stopOldBucketPass } from './old-bucket-watch.js';
import type { CutoverState } from './state.js';
import { FORM_VIEW, keepSyncButton, OPEN_ACTION, openSyncForm, syncSubmission } from './sync-button.js';
import { APPROVE_ACTION, REJECT_ACTION, syncCommand } from './sync-command.js';
import { decideSync } from './sync-decide.js';
import { syncPass } from './sync-job.js';
import { renderSyncNote, type SyncNote } from './sync-note.js';
import { CUTOVER, forgetTeam } from './sync-record.js';
import { watchCommand } from './watch-command.js';
import { watchDeltaButton } from './watch-delta.js';
import { isWatchNote, renderWatchNote, WATCH_DELTA_ACTION } from './watch-note.js';
import { forgetWatches } from './watch-record.js';
import { CUTOVER_WORDS } from './words.js';

/** The started state, found by name (the capability's `of`, without naming itself in its definition). */
const stateOf = (deps: { capabilities: CapabilityStates }) =>
  deps.capabilities.stateOf(CUTOVER) as CutoverState;

/**
 * Cut-over: keep a migration in sync until the switch (`/migrate sync`), one approval standing for
 * every run; its runs go through the approvals' scheduled start (windows, freezes and quotas apply
 * to each), claimed once per run across replicas; it stops by itself and says so once.
 */
export const cutover = defineCapability<CutoverState>({
  name: CUTOVER,
  words: CUTOVER_WORDS,
  start: (core) => ({ core, written: new Map() }),
  subcommands: [syncCommand((ctx) => stateOf(ctx.deps)), watchCommand((ctx) => stateOf(ctx.deps))],
  listeners: (routes, deps) => {
    routes.action<BlockAction<ButtonAction>>(OPEN_ACTION, openSyncForm(deps));
    routes.view<ViewSubmitAction>(
      FORM_VIEW,
      syncSubmission(deps, () => stateOf(deps)),
    );
    routes.action<BlockAction<ButtonAction>>(
      APPROVE_ACTION,
      decideSync(() => stateOf(deps), true),
    );
    routes.action<BlockAction<ButtonAction>>(
      REJECT_ACTION,
      decideSync(() => stateOf(deps), false),
    );
    routes.action<BlockAction<ButtonAction>>(
      WATCH_DELTA_ACTION,
      watchDeltaButton(() => stateOf(deps)),
    );
  },
  jobs: (state) => [
    { name: 'sync', cadence: 'before-cycle', replicas: 'each', run: (now) => syncPass(state, now) },
    // The old-bucket watch lists buckets: once per cycle, one replica (its batches are claimed too).
    {
      name: 'old-bucket',
      cadence: 'each-cycle',
      replicas: 'lease',
      run: async (now) => startOldBucketPass(state, now),
    },
  ],
  // The keep-in-sync and its convergence line on the migration's card, from the fact the job writes.
  cardLines: (fact, tr) => (fact ? convergenceLines(fact as SyncFact, tr) : []),
  verificationButtons: keepSyncButton,
  stop: (state) => stopOldBucketPass(state),
  forgetWorkspace: async (state, teamId) => {
    await forgetTeam(state.core.state, teamId);
    await forgetWatches(state.core.state, teamId);
  },
  renderNote: (note, tr) =>
    isWatchNote(note) ? renderWatchNote(note, tr) : renderSyncNote(note as SyncNote, tr),
});
