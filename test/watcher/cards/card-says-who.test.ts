import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue #13, "Who did what": the card in the channel (not only the private reply) says who paused
// it, it moves to the requested state within seconds rather than at the next poll cycle, and a card
// drawn later (Refresh, someone else's status) still says who did it.
const t = new TestBot();
const OPERATOR = 'U0OPER003';
const CHANNEL = 'C0FAKE001';

beforeAll(async () => {
  // No schedule at all: only the early re-checks after an action can move the card.
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [300, 1_500] } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

/** The channel card's edits for one task, as their blocks' JSON. */
function cardEdits(id: string): string[] {
  return t.fakeSlack
    .callsTo('chat.update')
    .filter((c) => c.body.channel === CHANNEL && JSON.stringify(c.body.blocks).includes(id))
    .map((c) => JSON.stringify(c.body.blocks));
}

describe('pausing a watched task through the bot', () => {
  it('edits the channel card to "Pausing… requested by", then "Paused by", without waiting for a cycle', async () => {
    const task = t.oms.addTask({ id: '800300000000001', name: 'who-paused', status: 2 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    await t.ask(`pause ${task.id}`, { userId: OPERATOR });
    const requested = await t.fakeSlack.waitFor(
      () => cardEdits(task.id).find((b) => b.includes(`Pausing… requested by <@${OPERATOR}>`)),
      5_000,
    );
    expect(requested).toContain('Pausing');

    // OMS finishes the pause; the second early check sees it.
    t.oms.clock.advance(5_000);
    const paused = await t.fakeSlack.waitFor(
      () => cardEdits(task.id).find((b) => b.includes(`Paused by <@${OPERATOR}>`)),
      5_000,
    );
    expect(paused).toContain('<!date^');
    // The thread gets the line with the person, and the card now offers Resume.
    // Posts in a channel go out at Slack's pace (about one a second): bounded a little wider.
    const line = await t.fakeSlack.waitFor(
      () => notifications(t.fakeSlack).find((n) => n.event === 'paused' && n.key.includes(task.id)),
      10_000,
    );
    expect(String(line.body.text)).toContain(`by <@${OPERATOR}>`);
    expect(paused).toContain('resource.resume');
    expect(t.bot.deps.watcher.cycles).toBe(0);
  });

  it('keeps "Paused by" on a card drawn later by someone else', async () => {
    const task = t.oms.addTask({ id: '800400000000001', name: 'paused-earlier', status: 2 });
    await t.ask(`pause ${task.id}`, { userId: OPERATOR });
    t.oms.clock.advance(5_000);
    const text = JSON.stringify(await t.ask(`status ${task.id}`));
    expect(text).toContain(`Paused by <@${OPERATOR}>`);
  });

  it('says nothing about who when nobody acted through the bot', async () => {
    const task = t.oms.addTask({ id: '800500000000001', name: 'untouched', status: 2 });
    const text = JSON.stringify(await t.ask(`status ${task.id}`));
    expect(text).not.toMatch(/(Paused|Pausing… requested) by/);
  });
  it('draws Pause pressed on the channel card once, through the one editor (issue 47)', async () => {
    const task = t.oms.addTask({ id: '800600000000001', name: 'pressed-on-card', status: 2 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    const card = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.postMessage')
        .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(task.id) && c.ts),
    );
    const pause = buttons(card.body).find((b) => b.action_id === 'resource.pause')!;
    const before = t.fakeSlack.callsTo('chat.update').length;
    const responseId = `pause-on-card-${Date.now()}`;
    const http = await postSigned(
      t.eventsUrl,
      SIGNING_SECRET,
      messageButtonBody(
        {
          actionId: 'resource.pause',
          value: pause.value!,
          channelId: CHANNEL,
          messageTs: card.ts!,
          responseUrl: t.fakeSlack.responseUrl(responseId),
        },
        { userId: OPERATOR },
      ),
      FORM,
    );
    expect(http.status).toBe(200);
    const edit = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.update')
        .slice(before)
        .find(
          (c) => c.body.ts === card.ts && JSON.stringify(c.body.blocks).includes('Pausing… requested by'),
        ),
    );
    expect(JSON.stringify(edit.body.blocks)).toContain(`<@${OPERATOR}>`);
    // The card was not also replaced through the click's response_url (a second, different drawing).
    await t.settled();
    expect(t.fakeSlack.responsesTo(responseId)).toEqual([]);
  });
});
