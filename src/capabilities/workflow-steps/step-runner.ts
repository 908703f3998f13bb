import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ResourceRef } from '../../domain/migration-resource.js';
import { type AppError, asAppError, InvalidInputError, isRefusal } from '../../errors.js';
import { AmbiguousRefError } from '../../resources/resolve-resource.js';
import { renderError } from '../../slack/blocks/error-message.js';
import { RESOURCE_REF } from '../../slack/command-text.js';
import { type AppDeps, createHandlerContext, requestDone } from '../../slack/context.js';
import { USER_INPUT } from './step-definitions.js';

export type StepArgs = SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs;
export type StepInputs = Record<string, unknown>;

/** The step stays open: something else completes it later (an approver's decision). */
export const LATER = Symbol('completed later');

/** Slack passes the person running the workflow as `{ id, secret }`; only the id is used. */
const userContext = z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,39}$/) });
const teamOfBody = z.object({ team_id: z.string().min(1) });

/**
 * Every workflow step: Bolt has already acknowledged the event (`autoAcknowledge`). The step runs
 * as the person running the workflow (roles, audit, `request done` log line, like a command), and
 * ends with `functions.completeSuccess` and its outputs, or `functions.completeError` with what went
 * wrong in words, both through the sender.
 */
export function stepHandler(
  deps: AppDeps,
  callbackId: string,
  work: (ctx: HandlerContext, inputs: StepInputs, executionId: string) => Promise<StepInputs | typeof LATER>,
) {
  return async ({ event, body, context }: StepArgs): Promise<void> => {
    const teamId = context.teamId ?? teamOfBody.parse(body).team_id;
    const executionId = event.function_execution_id;
    const slack = deps.slack.sender.to(teamId);
    const user = userContext.safeParse(event.inputs?.[USER_INPUT]);
    const ctx = createHandlerContext(
      deps,
      { teamId, userId: user.success ? user.data.id : 'workflow', channelId: undefined, what: callbackId },
      noRespond,
      'workflow',
    );
    try {
      if (!user.success) {
        throw new InvalidInputError(
          `This step needs to know who runs the workflow (its "${USER_INPUT}" input); start the workflow from a ` +
            'link, a shortcut or a button so Slack can pass the person.',
        );
      }
      const outputs = await work(ctx, event.inputs ?? {}, executionId);
      if (outputs !== LATER) await slack.completeStep(executionId, outputs);
      requestDone(ctx, 'ok');
    } catch (thrown) {
      const error = asAppError(thrown);
      const userFacing = isRefusal(error);
      requestDone(ctx, userFacing ? 'refused' : 'failed');
      if (userFacing) ctx.logger.info({ code: error.code, reason: error.message }, 'request refused');
      else ctx.logger.error({ err: thrown, code: error.code }, 'request failed');
      try {
        await slack.failStep(executionId, stepErrorText(error, ctx.opId));
      } catch (failError) {
        ctx.logger.error({ err: failError }, 'could not complete the workflow step with its error');
      }
    }
  };
}

/** Steps answer through `functions.*`, never a response_url. */
async function noRespond(): Promise<never> {
  throw new Error('a workflow step has no response_url');
}

/**
 * What Workflow Builder shows when a step fails: the same words as a command's error, as plain
 * text (no emoji); an ambiguous id lists the candidates, since there are no buttons to pick from.
 */
export function stepErrorText(error: AppError, opId: string): string {
  if (error instanceof AmbiguousRefError) {
    const candidates = error.candidates.map((c) => `${c.connection}:${c.id} (${c.name})`).join(', ');
    return `${error.message} Candidates: ${candidates}. Give the step \`connection:id\`.`.slice(0, 2000);
  }
  return renderError(error, opId)
    .text.replace(/^:[a-z_]+: /, '')
    .slice(0, 2000);
}

/** A string input, trimmed; undefined when empty or absent. */
export function textInput(inputs: StepInputs, name: string): string | undefined {
  const value = inputs[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`The step's "${name}" input must be text.`);
  return value.trim() || undefined;
}

/** The `migration` input (an id, a prefix, or `connection:id`), narrowed by the `connection` input. */
export function refInput(inputs: StepInputs): ResourceRef {
  const typed = textInput(inputs, 'migration');
  if (!typed) {
    throw new InvalidInputError(
      'The step needs a migration id in its "migration" input (an id, a unique prefix of 4+ characters, or connection:id).',
    );
  }
  const match = RESOURCE_REF.exec(typed);
  if (!match) {
    throw new InvalidInputError(
      `"${typed.slice(0, 60)}" is not a migration id. Use the id from \`/migrate list\`, optionally as connection:id.`,
    );
  }
  const connection = match[1] ?? textInput(inputs, 'connection');
  return connection ? { connection, id: match[2]! } : { id: match[2]! };
}
