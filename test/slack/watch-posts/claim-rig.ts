import { afterAll, beforeAll, expect } from 'vitest';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

type Json = Record<string, unknown>;

/**
 * A bot on `hw-prod` driven by hand, `operators` granted, started for the file. Its clock is real
 * time, but the post pacer's waits move it instead of taking wall time; and many presses fit in
 * one 10 s edit window (claim-failure.test.ts checks the budget itself).
 */
export function claimBot(operators: readonly string[]): TestBot {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({
      connections: (omsUrl) => [omsConnection('hw-prod', omsUrl)],
      clock: new TestClock(),
      env: { POLL_INTERVAL_SECONDS: '0' },
    });
    t.bot.deps.watcher.options.editBudget = { windowMs: 10_000, max: 1_000 };
    for (const user of operators) await t.ask(`access grant <@${user}|oper> operator`);
  });
  afterAll(() => t.stop());
  return t;
}

export interface PressOnMessage {
  /** The message the button is on, and its ts (the one Slack answered with). */
  message: Json;
  ts: string;
  channel: string;
  /** A private card (an ephemeral message). */
  ephemeral?: boolean;
  button: { action_id: string; value: string; text?: string };
  blockId: string;
  userId: string;
  /** Names the click's trigger and response URL. */
  tag: string;
}

/**
 * A click on a button of a posted message as Slack sends it (a signed `block_actions` with the
 * message it is on, in its channel); how many edits fake Slack had seen before it.
 */
export async function pressOnMessage(t: TestBot, p: PressOnMessage): Promise<number> {
  const action = {
    type: 'button',
    action_id: p.button.action_id,
    block_id: p.blockId,
    value: p.button.value,
  };
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE001', domain: 'fake' },
    user: { id: p.userId, username: 'someone', team_id: 'T0FAKE001' },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: p.ts, channel_id: p.channel, is_ephemeral: !!p.ephemeral },
    trigger_id: `1337.${Date.now()}.${p.tag}`,
    channel: { id: p.channel, name: 'ops' },
    message: { type: 'message', ts: p.ts, text: p.message.text, blocks: p.message.blocks },
    response_url: t.fakeSlack.responseUrl(`${p.tag}-${p.userId}-${Date.now()}`),
    actions: [
      {
        ...action,
        ...(p.button.text === undefined ? {} : { text: { type: 'plain_text', text: p.button.text } }),
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  const before = t.fakeSlack.callsTo('chat.update').length;
  const http = await postSigned(
    t.eventsUrl,
    SIGNING_SECRET,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    FORM,
  );
  expect(http.status).toBe(200);
  return before;
}

/** The first edit of message `ts` after `before` edits. */
export async function editOf(t: TestBot, ts: string, before: number): Promise<Json> {
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.update')
      .slice(before)
      .find((c) => c.body.ts === ts),
  );
  return call.body;
}
