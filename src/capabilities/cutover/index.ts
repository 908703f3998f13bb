import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import { underVerification } from '../shared/verified-run.js';
import { cutCommand, START_ACTION } from './cut-command.js';
import { abortCut, OVERRIDE_VIEW, openOverride, overrideSubmission, signOffCut } from './cut-decide.js';
import { cutoverCardLines } from './cut-fact.js';
import { type CutsHome, cutsHome, renderCutsHome } from './cut-home.js';
import { cutsApiRead } from './cut-list.js';
import { ABORT_ACTION, type CutView, OVERRIDE_ACTION, renderCut, SIGNOFF_ACTION } from './cut-post.js';
import { forgetCuts } from './cut-record.js';
import { type CutNote, renderCutNote } from './cut-say.js';
import { cutButton, OPEN_CUT_ACTION, openCut, startCut } from './cut-start.js';
import { cutPass, stopChecks } from './cut-steps.js';
import { askPlanCut, PLAN_START_ACTION, startPlanCut } from './plan/plan-cut.js';
import { forgetPlanCuts, type PlanCutView, renderPlanCut } from './plan/plan-cut-pass.js';
import {
  askPlanSync,
  decidePlanSync,
  forgetPlanSyncs,
  PLAN_SYNC_APPROVE,
  PLAN_SYNC_REJECT,
} from './plan/plan-sync.js';
import type { CutoverState } from './state.js';
import { FORM_VIEW, keepSyncButton, OPEN_ACTION, openSyncForm, syncSubmission } from './sync-button.js';
import { APPROVE_ACTION, REJECT_ACTION, syncCommand } from './sync-command.js';
import { decideSync } from './sync-decide.js';
import { syncPass } from './sync-job.js';
import { renderSyncNote, type SyncNote } from './sync-note.js';
import { CUTOVER, forgetTeam } from './sync-record.js';
import { startOldBucketPass, stopOldBucketPass } from './watch/old-bucket-watch.js';
import { watchDeltaButton } from './watch/watch-delta.js';
import { isWatchNote, renderWatchNote, WATCH_DELTA_ACTION } from './watch/watch-note.js';
import { forgetWatches } from './watch/watch-record.js';
import { CUTOVER_WORDS } from './words.js';

/**
 * Cut-over: keep a migration in sync until the switch (`/migrate keep-sync`), one approval standing
 * for every run; the guided cut-over (`/migrate cutover`), its steps moved on by a job, each once
 * across replicas; then the old bucket watched for stray writes.
 */
export const cutover: Capability = {
  name: CUTOVER,
  words: CUTOVER_WORDS,
  // The cut-over's bucket check and the old-bucket watch list buckets as the objects' check does.
  needs: ['objects'],
  start(core) {
    const state: CutoverState = { core, written: new Map() };
    const of = () => state;
    return {
      state,
      commands: { subcommands: [syncCommand(of, askPlanSync), cutCommand(of, askPlanCut)] },
      listeners: (routes, deps) => {
        routes.action<BlockAction<ButtonAction>>(OPEN_ACTION, openSyncForm(deps));
        routes.view<ViewSubmitAction>(FORM_VIEW, syncSubmission(deps, of));
        routes.action<BlockAction<ButtonAction>>(APPROVE_ACTION, decideSync(of, true));
        routes.action<BlockAction<ButtonAction>>(REJECT_ACTION, decideSync(of, false));
        routes.action<BlockAction<ButtonAction>>(PLAN_SYNC_APPROVE, decidePlanSync(of, true));
        routes.action<BlockAction<ButtonAction>>(PLAN_SYNC_REJECT, decidePlanSync(of, false));
        routes.action<BlockAction<ButtonAction>>(OPEN_CUT_ACTION, openCut(of));
        routes.action<BlockAction<ButtonAction>>(START_ACTION, startCut(of));
        routes.action<BlockAction<ButtonAction>>(PLAN_START_ACTION, startPlanCut(of));
        routes.action<BlockAction<ButtonAction>>(SIGNOFF_ACTION, signOffCut(of));
        routes.action<BlockAction<ButtonAction>>(OVERRIDE_ACTION, openOverride(deps, of));
        routes.view<ViewSubmitAction>(OVERRIDE_VIEW, overrideSubmission(deps, of));
        routes.action<BlockAction<ButtonAction>>(ABORT_ACTION, abortCut(of));
        routes.action<BlockAction<ButtonAction>>(WATCH_DELTA_ACTION, watchDeltaButton(of));
      },
      jobs: [
        { name: 'sync', cadence: 'before-cycle', replicas: 'each', run: (now) => syncPass(state, now) },
        { name: 'cut', cadence: 'before-cycle', replicas: 'each', run: (now) => cutPass(state, now) },
        // The old-bucket watch lists buckets: once per cycle, one replica (its batches are claimed too).
        {
          name: 'old-bucket',
          cadence: 'each-cycle',
          replicas: 'lease',
          run: async (now) => startOldBucketPass(state, now),
        },
      ],
      // Keep-sync's line and its convergence, then the cut-over's step, from the fact the jobs write.
      card: {
        lines: (fact, tr) => cutoverCardLines(fact, tr),
        note: (note, tr) =>
          isWatchNote(note)
            ? renderWatchNote(note, tr)
            : (note as { kind?: string }).kind === 'cut'
              ? renderCutNote(note as CutNote, tr)
              : renderSyncNote(note as SyncNote, tr),
      },
      posts: {
        under: underVerification((run, tr) => [...keepSyncButton(run, tr), ...cutButton(run, tr)]),
        render: (view, tr) =>
          (view as { kind?: string }).kind === 'home'
            ? renderCutsHome(view as CutsHome, tr)
            : (view as { kind?: string }).kind === 'plan-cut'
              ? renderPlanCut(view as PlanCutView, tr)
              : renderCut(view as CutView, tr),
        // Home lists the workspace's cut-overs in progress, from the cut-over records only.
        home: (who) => cutsHome(state, who),
      },
      http: { apiReads: [cutsApiRead(state)] },
      cleanup: {
        stop: async () => {
          await stopOldBucketPass(state);
          await stopChecks(state);
        },
        forgetWorkspace: async (teamId) => {
          await forgetTeam(state.core.state, teamId);
          await forgetCuts(state.core.state, teamId);
          await forgetWatches(state.core.state, teamId);
          await forgetPlanCuts(state, teamId);
          await forgetPlanSyncs(state, teamId);
        },
      },
    };
  },
};
