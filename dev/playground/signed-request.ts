import { createHmac } from 'node:crypto';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** Slack gives an app 3 seconds to acknowledge a request before it shows "operation_timeout". */
export const SLACK_ACK_TIMEOUT_MS = 3_000;

export interface BotAnswer {
  status: number;
  /** The acknowledgement body: empty, or JSON (options, view response actions, a message). */
  text: string;
}

/** `v0=HMAC-SHA256("v0:<timestamp>:<body>")` with the app's signing secret, as Slack signs. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts a request to the bot exactly as Slack would: signed, timestamped, with Slack's ack deadline. */
export async function postSignedToBot(
  eventsUrl: string,
  signingSecret: string,
  body: string,
  contentType: string,
  timeoutMs = SLACK_ACK_TIMEOUT_MS,
): Promise<BotAnswer> {
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, text: await res.text() };
}

/** Interactivity payloads travel form-encoded as `payload=<json>`. */
export function interactivityBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
