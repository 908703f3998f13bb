import type { CapabilityStates } from '../capability.js';
import type { ApprovalService } from './approval-service.js';

/** The capability's name: its jobs' prefix. */
export const APPROVALS = 'approvals';

/** The started capability's service, for its listeners and the surfaces that show requests. */
export function approvalsOf(deps: { capabilities: CapabilityStates }): ApprovalService {
  return deps.capabilities.stateOf(APPROVALS) as ApprovalService;
}
