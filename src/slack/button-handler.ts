import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { HandlerContext } from '../contract/handler-context.js';
import { handlerContextOf } from './context.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Who clicked or submitted, where: from the signed payload only (never a button's value, a view's metadata). */
const clickSchema = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
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

/** The channel message a button was on (not an ephemeral reply), as Slack sent it along. */
export function postedOn(body: unknown): { channel: string; ts: string } | undefined {
  const b = body as {
    container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    message?: { ts?: string };
  };
  const c = b.container;
  if (c?.type !== 'message' || c.is_ephemeral || !c.channel_id || !b.message) return undefined;
  const ts = c.message_ts ?? b.message.ts;
  return ts ? { channel: c.channel_id, ts } : undefined;
}

/**
 * Every button listener: the work with the handler context the time budget acked and built
 * from the signed payload (failures answered to the clicker, within the budget; the confirm dialog,
 * if any, already ran on the client).
 */
export function buttonHandler(work: (ctx: HandlerContext, args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs): Promise<void> => {
    await work(handlerContextOf(args.context), args);
  };
}
