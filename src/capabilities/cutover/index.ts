import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import { convergenceLines, type SyncFact } from './convergence.js';
import type { CutoverState } from './state.js';
import { FORM_VIEW, keepSyncButton, OPEN_ACTION, openSyncForm, syncSubmission } from './sync-button.js';
import { APPROVE_ACTION, REJECT_ACTION, syncCommand } from './sync-command.js';
import { decideSync } from './sync-decide.js';
import { syncPass } from './sync-job.js';
import { renderSyncNote, type SyncNote } from './sync-note.js';
import { CUTOVER, forgetTeam } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/**
 * Cut-over: keep a migration in sync until the switch (`/migrate sync`), one approval standing for
 * every run; its runs go through the approvals' scheduled start (windows, freezes and quotas apply
 * to each), claimed once per run across replicas; it stops by itself and says so once.
 */
export const cutover: Capability = {
  name: CUTOVER,
  words: CUTOVER_WORDS,
  start(core) {
    const state: CutoverState = { core, written: new Map() };
    const stateOf = () => state;
    return {
      state,
      commands: { subcommands: [syncCommand(stateOf)] },
      listeners: (routes, deps) => {
        routes.action<BlockAction<ButtonAction>>(OPEN_ACTION, openSyncForm(deps));
        routes.view<ViewSubmitAction>(FORM_VIEW, syncSubmission(deps, stateOf));
        routes.action<BlockAction<ButtonAction>>(APPROVE_ACTION, decideSync(stateOf, true));
        routes.action<BlockAction<ButtonAction>>(REJECT_ACTION, decideSync(stateOf, false));
      },
      jobs: [{ name: 'sync', cadence: 'before-cycle', replicas: 'each', run: (now) => syncPass(state, now) }],
      // The keep-in-sync and its convergence line on the migration's card, from the fact the job writes.
      card: {
        lines: (fact, tr) => (fact ? convergenceLines(fact as SyncFact, tr) : []),
        note: (note, tr) => renderSyncNote(note as SyncNote, tr),
      },
      posts: { verificationButtons: keepSyncButton },
      cleanup: { forgetWorkspace: (teamId) => forgetTeam(state.core.state, teamId) },
    };
  },
};
