import { grantApplies } from '../../access/policy.js';
import { roleAllows } from '../../access/roles.js';
import type { Logger } from '../../logger.js';
import {
  APPROVER_DM_CAP,
  approvalNotifyMode,
  type WorkspaceSettings,
} from '../../settings/workspace-settings.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { approvalScope } from './approval-scope.js';
import type { ApprovalStore } from './approval-store.js';
import type { ApprovalServiceOptions } from './approval-types.js';
import { awaitingStart } from './scheduled-start.js';

/**
 * Who may decide the request, as far as the grants tell: people granted the approver role or above
 * where it is decided (`approvalScope`: the workspace, or the channel it was asked in), in grant order, never the
 * requester. Workspace admins by Slack's own flag are approvers too, but Slack lists them only by
 * reading every member of the workspace, so they are not looked for here; user-group grants are
 * told through the group's mention instead.
 */
export async function approversOf(
  access: ApprovalServiceOptions['access'],
  record: ApprovalRecord,
): Promise<string[]> {
  const scope = approvalScope(record);
  const grants = await access.grants.list(record.team);
  const users = grants
    .filter(
      (g) => g.subject.kind === 'user' && roleAllows(g.role, 'approve') && grantApplies(g.channel, scope),
    )
    .map((g) => g.subject.id);
  return [...new Set(users)].filter((user) => user !== record.requester);
}

/**
 * A new request reaches the people who can approve it: in `dm` mode, a direct message to each, at
 * most APPROVER_DM_CAP (Slack allows about one post per second per conversation and a workspace-wide
 * budget; the rest still see the request in its channel and on their Home tab). A mention is made
 * by the request message itself; `off` tells nobody. The messages sent are kept beside the request
 * (`redrawApproverMessages` edits them at the decision). Resolves to how many were messaged.
 */
export async function tellApprovers(
  o: Pick<ApprovalServiceOptions, 'access' | 'messenger'> & { logger: Logger; records: ApprovalStore },
  record: ApprovalRecord,
  settings: WorkspaceSettings,
): Promise<number> {
  const mode = approvalNotifyMode(settings);
  const approvers = mode === 'dm' ? await approversOf(o.access, record) : [];
  if (mode === 'dm' && approvers.length === 0)
    o.logger.warn({ approval: record.id }, 'no approver to tell: grant the approver role to someone');
  if (approvers.length === 0) {
    o.logger.info({ approval: record.id, mode, sent: 0 }, 'approvers told of a new request');
    return 0;
  }
  if (approvers.length > APPROVER_DM_CAP)
    o.logger.info(
      { approval: record.id, approvers: approvers.length, cap: APPROVER_DM_CAP },
      'more approvers than direct messages; the others see the request in its channel and on Home',
    );
  const sent = await o.messenger.notifyApprovers(record, approvers.slice(0, APPROVER_DM_CAP));
  await o.records.saveApproverMessages(record, sent);
  o.logger.info({ approval: record.id, mode, sent: sent.length }, 'approvers told of a new request');
  return sent.length;
}

/**
 * A decided request: the direct messages that asked approvers to decide it say how it ended and
 * lose their buttons, so no one is left holding a stale Approve (a click on one still answers who
 * decided). Once: the messages are forgotten as they are taken. A vote counted on a request that
 * needs several redraws them too (whose votes are in, what the next Approve does), and keeps them.
 */
export async function redrawApproverMessages(
  o: Pick<ApprovalServiceOptions, 'messenger'> & { records: ApprovalStore },
  record: ApprovalRecord,
): Promise<void> {
  // Still pending (a vote counted) or approved to start later: redrawn now and kept for what follows.
  const keep = record.status === 'pending' || awaitingStart(record);
  const messages = await o.records.takeApproverMessages(record.team, record.id, keep);
  if (messages.length > 0) await o.messenger.updateApproverMessages(record, messages);
}
