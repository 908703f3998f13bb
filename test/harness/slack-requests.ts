import { createHmac, randomBytes } from 'node:crypto';

/**
 * Builds and posts requests the way Slack does: form-encoded bodies signed with the app's signing
 * secret (`v0=HMAC-SHA256("v0:<ts>:<body>")`). Variants with a wrong signature or stale timestamp
 * test that nothing runs without a valid signature.
 */
export interface SignOptions {
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Replace the computed signature (to test rejection). */
  signature?: string;
  omitSignature?: boolean;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignOptions = {},
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
  };
  if (!options.omitSignature)
    headers['x-slack-signature'] = options.signature ?? slackSignature(secret, timestamp, body);
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body }).catch((error: unknown) => {
    // A kept-alive socket the bot's server closed as idle just as this request went out (Node's
    // 5 s keep-alive against the client's pool, lost under load): nothing reached the bot, so it
    // is sent once more on a new connection, as Slack retries a request that got no answer.
    if (!resetBeforeAnswer(error)) throw error;
    return fetch(url, { method: 'POST', headers, body });
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

/** `fetch failed` because the socket was reset before any answer came. */
function resetBeforeAnswer(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return error instanceof TypeError && (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET');
}

let interactionCount = 0;

/**
 * A `trigger_id` as Slack makes one for each command, click, shortcut and submission: never the
 * same twice. Two presses must not send the same bytes, or the bot drops the second as a replay.
 */
export function newTriggerId(): string {
  return `${Date.now()}.${++interactionCount}.${randomBytes(8).toString('hex')}`;
}

/** An `action_ts` as Slack stamps a click (seconds, six decimals): never the same twice here. */
export function newActionTs(): string {
  const micros = String(++interactionCount % 1000).padStart(3, '0');
  return `${(Date.now() / 1000).toFixed(3)}${micros}`;
}

export interface SlashCommandFields {
  text: string;
  team_id?: string;
  user_id?: string;
  channel_id?: string;
  response_url: string;
  trigger_id?: string;
}

export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    command: '/migrate',
    team_id: 'T0FAKE001',
    team_domain: 'fake',
    channel_id: 'C0FAKE001',
    channel_name: 'migrations',
    user_id: 'U0ALICE01',
    user_name: 'alice',
    api_app_id: 'A0MIGRATE',
    trigger_id: '1337.42.abcdef',
    ...fields,
  }).toString();
}

export interface ButtonClick {
  actionId: string;
  value: string;
  responseUrl: string;
  userId?: string;
  teamId?: string;
  channelId?: string;
  messageTs?: string;
}

export function blockActionBody(click: ButtonClick): string {
  const teamId = click.teamId ?? 'T0FAKE001';
  const payload = {
    type: 'block_actions',
    team: { id: teamId, domain: 'fake' },
    user: { id: click.userId ?? 'U0ALICE01', username: 'alice', team_id: teamId },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: click.messageTs ?? '1700000000.000001',
      channel_id: click.channelId ?? 'C0FAKE001',
      is_ephemeral: true,
    },
    trigger_id: newTriggerId(),
    channel: { id: click.channelId ?? 'C0FAKE001', name: 'migrations' },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: 'resource:x',
        value: click.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: newActionTs(),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function eventBody(teamId: string, event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0MIGRATE',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
