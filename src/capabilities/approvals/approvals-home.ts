import { describeScope } from '../../access/policy.js';
import { type Role, roleAllows } from '../../access/roles.js';
import { approvalScope } from './approval-scope.js';
import type { ApprovalsState } from './approvals-state.js';
import type { PendingApprovalRow } from './blocks/approval-home.js';

/** Pending requests read per workspace; the tab shows a few of them. */
const PENDING_READ = 20;

/**
 * The requests this viewer may decide (their role in each request's channel allows approving; never
 * their own), their own requests still waiting, and those approved to start later. Buttons are
 * checked again by the policy on click. A store that does not answer shows none (logged), so the
 * tab still opens.
 */
export async function waitingApprovals(
  s: ApprovalsState,
  who: { teamId: string; userId: string },
): Promise<PendingApprovalRow[]> {
  try {
    return await rowsOf(s, who);
  } catch (error) {
    s.logger.warn({ err: error }, 'could not read the pending approval requests for the Home tab');
    return [];
  }
}

async function rowsOf(
  s: ApprovalsState,
  who: { teamId: string; userId: string },
): Promise<PendingApprovalRow[]> {
  const now = s.clock.now();
  const records = [
    ...(await s.service.records.pendingOf(who.teamId, PENDING_READ)).filter(
      (r) => Date.parse(r.expiresAt) > now,
    ),
    // Approved to start later: shown to their requester and to those who could have approved them.
    ...(await s.service.records.scheduledOf(who.teamId, PENDING_READ)),
  ];
  const roles = new Map<string, Promise<Role>>();
  const rows: PendingApprovalRow[] = [];
  for (const record of records) {
    if (record.requester === who.userId) {
      rows.push({ record, mine: true });
      continue;
    }
    // Decided where `approvalScope` says (the channel asked in, or the workspace): as the buttons are.
    const scope = approvalScope(record);
    const key = describeScope(scope);
    let role = roles.get(key);
    if (!role) {
      role = s.access.roleOf(who, scope);
      roles.set(key, role);
    }
    if (roleAllows(await role, 'approve')) rows.push({ record, mine: false });
  }
  return rows;
}
