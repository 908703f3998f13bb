import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';

// Refresh on a watched card, or on one of the watch's event posts, is a request to the one editor:
// the card is redrawn whole (who watches it, its windows, its verification), never replaced by the
// plain card a `/migrate status` draws, and an event post is never turned into a card.
const t = new TestBot();
const OPERATOR = 'U0OPER007';
const CHANNEL = 'C0FAKE001';
const WATCHED_BY = `Watched in this channel by <@${OPERATOR}>`;

beforeAll(async () => {
  // The bot's clock: real time, but the post pacer's waits between posts move it instead of
  // taking wall time.
  await t.start({
    clock: new TestClock(),
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { recheckAfterMs: [] },
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.fakeSlack.clear();
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

/** Presses Refresh on the channel message `ts` (a button of `message`), as Slack sends it. */
async function refresh(message: Record<string, unknown>, ts: string, responseId: string) {
  const button = buttons(message).find((b) => b.action_id === 'resource.refresh');
  expect(button, 'a Refresh button').toBeDefined();
  const http = await postSigned(
    t.eventsUrl,
    SIGNING_SECRET,
    messageButtonBody(
      {
        actionId: 'resource.refresh',
        value: button!.value,
        channelId: CHANNEL,
        messageTs: ts,
        responseUrl: t.fakeSlack.responseUrl(responseId),
      },
      { userId: OPERATOR },
    ),
    FORM,
  );
  expect(http.status).toBe(200);
}

describe('Refresh on a watched card', () => {
  it('has the one editor redraw the whole card; nothing replaces it', async () => {
    const task = t.oms.addTask({ id: '800700000000001', name: 'refreshed-card', status: 2, progress: 0.2 });
    const card = await watchedCard(task.id);
    expect(JSON.stringify(card.body.blocks)).toContain(WATCHED_BY);
    t.oms.clock.advance(60_000);

    await refresh(card.body, card.ts, 'refresh-card');
    const edit = await t.fakeSlack.waitFor(
      () => t.fakeSlack.callsTo('chat.update').find((c) => c.body.ts === card.ts),
      5_000,
    );
    await t.settled();
    const drawn = JSON.stringify(edit.body.blocks);
    expect(drawn).toContain(WATCHED_BY);
    // The figures the provider gave the Refresh, not the ones the card was posted with.
    const before = JSON.stringify(card.body.blocks).match(/\*(\d+)%\*/)?.[1];
    const after = drawn.match(/\*(\d+)%\*/)?.[1];
    expect(Number(after)).toBeGreaterThan(Number(before));
    // The click's response_url replaced nothing (it would draw the card without its watch lines).
    expect(t.fakeSlack.responsesTo('refresh-card')).toEqual([]);
  });

  it('answers an event post privately with the whole card, leaving the post as it is', async () => {
    const task = t.oms.addTask({ id: '800700000000002', name: 'refreshed-post', status: 2, progress: 0.3 });
    await watchedCard(task.id);
    await t.ask(`pause ${task.id}`, { userId: OPERATOR });
    t.oms.clock.advance(5_000);
    const paused = await until(
      async () => {
        const reply = notifications(t.fakeSlack).find((n) => n.event === 'paused' && n.key.includes(task.id));
        if (reply?.ts) return reply;
        await t.bot.deps.watcher.runCycle();
        return undefined;
      },
      { what: 'the paused reply in the thread', timeoutMs: 10_000 },
    );
    await t.settled();
    const edits = t.fakeSlack.callsTo('chat.update').length;

    await refresh(paused.body, paused.ts!, 'refresh-post');
    const answer = await t.answer('refresh-post');
    await t.settled();
    expect(answer.replace_original).not.toBe(true);
    expect(answer.response_type).toBe('ephemeral');
    const said = JSON.stringify(answer.blocks);
    expect(said).toContain(WATCHED_BY);
    expect(said).toContain(`Paused by <@${OPERATOR}>`);
    // The paused line in the thread is still the paused line.
    const touched = t.fakeSlack
      .callsTo('chat.update')
      .slice(edits)
      .filter((c) => c.body.ts === paused.ts);
    expect(touched).toEqual([]);
  });
});
