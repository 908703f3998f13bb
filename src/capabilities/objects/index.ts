import { randomUUID } from 'node:crypto';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { CHECK_ACTION, checkButton, checkButtonHandler } from './check-button.js';
import { CAPABILITY, type CheckView, renderCheckPost } from './check-post.js';
import { readFailedListAtEnding } from './ending-list.js';
import { reconcilePass } from './reconcile-pass.js';
import { forgetReconciles } from './reconcile-store.js';
import { retryButton } from './retry.js';
import { RETRY_ACTION } from './retry-view.js';
import type { ObjectsState } from './state.js';
import { verifyCommand } from './verify-command.js';
import { OBJECTS_WORDS } from './words.js';

/**
 * What really arrived: `/migrate verify <id> [deep]` lists a finished migration's source
 * and destination buckets through their S3 APIs with the connection's storage keys, and posts what
 * differs, every key in a CSV; the provider's own failed-object list (OMS) beside it. A retry asked
 * for with Retry these is checked again by itself once its run ends (the reconciling check).
 */
export const objects: Capability = {
  name: CAPABILITY,
  words: OBJECTS_WORDS,
  start(core) {
    const s: ObjectsState = {
      posts: new CapabilityPosts(core.watcher),
      kv: core.state,
      clock: core.clock,
      logger: core.logger,
      instance: randomUUID(),
      running: new Map(),
    };
    const stateOf = () => s;
    return {
      state: s,
      commands: { subcommands: [verifyCommand(stateOf)] },
      // The failed objects a run ends with are named on its verification post (issue 74).
      watch: { recording: readFailedListAtEnding(core) },
      // Every replica looks; the one that claims a retry's reconcile runs it, in the background.
      jobs: [
        { name: 'reconcile', cadence: 'each-cycle', replicas: 'each', run: () => reconcilePass(s, core) },
      ],
      posts: {
        render: (view, tr) => renderCheckPost(view as CheckView, tr),
        verificationButtons: checkButton,
      },
      listeners(routes) {
        routes.action<BlockAction<ButtonAction>>(RETRY_ACTION, retryButton);
        routes.action<BlockAction<ButtonAction>>(CHECK_ACTION, checkButtonHandler(stateOf));
      },
      cleanup: {
        forgetWorkspace: (teamId) => forgetReconciles(s.kv, teamId),
        async stop() {
          for (const run of s.running.values()) run.abort.abort();
          await Promise.allSettled([...s.running.values()].map((r) => r.work));
        },
      },
    };
  },
};
