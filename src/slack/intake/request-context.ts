import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { HandlerContext } from '../../contract/handler-context.js';
import { whoClicked } from '../button-handler.js';
import { type AppDeps, createHandlerContext, type RespondFn } from '../context.js';
import { homeAnswers } from '../home/home-context.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** The fields of a slash-command payload the bot relies on. */
const commandPayloadSchema = z.object({
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  trigger_id: z.string().optional(),
  text: z.string().max(4000).default(''),
});

/** A view's submission or closing, a shortcut: who, from the signed payload. */
const viewSchema = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  view: z.object({ callback_id: z.string().optional(), team_id: z.string().optional() }).optional(),
  callback_id: z.string().optional(),
  trigger_id: z.string().optional(),
});

/** Slack passes the person running a workflow as a `user_context` input, `{ id, secret }`. */
const stepSchema = z.object({
  team_id: z.string().min(1).optional(),
  event: z.object({
    type: z.literal('function_executed'),
    function: z.object({ callback_id: z.string() }).optional(),
    inputs: z
      .object({ user_context: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,39}$/) }).optional() })
      .optional(),
  }),
});

const homeOpenedSchema = z.object({
  event: z.object({ type: z.literal('app_home_opened'), user: z.string().min(1) }),
});

/** Who asked, how the request is answered (none: beside the channel of its modal) and on which surface. */
interface Asked {
  who: { teamId: string; userId: string; channelId: string | undefined; triggerId?: string; what?: string };
  respond: RespondFn | undefined;
  surface: string;
}

/**
 * The one place a Slack request's handler context is made (probot's one context per event), for
 * every surface with a person behind it, from the signed payload only: a command or a button on a
 * message (answered on its response_url), a Home-tab button (the tab redrawn), a modal's button or
 * submission (answered beside the channel its listener names, `inChannel`), a shortcut, a workflow
 * step (run as the person running the workflow) and the Home tab opened. Undefined for the rest.
 */
export function requestContext(deps: AppDeps, args: Args): HandlerContext | undefined {
  const asked = askedBy(deps, args);
  if (!asked) return undefined;
  const made: { ctx?: HandlerContext } = {};
  const respond = asked.respond ?? ((message) => besideModal(deps, made.ctx!, message));
  made.ctx = createHandlerContext(deps, asked.who, respond, asked.surface);
  return made.ctx;
}

function askedBy(deps: AppDeps, args: Args): Asked | undefined {
  const body = args.body as Record<string, unknown>;
  const respond = (args as { respond?: RespondFn }).respond;
  if (typeof body.command === 'string') {
    const p = commandPayloadSchema.parse(body);
    const who = { teamId: p.team_id, userId: p.user_id, channelId: p.channel_id, triggerId: p.trigger_id };
    return { who, respond: respond ?? noAnswer, surface: 'command' };
  }
  if (body.type === 'block_actions') {
    const click = body as {
      trigger_id?: string;
      actions?: { action_id?: string }[];
      view?: { type?: string };
    };
    const who = { ...whoClicked(body), triggerId: click.trigger_id, what: click.actions?.[0]?.action_id };
    if (respond || click.view?.type !== 'home') return { who, respond, surface: 'button' };
    const home = { ...who, channelId: undefined, what: who.what ?? 'home' };
    return { who: home, respond: homeAnswers(deps, who, args.client), surface: 'button' };
  }
  if (body.type === 'view_submission' || body.type === 'view_closed') {
    const v = viewSchema.safeParse(body);
    if (!v.success) return undefined;
    const teamId = v.data.team?.id ?? v.data.user.team_id ?? v.data.view?.team_id ?? '';
    const what = v.data.view?.callback_id;
    return {
      who: { teamId, userId: v.data.user.id, channelId: undefined, what },
      respond: undefined,
      surface: 'view',
    };
  }
  if (body.type === 'shortcut' || body.type === 'message_action') {
    const v = viewSchema.safeParse(body);
    if (!v.success) return undefined;
    const teamId = v.data.team?.id ?? v.data.user.team_id ?? '';
    const who = { teamId, userId: v.data.user.id, channelId: undefined, triggerId: v.data.trigger_id };
    return { who: { ...who, what: v.data.callback_id }, respond: noAnswer, surface: 'shortcut' };
  }
  const step = stepSchema.safeParse(body);
  if (step.success) {
    const { event } = step.data;
    const teamId = args.context.teamId ?? step.data.team_id ?? '';
    // Without the person the step refuses to run (its runner says why): named `workflow` until then.
    const userId = event.inputs?.user_context?.id ?? 'workflow';
    const who = { teamId, userId, channelId: undefined, what: event.function?.callback_id };
    return { who, respond: noAnswer, surface: 'workflow' };
  }
  const home = homeOpenedSchema.safeParse(body);
  if (!home.success) return undefined;
  const who = { teamId: args.context.teamId ?? '', userId: home.data.event.user, channelId: undefined };
  return { who, respond: noAnswer, surface: 'home' };
}

/**
 * A modal's request has no response_url: its answers after the ack are ephemeral messages beside
 * the channel its listener names from the modal's metadata (`inChannel`), and none without one.
 */
async function besideModal(
  deps: AppDeps,
  ctx: HandlerContext,
  message: Record<string, unknown>,
): Promise<void> {
  if (!ctx.channelId) return;
  await deps.slack.sender.to(ctx.teamId).ephemeral({
    channel: ctx.channelId,
    user: ctx.userId,
    text: String(message.text ?? ''),
    ...(message.blocks ? { blocks: message.blocks as unknown[] } : {}),
  });
}

/** Shortcuts, workflow steps and the Home tab opened answer through their own calls, never a response_url. */
async function noAnswer(): Promise<never> {
  throw new Error('this request has no response_url');
}
