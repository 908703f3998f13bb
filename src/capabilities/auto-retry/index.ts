import type { BlockAction, ButtonAction } from '@slack/bolt';
import { classifyCode } from '../../catalogue/code-classes.js';
import type { Capability } from '../../contract/capability.js';
import { onEvents } from './decide.js';
import { RetryPolicies } from './policy-store.js';
import { retryApiRead } from './retry-api.js';
import { retryNowButton, stopRetryButton } from './retry-buttons.js';
import {
  NOW_ACTION,
  renderRetryNote,
  retryActedBy,
  retryActedLine,
  retryButtons,
  retryLine,
  STOP_ACTION,
} from './retry-drawing.js';
import { AUTO_RETRY, inSeries, retryFactOf } from './retry-fact.js';
import { parseRetrySection } from './retry-file.js';
import { retryPass } from './retry-job.js';
import type { RetryPolicy } from './retry-policy.js';
import { type AutoRetryState, retryCounter } from './retry-state.js';
import { retrySection } from './settings-command.js';
import { AUTO_RETRY_WORDS } from './words.js';

/**
 * Automatic retries (issue 77): a failure of a class trying again can mend (network, transient,
 * and partial where named) is held back while the connection's policy retries it (no broadcast,
 * nobody paged), each retry a claimed attempt on the one scheduler made through the Retry
 * button's use case as the person who turned the policy on; what it cannot mend is told loudly,
 * once, with the history. Its fact of a watch (`RetryFact`) is where the series stands.
 */
export const autoRetry: Capability = {
  name: AUTO_RETRY,
  words: AUTO_RETRY_WORDS,
  fileKey: 'retry',
  start(core) {
    const policies = new RetryPolicies(core.state);
    const s: AutoRetryState = { policies, kv: core.state, count: retryCounter(core.metrics) };
    return {
      state: s,
      listeners: (routes) => {
        routes.action<BlockAction<ButtonAction>>(NOW_ACTION, retryNowButton());
        routes.action<BlockAction<ButtonAction>>(STOP_ACTION, stopRetryButton());
      },
      commands: { settingsSections: [retrySection] },
      card: {
        lines: (fact, tr) => {
          const line = retryLine(fact, tr);
          return line ? [line] : [];
        },
        buttons: retryButtons,
        rowLine: (fact, tr) => retryLine(fact, tr),
        note: (note, tr) => renderRetryNote(note, tr) ?? { text: '' },
        actedLine: (said, last, _state, tr) => retryActedLine(said, last.by, tr),
        actedBy: (said, by, tr) => retryActedBy(said, by, tr),
      },
      file: {
        parse: (section) => parseRetrySection(section),
        apply: (parsed) => s.policies.setFile(parsed as ReadonlyMap<string, RetryPolicy>),
      },
      jobs: [
        // Every replica reads the policies set from Slack again before its cycle decides on failures.
        { name: 'policies', cadence: 'before-cycle', replicas: 'each', run: () => s.policies.refresh() },
        // Each due attempt is claimed in the store: made once whichever replica holds the lease.
        {
          name: 'retries',
          cadence: 'before-cycle',
          replicas: 'lease',
          run: (now) => retryPass(s, core, now),
        },
      ],
      // `GET /api/v1/resources/{ref}/retry`: its policy and where its retries stand, for a viewer.
      http: { apiReads: [retryApiRead(s)] },
      watch: {
        events: (record, events, now) =>
          onEvents((team, connection) => policies.of(team, connection), record, events, now),
        // Counted where a poll sees a series end well (the decision itself is pure).
        recording: async (record, observation) => {
          if (!('resource' in observation) || observation.resource.state !== 'succeeded') return;
          const fact = retryFactOf(record);
          if (record.state !== 'succeeded' && inSeries(fact))
            s.count(record.snapshot.provider, fact.cls ?? classifyCode(fact.code), 'succeeded');
        },
      },
      cleanup: { forgetWorkspace: (teamId) => s.policies.forget(teamId) },
    };
  },
};
