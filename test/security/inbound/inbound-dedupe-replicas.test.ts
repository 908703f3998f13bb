import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, FORM, JSON_TYPE, slashCommandBody } from '../../harness/slack-requests.js';
import { TestBot } from '../../harness/test-bot.js';
import { REDIS_URL } from '../../harness/watcher-rig.js';
import { deliver, duplicatesDropped, nowSeconds, redelivery, untilDropped } from '../dedupe-requests.js';

/**
 * Issue #36, item 2: the seen-keys live in the store, so two replicas on one Redis share them. A
 * request the first replica handled is a duplicate on the second. The two bots use a database of
 * their own on the test Redis; every key this test makes holds an id of its own run.
 */
const SHARED = `${REDIS_URL.replace(/\/\d*$/, '')}/7`;
const a = new TestBot();
const b = new TestBot();

beforeAll(async () => {
  const env = { STORE_URL: SHARED, POLL_INTERVAL_SECONDS: '0' };
  await Promise.all([a.start({ env }), b.start({ env })]);
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

describe('two replicas on one Redis', () => {
  it('a command the first replica ran is dropped by the second, byte for byte', async () => {
    const responseId = `replica-cmd-${Date.now()}`;
    // Both bots answer on the first bot's fake Slack: a second run would post there again.
    const body = slashCommandBody({ text: 'help', response_url: a.fakeSlack.responseUrl(responseId) });
    const captured = { body, contentType: FORM, timestamp: nowSeconds() };
    const dropped = await duplicatesDropped(b, 'command');
    expect((await deliver(a.eventsUrl, captured)).status).toBe(200);
    await a.answer(responseId);
    expect((await deliver(b.eventsUrl, captured)).status).toBe(200);
    await untilDropped(b, 'command', dropped + 1);
    expect(a.fakeSlack.responsesTo(responseId)).toHaveLength(1);
    expect(await duplicatesDropped(a, 'command')).toBe(0);
  });

  it('an event retried to the other replica is dropped there', async () => {
    const user = `U0R${Date.now().toString(36).toUpperCase()}`;
    const body = eventBody('T0FAKE001', { type: 'app_home_opened', user, channel: 'D0HOME001', tab: 'home' });
    const dropped = await duplicatesDropped(b, 'event');
    expect(
      (await deliver(a.eventsUrl, { body, contentType: JSON_TYPE, timestamp: nowSeconds() })).status,
    ).toBe(200);
    await a.fakeSlack.waitFor(() =>
      a.fakeSlack.callsTo('views.publish').find((c) => c.body.user_id === user),
    );
    expect((await deliver(b.eventsUrl, redelivery(body, 1))).status).toBe(200);
    await untilDropped(b, 'event', dropped + 1);
    expect(b.fakeSlack.callsTo('views.publish').filter((c) => c.body.user_id === user)).toEqual([]);
  });
});
