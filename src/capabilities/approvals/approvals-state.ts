import type { AccessControl } from '../../access/access-control.js';
import type { Clock } from '../../clock.js';
import type { StartedCapabilities } from '../../contract/started.js';
import type { Logger } from '../../logger.js';
import type { ApprovalService } from './approval-service.js';

/** The capability's name: its jobs' prefix. */
export const APPROVALS = 'approvals';

/** What the capability builds once per bot: the service, and what its Home section asks. */
export interface ApprovalsState {
  service: ApprovalService;
  access: AccessControl;
  clock: Clock;
  logger: Logger;
}

/** The started capability's service, for its listeners and the surfaces that show requests. */
export function approvalsOf(deps: { capabilities: StartedCapabilities }): ApprovalService {
  return (deps.capabilities.stateOf(APPROVALS) as ApprovalsState).service;
}
