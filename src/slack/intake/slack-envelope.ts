import { z } from 'zod';

/**
 * The envelope of every request Slack sends the bot, checked before Bolt sees it. Bolt assumes
 * these shapes: on a signed `null`, an `actions` that is not a list, `user: null` or
 * `event.channel: null` it throws (or, in the receiver's own code, ended the process). Only the
 * fields Bolt and the bot read are checked; everything else passes untouched.
 */
const id = z.string().min(1);
const idOrNull = z.string().nullish();

/** Common to every interactive payload: Bolt reads `user.id`, `team.id` (null on org-wide installs), `channel.id`. */
const interactive = {
  user: z.object({ id, team_id: z.string().optional() }),
  team: z.object({ id, enterprise_id: idOrNull }).nullish(),
  enterprise: z.object({ id }).nullish(),
  channel: z.object({ id: z.string() }).optional(),
  response_url: z.string().optional(),
  response_urls: z.array(z.object({ response_url: z.string() })).optional(),
  trigger_id: z.string().optional(),
  is_enterprise_install: z.boolean().optional(),
};

const blockActions = z.object({
  ...interactive,
  type: z.literal('block_actions'),
  actions: z.array(z.object({ action_id: z.string(), block_id: z.string().optional() })).min(1),
});

const blockSuggestion = z.object({
  ...interactive,
  type: z.literal('block_suggestion'),
  action_id: z.string(),
  block_id: z.string().optional(),
  value: z.string().optional(),
});

const viewAction = z.object({
  ...interactive,
  type: z.enum(['view_submission', 'view_closed']),
  view: z.object({ callback_id: z.string(), app_installed_team_id: z.string().optional() }),
});

const shortcut = z.object({
  ...interactive,
  type: z.enum(['shortcut', 'message_action']),
  callback_id: z.string(),
  trigger_id: z.string(),
});

/** A slash command arrives as form fields: every one a single string (a repeated field is a list). */
const slashCommand = z.object({
  command: z.string().startsWith('/'),
  team_id: id,
  user_id: id,
  channel_id: z.string().optional(),
  text: z.string().optional(),
  response_url: z.string().optional(),
  trigger_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  is_enterprise_install: z.string().optional(),
  // A command has no `type`: with one, Bolt would still route it as a command.
  type: z.undefined().optional(),
});

const eventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: z.string().optional(),
  enterprise_id: idOrNull,
  authorizations: z
    .array(
      z.object({ team_id: idOrNull, enterprise_id: idOrNull, is_enterprise_install: z.boolean().optional() }),
    )
    .optional(),
  // Bolt reads `event.user.id`, `event.channel.id`/`.creator`, `event.item.channel`, `event.subteam.created_by`.
  event: z.object({
    type: id,
    user: z.union([z.string(), z.object({})]).optional(),
    channel: z.union([z.string(), z.object({})]).optional(),
    item: z.object({}).optional(),
    subteam: z.object({}).optional(),
  }),
});

const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() });

/** Slack tells the app its events are being dropped; nothing to run, but the shape is Slack's. */
const appRateLimited = z.object({ type: z.literal('app_rate_limited') });

export type EnvelopeCheck = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Picks the schema in the order Bolt classifies a body (`event`, then `command`, then options,
 * actions, shortcuts, views), so what passes here is routed by Bolt the way it was checked.
 */
export function checkSlackEnvelope(body: unknown): EnvelopeCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      ok: false,
      reason: `the payload is ${body === null ? 'null' : Array.isArray(body) ? 'a list' : `a ${typeof body}`}, not an object`,
    };
  const record = body as Record<string, unknown>;
  const schema = schemaFor(record);
  if (!schema)
    return { ok: false, reason: `no request of a kind Slack sends (type ${describeType(record.type)})` };
  const checked = schema.safeParse(record);
  if (checked.success) return { ok: true, body: record };
  const issue = checked.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
}

function schemaFor(body: Record<string, unknown>): z.ZodType | undefined {
  if (body.event !== undefined) return eventCallback;
  if (body.command !== undefined) return slashCommand;
  if (body.name !== undefined || body.type === 'block_suggestion') return blockSuggestion;
  if (body.actions !== undefined) return blockActions;
  switch (body.type) {
    case 'shortcut':
    case 'message_action':
      return shortcut;
    case 'view_submission':
    case 'view_closed':
      return viewAction;
    case 'url_verification':
      return urlVerification;
    case 'app_rate_limited':
      return appRateLimited;
    default:
      return undefined;
  }
}

/** The type as words for a log line: never the caller's text beyond a short, printable excerpt. */
function describeType(type: unknown): string {
  if (typeof type !== 'string') return typeof type;
  return JSON.stringify(type.slice(0, 40).replace(/[^\w.-]/g, '?'));
}
