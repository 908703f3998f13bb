import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';

// A button on a watched card costs the provider the action and one read: the watches take that
// read instead of listing again, and nothing asks again unless the provider said the change is
// still under way. Counted at the OMS simulator, per click, through signed requests.
const t = new TestBot();
const OPERATOR = 'U0OPER009';
const CHANNEL = 'C0FAKE001';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [50, 100] } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.oms.timings.pauseDelayMs = 0;
});

/** The watch's card as Slack took it. */
async function watchedCard(id: string): Promise<RecordedCall & { ts: string }> {
  await t.ask(`watch ${id}`, { userId: OPERATOR });
  const card = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.postMessage')
      .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(id) && c.ts),
  );
  return card as RecordedCall & { ts: string };
}

/** The card as it reads now: its last edit, or as posted. */
function cardNow(card: RecordedCall & { ts: string }): Record<string, unknown> {
  const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === card.ts);
  return (edits.at(-1) ?? card).body;
}

/**
 * Presses `action` on `message` (the channel message `ts`) and returns what the OMS simulator was
 * asked, once the click's work and every re-check it started are done.
 */
async function press(message: Record<string, unknown>, ts: string, action: string): Promise<string[]> {
  const button = buttons(message).find((b) => b.action_id === action);
  expect(button, `a ${action} button`).toBeDefined();
  const from = t.oms.server.requests.length;
  const http = await postSigned(
    t.eventsUrl,
    SIGNING_SECRET,
    messageButtonBody(
      {
        actionId: action,
        value: button!.value,
        channelId: CHANNEL,
        messageTs: ts,
        responseUrl: t.fakeSlack.responseUrl(`${action}-${ts}-${from}`),
      },
      { userId: OPERATOR },
    ),
    FORM,
  );
  expect(http.status).toBe(200);
  await t.settled();
  await t.bot.deps.watcher.rechecksIdle();
  return t.oms.server.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/v2\/\w+/, '')}`);
}

describe('provider calls per click on a watched card', () => {
  it('Pause, Resume and Refresh: the action and one read, which the card shows', async () => {
    const task = t.oms.addTask({ id: '800900000000001', name: 'counted', status: 2, progress: 0.1 });
    const card = await watchedCard(task.id);
    const one = `/tasks/${task.id}`;

    expect(await press(cardNow(card), card.ts, 'resource.pause')).toEqual([`POST ${one}/stop`, `GET ${one}`]);
    expect(JSON.stringify(cardNow(card).blocks)).toContain(`Paused by <@${OPERATOR}>`);

    expect(await press(cardNow(card), card.ts, 'resource.resume')).toEqual([
      `POST ${one}/start`,
      `GET ${one}`,
    ]);
    expect(JSON.stringify(cardNow(card).blocks)).toContain(`Resumed by <@${OPERATOR}>`);

    expect(await press(cardNow(card), card.ts, 'resource.refresh')).toEqual([`GET ${one}`]);
  });

  it('a stale Pause: the refused action and one read, said to the presser', async () => {
    const task = t.oms.addTask({ id: '800900000000002', name: 'stale', status: 2, progress: 0.1 });
    const card = await watchedCard(task.id);
    const asPosted = card.body;
    await press(asPosted, card.ts, 'resource.pause');
    const one = `/tasks/${task.id}`;
    // The card as it was posted still offers Pause: the provider refuses it, one read says why.
    expect(await press(asPosted, card.ts, 'resource.pause')).toEqual([`POST ${one}/stop`, `GET ${one}`]);
    const told = t.fakeSlack.callsTo('chat.postEphemeral').at(-1);
    expect(String(told?.body.text)).toContain('Nothing was done');
  });

  it('I’m on it: one read, and nothing asks the provider again', async () => {
    const task = t.oms.addTask({ id: '800900000000003', name: 'claimed', status: 4, failCode: 'TRF.0015' });
    const card = await watchedCard(task.id);
    expect(await press(cardNow(card), card.ts, 'failure.claim')).toEqual([`GET /tasks/${task.id}`]);
    expect(JSON.stringify(cardNow(card).blocks)).toContain(`<@${OPERATOR}>`);
  });

  it('a pause still under way is asked about again only until the provider says Paused', async () => {
    t.oms.timings.pauseDelayMs = 60_000;
    const task = t.oms.addTask({ id: '800900000000004', name: 'slow-pause', status: 2, progress: 0.1 });
    const card = await watchedCard(task.id);
    const one = `/tasks/${task.id}`;
    const from = t.oms.server.requests.length;
    const pressed = press(cardNow(card), card.ts, 'resource.pause');
    // The read after the stop said Pausing: the watches are polled again; once OMS is done, no more.
    await until(() => t.oms.server.requests.slice(from).some((r) => r.path.endsWith('/tasks')), {
      what: 'a re-check while pausing',
      timeoutMs: 10_000,
    });
    t.oms.clock.advance(60_000);
    const asked = await pressed;
    expect(asked.slice(0, 2)).toEqual([`POST ${one}/stop`, `GET ${one}`]);
    const lists = asked.slice(2);
    expect(lists.length).toBeGreaterThan(0);
    expect(new Set(lists)).toEqual(new Set(['GET /tasks']));
    expect(JSON.stringify(cardNow(card).blocks)).toContain(`Paused by <@${OPERATOR}>`);
  });
});
