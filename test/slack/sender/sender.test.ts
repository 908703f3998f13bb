import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../../dev/fake-slack/fake-slack.js';
import { createConfig } from '../../../src/config.js';
import { SecretRegistry } from '../../../src/secrets.js';
import { SlackSender } from '../../../src/slack/sender.js';
import { SlackApiError } from '../../../src/slack/slack-api-error.js';
import { SlackClients } from '../../../src/slack/slack-clients.js';
import { SlackHistoryProxy } from '../../harness/slack-history-proxy.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * The sender is the one door to Slack (issue #12, rule 2): every kind of call it makes (post, DM,
 * edit, ephemeral, modal open/push/update, Home tab, response_url answer, view ack) reaches Slack
 * scrubbed of the receiving workspace's secrets and the bot's own, and never of another
 * workspace's; every Web API failure comes back as one `SlackApiError`. Driven over loopback
 * against the fake Slack, through the real Web API client.
 */

const TEAM = 'T0FAKE001';
const OTHER_TEAM = 'T0OTHER01';
/** A credential of TEAM's connection, as a provider might echo it in an error or a name. */
const TEAM_SECRET = 'team-connection-secret-key-0000000001';
/** The bot's own secret (a token): masked everywhere. */
const BOT_SECRET = 'bot-wide-secret-value-00000000000001';
/** Another workspace's credential: nobody in TEAM knows it, so TEAM's messages keep it as typed. */
const OTHER_SECRET = 'other-team-secret-key-0000000000001';
const MASK = '••••••';

const fake = new FakeSlack({ botToken: BOT_TOKEN });
/** The fake in front of it answering `conversations.history`/`replies` from what was posted. */
const proxy = new SlackHistoryProxy(fake);
let sender: SlackSender;

beforeAll(async () => {
  await fake.start();
  await proxy.start();
  const config = createConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: proxy.apiUrl,
    STORE_URL: 'memory://',
  });
  const secrets = new SecretRegistry();
  secrets.add(BOT_SECRET);
  secrets.addForTeam(TEAM, TEAM_SECRET);
  secrets.addForTeam(OTHER_TEAM, OTHER_SECRET);
  sender = new SlackSender(new SlackClients(config, captureLogger('fatal').logger), secrets);
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

/** A message whose every string a provider could have filled carries the secrets. */
function leaky(what: string) {
  const words = `${what}: ${TEAM_SECRET} / ${BOT_SECRET} / ${OTHER_SECRET}`;
  return {
    text: words,
    blocks: [
      { type: 'section' as const, text: { type: 'mrkdwn' as const, text: `*${words}*` } },
      { type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `\`${TEAM_SECRET}\`` }] },
    ],
  };
}

function modal(what: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'Leaky' },
    blocks: leaky(what).blocks,
    private_metadata: TEAM_SECRET,
  };
}

