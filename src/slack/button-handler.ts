import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { workSlotReleaser } from './ack-first-receiver.js';
import { afterAck } from './after-ack.js';
import { type AppDeps, createHandlerContext, type HandlerContext } from './context.js';
import { answerInTime } from './interactive-budget.js';

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
 * work with failures answered to the clicker and within the interactive time budget (the confirm
 * dialog, if any, already ran on the client).
 */
export function buttonHandler(deps: AppDeps, work: (ctx: HandlerContext, args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await afterAck();
    const clicked = createHandlerContext(
      deps,
      // The click's trigger (it lives 3 s), for a button that opens a form.
      { ...whoClicked(args.body), triggerId: args.body.trigger_id, what: args.action.action_id },
      args.respond,
      'button',
    );
    const options = {
      surface: 'button',
      releaseSlot: workSlotReleaser(args.context),
      budget: deps.interactiveBudget,
    } as const;
    await answerInTime(clicked, options, (ctx) => work(ctx, args));
  };
}
