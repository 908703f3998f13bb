import { beforeAll, describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { buttons, mrkdwnTexts } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';
import { editOf as editAfter, pressOnMessage } from './claim-rig.js';

/**
 * Issue 39 item 2: "the person who presses I'm on it is shown on every message about that
 * failure". Pressed on the watcher's channel card, the claim was drawn on the card, but the failure
 * post in the thread (broadcast to the channel) kept offering "I'm on it" with nobody on it; handed
 * back from a private card, a post showing the claim kept it. Both now edit the failure post too.
 * Signed clicks, real cycles, the fake Slack; the post's and the card's ts are the record's.
 */
const CHANNEL = 'C0CLAIM03';
const OPERATOR = 'U0OPER001';
const t = omsBot();

beforeAll(async () => {
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});

type Json = Record<string, unknown>;

/** A click on `message`'s claim button as Slack sends it; `ephemeral`: a private card. */
async function pressClaim(message: Json, where: { ts: string; ephemeral?: boolean }, userId: string) {
  const claim = buttons(message).find((b) => b.action_id === 'failure.claim')!;
  const click = { message, ...where, channel: CHANNEL, button: claim, blockId: 'resource:x' };
  return pressOnMessage(t, { ...click, userId, tag: 'claim-every' });
}

/** The first edit of message `ts` after `before` edits. */
const editOf = (ts: string, before: number): Promise<Json> => editAfter(t, ts, before);

describe('a claim is shown on every message about the failure', () => {
  it('pressed on the channel card, it is drawn on the failure post; handed back from a private card, taken off', async () => {
    const task = t.oms.addTask(failingTask('claim-everywhere', { progress: 0.12, failAt: 0.14 }));
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(60_000);
    let failed: { body: Json } | undefined;
    for (let i = 0; i < 40 && !failed; i++) {
      await t.bot.deps.watcher.runCycle();
      failed = notifications(t.fakeSlack).find((n) => n.event === 'failed');
    }
    expect(failed).toBeDefined();
    // The card's latest drawing, and where the watcher recorded the post and the card.
    let record: { posts?: { ts: string; kind: string }[] } | undefined;
    for (let i = 0; i < 20 && !record?.posts?.some((p) => p.kind === 'failure'); i++) {
      await t.bot.deps.watcher.runCycle();
      const [w] = (await t.bot.deps.watcher.store.loadAll()).filter((x) => x.record.watch.id === task.id);
      record = w?.record as typeof record;
    }
    const postTs = record!.posts!.find((p) => p.kind === 'failure')!.ts;
    const cardTs = record!.posts!.find((p) => p.kind === 'card')!.ts;
    expect(cardTs).toBeTruthy();
    const card = t.fakeSlack
      .callsTo('chat.update')
      .map((c) => c.body)
      .filter((b) => b.ts === cardTs)
      .at(-1)!;
    expect(buttons(card).find((b) => b.action_id === 'failure.claim')?.text).toBe("I'm on it");

    const claimed = await pressClaim(card, { ts: cardTs }, OPERATOR);
    const post = await editOf(postTs, claimed);
    expect(post.channel).toBe(CHANNEL);
    expect(mrkdwnTexts(post)).toMatch(/<@U0OPER001> is on it · <!date\^\d+\^\{ago\}/);
    expect(buttons(post).find((b) => b.action_id === 'failure.claim')?.text).toBe('Hand back');
    // Still the failure post as posted: its lead line and its buttons.
    expect(mrkdwnTexts(post)).toContain(
      mrkdwnTexts({ blocks: (failed!.body.blocks as unknown[]).slice(0, 1) }),
    );
    // Its buttons as posted, and Take over beside Hand back now that someone has it (issue 48).
    expect(buttons(post).map((b) => b.action_id)).toEqual(
      buttons(failed!.body)
        .map((b) => b.action_id)
        .flatMap((id) => (id === 'failure.claim' ? [id, 'failure.takeover'] : [id])),
    );

    // Handed back from a private card (`/migrate status`): the post no longer says who.
    const status = await t.ask(`status ${task.id}`, { userId: OPERATOR, channelId: CHANNEL });
    const back = await pressClaim(status, { ts: '1700000999.000001', ephemeral: true }, OPERATOR);
    const returned = await editOf(postTs, back);
    expect(mrkdwnTexts(returned)).not.toContain('is on it');
    expect(buttons(returned).find((b) => b.action_id === 'failure.claim')?.text).toBe("I'm on it");
  });
});
