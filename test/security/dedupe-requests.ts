import { JSON_TYPE, slackSignature } from '../harness/slack-requests.js';
import { SIGNING_SECRET, type TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

/**
 * What the inbound-dedupe tests send and read: a request signed at a chosen timestamp (so the same
 * bytes can be replayed exactly), with Slack's retry headers when it redelivers an event, and the
 * dropped-duplicates counter from `/metrics`.
 */
export interface Delivery {
  body: string;
  contentType: string;
  /** Unix seconds the signature is made for. */
  timestamp: number;
  /** `X-Slack-Retry-Num`, as Slack sends on a redelivered event. */
  retryNum?: number;
}

export async function deliver(url: string, d: Delivery): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {
    'content-type': d.contentType,
    'x-slack-request-timestamp': String(d.timestamp),
    'x-slack-signature': slackSignature(SIGNING_SECRET, d.timestamp, d.body),
  };
  if (d.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(d.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: d.body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** An event as Slack redelivers it: the same body (and `event_id`), signed anew, with its retry number. */
export function redelivery(body: string, retryNum: number): Delivery {
  return { body, contentType: JSON_TYPE, timestamp: nowSeconds(), retryNum };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `migrate_bot_slack_duplicates_total{kind}` of this bot, 0 before the first. */
export async function duplicatesDropped(t: Pick<TestBot, 'bot'>, kind: string): Promise<number> {
  const { body } = await t.bot.deps.metrics!.scrape();
  const line = body
    .split('\n')
    .find((l) => l.startsWith(`migrate_bot_slack_duplicates_total{kind="${kind}"} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Waits (bounded) until the bot has dropped `count` duplicates of `kind`. */
export async function untilDropped(t: TestBot, kind: string, count: number): Promise<void> {
  const dropped = async () => (await duplicatesDropped(t, kind)) >= count;
  await until(dropped, { what: `${count} duplicate(s) of kind ${kind} dropped`, everyMs: 25 });
}