describe('SlackSender', () => {
  it('scrubs every kind of call: post, DM, edit, ephemeral, modals, Home tab, respond, ack', async () => {
    fake.clear();
    const slack = sender.to(TEAM);
    const posted = await slack.post({ channel: 'C0FAKE001', ...leaky('post') });
    await slack.dm('U0ALICE01', leaky('dm'));
    await slack.update({ channel: posted.channel, ts: posted.ts, ...leaky('update') });
    await slack.ephemeral({ channel: 'C0FAKE001', user: 'U0ALICE01', ...leaky('ephemeral') });
    const opened = await slack.openView('trigger-1', modal('open'));
    await slack.pushView('trigger-2', modal('push'));
    await slack.updateView(opened.id ?? 'V1', modal('update view'));
    await slack.publishHome('U0ALICE01', { type: 'home', blocks: leaky('home').blocks });
    await slack.respond(
      async (message) =>
        fetch(fake.responseUrl('sender-1'), { method: 'POST', body: JSON.stringify(message) }),
      { response_type: 'ephemeral', ...leaky('respond') },
    );
    let acked: unknown;
    await slack.ack(
      async (response?: unknown) => {
        acked = response;
      },
      { response_action: 'errors', errors: { name: `refused: ${TEAM_SECRET}` } },
    );

    const methods = fake.calls.map((c) => c.method);
    expect(methods).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
      'chat.postEphemeral',
      'views.open',
      'views.push',
      'views.update',
      'views.publish',
    ]);
    const sent = JSON.stringify([fake.calls.map((c) => c.body), fake.responsesTo('sender-1'), acked]);
    expect(sent).not.toContain(TEAM_SECRET);
    expect(sent).not.toContain(BOT_SECRET);
    // Masked, not dropped: every call still says what it was about.
    for (const call of fake.calls) expect(JSON.stringify(call.body)).toContain(MASK);
    expect(JSON.stringify(fake.responsesTo('sender-1'))).toContain(MASK);
    expect(JSON.stringify(acked)).toContain(MASK);
    // Another workspace's secret means nothing here and is left alone.
    expect(sent).toContain(OTHER_SECRET);
  });

  it("masks a workspace's secret in its own messages only", async () => {
    fake.clear();
    await sender.to(OTHER_TEAM).post({ channel: 'C0OTHER01', text: `${TEAM_SECRET} ${OTHER_SECRET}` });
    const text = String(fake.callsTo('chat.postMessage')[0]?.body.text);
    expect(text).toBe(`${TEAM_SECRET} ${MASK}`);
  });

  it('masks what a refused form typed in that answer only (alsoMask)', async () => {
    fake.clear();
    const typed = 'typed-by-someone-in-a-form-000001';
    await sender.to(TEAM, { alsoMask: [typed] }).post({ channel: 'C0FAKE001', text: `a ${typed}` });
    await sender.to(TEAM).post({ channel: 'C0FAKE001', text: `b ${typed}` });
    expect(fake.callsTo('chat.postMessage').map((c) => c.body.text)).toEqual([`a ${MASK}`, `b ${typed}`]);
  });

  it('turns Slack refusals, 429s and HTTP errors into SlackApiError, naming the method only', async () => {
    fake.channels.removeBot('C0GONE001');
    const refused = await sender
      .to(TEAM)
      .post({ channel: 'C0GONE001', text: `about ${TEAM_SECRET}` })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlackApiError);
    expect(refused).toMatchObject({ method: 'chat.postMessage', kind: 'platform', code: 'not_in_channel' });
    expect((refused as SlackApiError).data).toEqual({ error: 'not_in_channel' });
    expect(String((refused as Error).message)).not.toContain(TEAM_SECRET);

    fake.rateLimit('chat.update', 7);
    const limited = await sender
      .to(TEAM, { purpose: 'background' })
      .update({ channel: 'C0FAKE001', ts: '1700000000.000100', text: 'x' })
      .catch((e: unknown) => e);
    expect(limited).toMatchObject({ method: 'chat.update', kind: 'rate-limited', retryAfterSeconds: 7 });

    fake.setDown(true);
    try {
      const down = await sender
        .to(TEAM, { purpose: 'background' })
        .ephemeral({ channel: 'C0FAKE001', user: 'U0ALICE01', text: 'x' })
        .catch((e: unknown) => e);
      expect(down).toMatchObject({ method: 'chat.postEphemeral', kind: 'http', statusCode: 503 });
    } finally {
      fake.setDown(false);
    }
  });

  it('finds a message by the key in its metadata (the outbox look-up after a crash)', async () => {
    fake.clear();
    const slack = sender.to(TEAM, { purpose: 'background' });
    const posted = await slack.post({
      channel: 'C0FIND001',
      text: 'carrying a key',
      metadata: { event_type: 'migrate_bot_notification', event_payload: { key: 'k-1' } },
    });
    const oldest = String(Math.floor(Date.now() / 1000) - 60);
    expect(await slack.findByMetadata({ channel: 'C0FIND001', oldest, key: 'k-1' })).toBe(posted.ts);
    expect(await slack.findByMetadata({ channel: 'C0FIND001', oldest, key: 'k-2' })).toBeUndefined();
  });
});
