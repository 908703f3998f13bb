import { channelScope, type Scope, WORKSPACE } from '../../access/policy.js';
import type { ApprovalRecord } from '../shared/approval-record.js';

/**
 * What approving a request changes, for the policy: the channel it was asked in (never the one
 * where the Approve button was pressed: an approvals channel gathers every channel's requests).
 * A workflow step's request is the workspace's: its details and channel were chosen by whoever
 * built the workflow, who may not be the person running it, so a channel's own approvers (which
 * that author may be) cannot decide it.
 */
export function approvalScope(record: Pick<ApprovalRecord, 'channel' | 'workflowStep'>): Scope {
  return record.workflowStep ? WORKSPACE : channelScope(record.channel);
}
