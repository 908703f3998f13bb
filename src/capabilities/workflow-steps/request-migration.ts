import { InvalidInputError } from '../../errors.js';
import type { AppDeps } from '../../slack/context.js';
import { createChoices } from '../../slack/listeners/views/create-flow.js';
import { providerCheck } from '../../slack/listeners/views/create-listeners.js';
import { parseDetails } from '../request-details.js';
import { STEP_CALLBACKS } from './step-definitions.js';
import { LATER, stepHandler, textInput } from './step-runner.js';

const CHANNEL = /^[CGD][A-Z0-9]{2,39}$/;

/**
 * "Request a new migration": the create modal's request, typed as text, through the same checks
 * (the operator role, the form's own validation, the provider's check) and the same approval.
 * The step stays open: it is completed when an approver decides (see `workflow-step-decisions.ts`),
 * with the new resource's id, or with an error when the request is rejected, expires or fails.
 */
export function requestMigrationStep(deps: AppDeps) {
  return stepHandler(deps, STEP_CALLBACKS.request, async (ctx, inputs, executionId) => {
    await ctx.require('create', ctx.here, 'ask for new migrations');
    const connectionName = textInput(inputs, 'connection');
    if (!connectionName)
      throw new InvalidInputError('The step needs a connection in its "connection" input.');
    const channel = textInput(inputs, 'channel_id');
    if (!channel || !CHANNEL.test(channel)) {
      throw new InvalidInputError(
        'The step needs a channel ("channel_id" input): the request is posted there unless an approvals channel is set, and the new migration\'s card appears there.',
      );
    }
    const kind = textInput(inputs, 'kind');
    const choices = createChoices(deps.connections.forTeam(ctx.teamId), [
      connectionName,
      ...(kind ? [kind] : []),
    ]);
    if (choices.length > 1) {
      throw new InvalidInputError(
        `${connectionName} can create ${choices.map((c) => c.target.kind).join(' or ')}: say which in the step's "kind" input.`,
      );
    }
    const { target } = choices[0]!;
    const values = parseDetails(
      textInput(inputs, 'details') ?? '',
      target.labels,
      `the ${target.label} form`,
    );
    const result = target.toRequest(values);
    const problems = result.ok
      ? await providerCheck(
          deps,
          ctx.teamId,
          {
            connection: connectionName,
            provider: target.provider,
            kind: target.kind,
            requester: ctx.userId,
          },
          result.request,
        )
      : result.errors;
    if (!result.ok || Object.keys(problems).length > 0) {
      ctx.logger.info({ fields: Object.keys(problems) }, 'workflow create request refused');
      throw new InvalidInputError(
        `The details are not a valid ${target.label} request: ${Object.values(problems).join(' ')}`,
      );
    }
    await deps.capabilities.approvals().request({
      team: ctx.teamId,
      requester: ctx.userId,
      channel,
      connection: connectionName,
      kind: target.kind,
      request: result.request,
      op: ctx.opId,
      workflowStep: { executionId },
    });
    // Completed from the decision, or at once when the request could not be posted (then failed).
    return LATER;
  });
}
