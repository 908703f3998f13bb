import type { AllMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { InvalidInputError } from '../../../errors.js';
import { afterAck } from '../../after-ack.js';
import { type ButtonArgs, whoClicked } from '../../button-handler.js';
import { type AppDeps, createHandlerContext, type HandlerContext } from '../../context.js';
import { runSafely } from '../../run-safely.js';
import { publishHome } from '../events/app-home-opened.js';

export const approvalId = z.string().regex(/^[a-f0-9]{10}$/);

/** The request id a decision button carries (never trusted for anything else). */
export function requestIdOf(value: string | undefined): string {
  const id = approvalId.safeParse(value);
  if (!id.success) throw new InvalidInputError('This button is from an older version of the bot.');
  return id.data;
}

/**
 * A handler context for a click on the Home tab: there is no response_url there, so its answer is
 * the tab itself, redrawn with the answer on top (what the request became, or why not).
 */
export function homeContext(
  deps: AppDeps,
  who: { teamId: string; userId: string; what: string },
  client: AllMiddlewareArgs['client'],
): HandlerContext {
  return createHandlerContext(
    deps,
    { ...who, channelId: undefined },
    async (message) => {
      // A rejection's reason comes as a block of its own: shown as the reply has it.
      const blocks = Array.isArray(message.blocks) ? (message.blocks as KnownBlock[]) : undefined;
      await publishHome(deps, client, who.teamId, who.userId, blocks ?? String(message.text ?? ''));
    },
    'button',
  );
}

/** A Home tab button: ack, then the work, any failure answered on the tab. */
export function homeButton(deps: AppDeps, work: (ctx: HandlerContext, args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await afterAck();
    const { teamId, userId } = whoClicked(args.body);
    const ctx = homeContext(deps, { teamId, userId, what: args.action.action_id }, args.client);
    await runSafely(ctx, () => work(ctx, args));
  };
}
