import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { afterAck } from './after-ack.js';
import { type AppDeps, createHandlerContext, type HandlerContext } from './context.js';
import { runSafely } from './run-safely.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Who clicked, where: from the signed payload only (never from a button's value). */
const clickSchema = z.object({
  team: z.object({ id: z.string().min(1) }).nullable(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
});

export function whoClicked(body: unknown): { teamId: string; userId: string; channelId: string | undefined } {
  const click = clickSchema.parse(body);
  return {
    teamId: click.team?.id ?? click.user.team_id ?? '',
    userId: click.user.id,
    channelId: click.channel?.id,
  };
}

/**
 * Every button listener: ack at once, build the handler context from the signed payload, run the
 * work with failures answered to the clicker (the confirm dialog, if any, already ran on the client).
 */
export function buttonHandler(deps: AppDeps, work: (ctx: HandlerContext, args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await afterAck();
    const who = { ...whoClicked(args.body), what: args.action.action_id };
    const ctx = createHandlerContext(deps, who, args.respond, 'button');
    await runSafely(ctx, () => work(ctx, args));
  };
}
