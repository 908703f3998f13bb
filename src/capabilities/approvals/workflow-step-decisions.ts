import type { Logger } from '../../logger.js';
import type { SlackSender } from '../../slack/sender.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { ApprovalMessenger } from './approval-service.js';

/**
 * A request asked from the "Request a new migration" workflow step keeps the step's execution id;
 * its decision completes the step. The approval service already tells the requester once per
 * decision (created, failed, rejected, expired; claimed once across replicas), so this hooks in
 * there and the service itself knows nothing of workflows. The requester still gets their DM.
 */
export function completingWorkflowSteps(
  messenger: ApprovalMessenger,
  sender: SlackSender,
  logger: Logger,
): ApprovalMessenger {
  return {
    ...messenger,
    async tellRequester(record) {
      let told: unknown;
      try {
        await messenger.tellRequester(record);
      } catch (error) {
        told = error;
      }
      const step = record.workflowStep;
      if (step && record.status !== 'pending') {
        const slack = sender.to(record.team);
        const outcome = stepOutcome(record);
        if ('outputs' in outcome) await slack.completeStep(step.executionId, outcome.outputs);
        else await slack.failStep(step.executionId, outcome.error);
        logger.info(
          { approval: record.id, status: record.status, execution: step.executionId },
          'workflow step completed by the decision',
        );
      }
      if (told) throw told;
    },
  };
}

/** What the step ends with, in words the workflow's activity shows. */
export function stepOutcome(record: ApprovalRecord): { outputs: Record<string, string> } | { error: string } {
  const request = `Request ${record.id}`;
  switch (record.status) {
    case 'approved':
      return record.resourceId
        ? {
            outputs: {
              connection: record.connection,
              id: record.resourceId,
              name: record.resourceName ?? '',
              request_id: record.id,
            },
          }
        : { error: `${request} was approved, but no migration was created.` };
    case 'rejected':
      return { error: `${request} was rejected by <@${record.decidedBy ?? ''}>. Nothing was created.` };
    case 'expired':
      return { error: `${request} expired before an approver decided. Nothing was created.` };
    case 'failed':
      return {
        error: `${request} could not be carried out: ${record.failure?.message ?? 'unknown reason'}`.slice(
          0,
          2000,
        ),
      };
    default:
      return { error: `${request} is ${record.status}.` };
  }
}
