import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
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

/**
 * Cut-over: keep a migration in sync until the switch (`/migrate sync`), one approval standing for
 * every run; its runs go through the approvals' scheduled start (windows, freezes and quotas apply
 * to each), claimed once per run across replicas; it stops by itself and says so once. After the
 * switch, the old-bucket watch tells writes to the source (`old-bucket-watch.ts`).
 */
export const cutover: Capability = {
  name: CUTOVER,
  words: CUTOVER_WORDS,
  start(core) {
    const state: CutoverState = { core, written: new Map() };
    const stateOf = () => state;
    return {
      state,
      commands: { subcommands: [syncCommand(stateOf), watchCommand(stateOf)] },
      listeners: (routes, deps) => {
        routes.action<BlockAction<ButtonAction>>(OPEN_ACTION, openSyncForm(deps));
        routes.view<ViewSubmitAction>(FORM_VIEW, syncSubmission(deps, stateOf));
        routes.action<BlockAction<ButtonAction>>(APPROVE_ACTION, decideSync(stateOf, true));
        routes.action<BlockAction<ButtonAction>>(REJECT_ACTION, decideSync(stateOf, false));
        routes.action<BlockAction<ButtonAction>>(WATCH_DELTA_ACTION, watchDeltaButton(stateOf));
      },
      jobs: [
        { name: 'sync', cadence: 'before-cycle', replicas: 'each', run: (now) => syncPass(state, now) },
        // The old-bucket watch lists buckets: once per cycle, one replica, in the background.
        {
          name: 'old-bucket',
          cadence: 'each-cycle',
          replicas: 'lease',
          run: async (now) => startOldBucketPass(state, now),
        },
      ],
      // The keep-in-sync and its convergence line on the migration's card, from the fact the job writes.
      card: {
        lines: (fact, tr) => (fact ? convergenceLines(fact as SyncFact, tr) : []),
        note: (note, tr) =>
          isWatchNote(note) ? renderWatchNote(note, tr) : renderSyncNote(note as SyncNote, tr),
      },
      posts: { verificationButtons: keepSyncButton },
      cleanup: {
        forgetWorkspace: async (teamId) => {
          await forgetTeam(state.core.state, teamId);
          await forgetWatches(state.core.state, teamId);
        },
        stop: () => stopOldBucketPass(state),
      },
    };
  },
};
