import type { Capability, CapabilityCore } from '../../contract/capability.js';
import { slackApprovalMessenger } from './approval-messenger.js';
import { ApprovalService, DEFAULT_SWEEP_INTERVAL_MS } from './approval-service.js';
import { approvalSettings } from './approval-settings.js';
import { waitingApprovals } from './approvals-home.js';
import { APPROVALS, type ApprovalsState } from './approvals-state.js';
import { type PendingApprovalRow, pendingApprovalBlocks } from './blocks/approval-home.js';
import { approvalsForm } from './create-form.js';
import { register } from './listeners/index.js';
import { admitApproved, withdrawStart } from './scheduled-start.js';
import { APPROVAL_WORDS } from './words.js';
import { completingWorkflowSteps } from './workflow-step-decisions.js';

/**
 * Approvals: requests to create a migration, with their pre-flight and a start time, decided by a
 * second person (Approve, Reject with a reason, Cancel start, on the message, in a DM and on the
 * Home tab). Its timed work is two jobs on the one scheduler: the starts that came due and the
 * expiry of requests nobody decided. The core's create form, its workflow step and the other
 * capabilities hand their requests over through `CoreApprovals` (its `gate.approvals`).
 */
export const approvals: Capability = {
  name: APPROVALS,
  words: APPROVAL_WORDS,
  start(core) {
    const state = startApprovals(core);
    const s = state.service;
    return {
      state,
      // `/migrate settings approvals|approval-ttl|approvers|approval-notify …`: where requests go, who is told.
      commands: { settingsSections: [approvalSettings] },
      // The action ids posted buttons carry: unchanged, so requests posted before still answer.
      listeners: (routes, deps) => register(routes, deps),
      posts: {
        render: (rows, tr) => ({ text: '', blocks: pendingApprovalBlocks(rows as PendingApprovalRow[], tr) }),
        // What waits for this person leads their Home tab: at 3 a.m. nobody scrolls to find it.
        home: (who) => waitingApprovals(state, who),
        homeFirst: true,
      },
      // "Start at" and "Check against policy" on every create form (same block and action ids).
      createForm: approvalsForm(),
      jobs: [
        // Approved requests whose start time has come: created once (their start key decides).
        { name: 'starts', cadence: 'before-cycle', replicas: 'each', run: () => s.startDue() },
        // Pending requests past their expiry: once a period across replicas (each decision is claimed).
        {
          name: 'expiry',
          cadence: { everyMs: DEFAULT_SWEEP_INTERVAL_MS },
          replicas: 'each',
          run: (now) => s.expireDue(now),
        },
      ],
      gate: {
        approvals: {
          request: (input) => s.request(input),
          admitApproved: (record) =>
            admitApproved(s.records, record, { atomic: core.state, clock: core.clock }),
          startDue: () => s.startDue(),
          find: (team, id) => s.records.get(team, id),
          withdraw: (team, id, by) =>
            withdrawStart(core.state, s.records, { team, id, by, now: core.clock.now() }),
          pendingCount: async () => (await s.records.pending()).length,
        },
      },
      cleanup: {
        forgetWorkspace: async (teamId) => {
          await s.records.forget(teamId);
        },
        stop: () => s.stop(),
      },
    };
  },
};

function startApprovals(core: CapabilityCore): ApprovalsState {
  const { sender, settings, clock, watcher, logger, locales, access } = core;
  const service = new ApprovalService({
    atomic: core.state,
    store: core.store,
    settings,
    connections: core.connections,
    resolver: core.resources.resolver,
    access: core.access,
    audit: core.audit,
    secrets: core.secrets,
    logger,
    clock,
    messenger: completingWorkflowSteps(
      slackApprovalMessenger(sender, settings, clock, watcher, logger, locales),
      sender,
      logger,
    ),
    ...(core.restored ? { restored: core.restored } : {}),
    ...(core.gate ? { gate: core.gate } : {}),
  });
  return { service, access, clock, logger };
}
