import { beforeEach, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { answeredPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { cyclesUntil, failingTask } from '../../harness/failing-task.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, mrkdwnTexts, SIGNING_SECRET } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 39 item 1: every message the bot posted about a failure (the thread reply and its channel
// broadcast, a channel failure listing) is edited once the resource moves on: the new state, who
// acted and when, and only the buttons that still apply (never Resume after a recovery). A deleted
// task reads Deleted, a pause from a private card settles without a Refresh and shows no op id,
// and a stale Resume pressed in the channel is answered there.
const CHANNEL = 'C0LIVING1';
const ALICE = 'U0ALICE01';
const t = omsBot({
  // The bot's clock: real time, but the post pacer's waits between posts move it instead of
  // taking wall time (a dozen posts within seconds otherwise wait for their slots).
  clock: new TestClock(),
  // The re-checks after an action, at test speed.
  watcher: { recheckAfterMs: [40, 80], editBudget: ROOMY_EDITS },
});
/** Every watcher post Slack answered: its dedup key, ts and body. */
const posted = answeredPosts(t);

beforeEach(() => {
  t.fakeSlack.clear();
  posted.length = 0;
});

/** Running at 12 %, failing at 14 % once the simulator's clock moves. */
const failing = (name: string) => t.oms.addTask(failingTask(name, { progress: 0.12, failAt: 0.14 }));

/** The last edit of message `ts`. */
function lastEdit(ts: string): Record<string, unknown> | undefined {
  return t.fakeSlack
    .callsTo('chat.update')
    .filter((c) => c.body.ts === ts)
    .at(-1)?.body;
}

function editsOf(ts: string): number {
  return t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === ts).length;
}

const failurePosts = () => posted.filter((p) => p.key.endsWith(':failed') || p.key.endsWith(':failures'));

describe('living posts', () => {
  it('edits the failure reply, its broadcast and the listing after a recovery; none offers Resume', async () => {
    const alone = failing('living-alone');
    const first = failing('living-listed-1');
    const second = failing('living-listed-2');
    for (const task of [alone, first, second]) await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    // One fails first, on its own (a broadcast reply); two more fail together (a listing).
    t.oms.task(first.id)!.failAt = 0.99;
    t.oms.task(second.id)!.failAt = 0.99;
    t.oms.clock.advance(60_000);
    await cyclesUntil(t, () => posted.some((p) => p.key.endsWith(':failed')), 'the first failure');
    t.oms.task(first.id)!.failAt = 0.14;
    t.oms.task(second.id)!.failAt = 0.14;
    t.oms.clock.advance(60_000);
    await cyclesUntil(t, () => posted.some((p) => p.key.endsWith(':failures')), 'the listing');
    await cyclesUntil(t, () => failurePosts().length >= 4, 'every failure reply');
    const broadcast = posted.find((p) => p.key.includes(alone.id) && p.key.endsWith(':failed'))!;
    expect([true, 'true']).toContain(broadcast.body.reply_broadcast);
    const listing = posted.find((p) => p.key.endsWith(':failures'))!;
    expect(buttons(broadcast.body).map((b) => b.text)).toContain('Resume');

    // Alice resumes two of them; the provider shows them running again.
    for (const task of [alone, first]) {
      const answer = await t.ask(`resume ${task.id}`, { channelId: CHANNEL, userId: ALICE });
      expect(mrkdwnTexts(answer)).not.toMatch(/op `/);
    }
    t.oms.clock.advance(5_000);
    const mine = failurePosts().filter((p) => p.key.includes(alone.id) || p.key.includes(first.id));
    const all = [...mine.filter((p) => !p.key.endsWith(':failures')), listing];
    // Queued first (Waiting), then migrating: each post follows.
    const migrating = (ts: string) => mrkdwnTexts(lastEdit(ts) ?? {}).includes('Migrating');
    await cyclesUntil(
      t,
      () => all.every((p) => lastEdit(p.ts)) && migrating(broadcast.ts) && migrating(listing.ts),
      'an edit of every post, once running',
    );

    for (const p of all) {
      const edit = lastEdit(p.ts)!;
      expect(edit.channel).toBe(CHANNEL);
      expect(buttons(edit).map((b) => b.text)).not.toContain('Resume');
    }
    const aloneEdit = lastEdit(broadcast.ts)!;
    expect(mrkdwnTexts(aloneEdit)).toMatch(/Migrating · \*living-alone\*/);
    expect(mrkdwnTexts(aloneEdit)).toMatch(/Resumed by <@U0ALICE01> · <!date\^\d+\^\{ago\}/);
    expect(mrkdwnTexts(aloneEdit)).toContain('Earlier: :x: failed at 14%');
    expect(buttons(aloneEdit).map((b) => b.text)).toContain('Pause');
    // The listing names the one still failed as it was, the resumed one as it is now.
    const listed = mrkdwnTexts(lastEdit(listing.ts)!);
    expect(listed).toMatch(
      /living-listed-1.*[\s\S]*Now: :arrows_counterclockwise: Migrating · Resumed by <@U0ALICE01>/,
    );
    expect(listed).not.toMatch(/living-listed-2[^\n]*\n[^\n]*\nNow:/);

    // Nothing more to say: another cycle edits none of them again.
    const before = all.map((p) => editsOf(p.ts));
    await t.bot.deps.watcher.runCycle();
    expect(all.map((p) => editsOf(p.ts))).toEqual(before);
  });

  it('answers a stale Resume in the channel, not only in a thread', async () => {
    const task = failing('living-stale');
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(60_000);
    const post = await cyclesUntil(
      t,
      () => posted.find((p) => p.key.includes(task.id) && p.key.endsWith(':failed')),
      'the failure',
    );
    await t.ask(`resume ${task.id}`, { channelId: CHANNEL, userId: ALICE });
    t.oms.clock.advance(5_000);
    // Bob presses the Resume of the post as he still sees it.
    const resume = buttons(post.body).find((b) => b.text === 'Resume')!;
    const body = messageButtonBody(
      {
        actionId: resume.action_id,
        value: resume.value!,
        channelId: CHANNEL,
        messageTs: post.ts,
        responseUrl: t.fakeSlack.responseUrl('stale-bob'),
      },
      { userId: 'U0BOB0001' },
    );
    // Bob may operate: the refusal, if any, would be about the state, not his role.
    await t.ask(`access grant <@U0BOB0001|bob> operator`);
    const http = await postSigned(t.eventsUrl, SIGNING_SECRET, body, FORM);
    expect(http.status).toBe(200);
    const told = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('chat.postEphemeral').at(-1));
    expect(told.body.channel).toBe(CHANNEL);
    expect(told.body.user).toBe('U0BOB0001');
    expect(told.body.thread_ts).toBeUndefined();
    expect(String(told.body.text)).toMatch(/Nothing was done: this Resume button was out of date/);
    expect(String(told.body.text)).toMatch(/Resumed by <@U0ALICE01>/);
  });

  it('shows a deleted task as Deleted on the reply, its card and its completion post', async () => {
    // 50 s to its end at 20 MiB/s: not over before a loaded machine's `watch` reads it (the 60 s
    // below end it), or the watch would begin at the end and say no completion.
    const task = t.oms.addTask({
      name: 'living-done',
      status: 2,
      totalSize: 1024 ** 3,
      speed: 20 * 1024 ** 2,
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(60_000);
    const done = await cyclesUntil(
      t,
      () => posted.find((p) => p.key.includes(task.id) && p.key.endsWith(':succeeded')),
      'the completion',
    );
    const card = posted.find((p) => p.key.includes(task.id) && p.key.endsWith(':parent'))!;
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id });
    const click = await t.click('resource.delete', value, { userId: ALICE, channelId: CHANNEL });
    const reply = mrkdwnTexts(await click.answer());
    expect(reply).toContain(':wastebasket: Deleted');
    expect(reply).not.toContain('Succeeded');
    await cyclesUntil(
      t,
      () => lastEdit(done.ts) && lastEdit(card.ts),
      'the completion post and the card edited',
    );
    const edit = lastEdit(done.ts)!;
    expect(mrkdwnTexts(edit)).toMatch(/:wastebasket: Deleted · \*living-done\*/);
    expect(mrkdwnTexts(edit)).toMatch(/Deleted by <@U0ALICE01>/);
    expect(mrkdwnTexts(edit)).not.toContain('Succeeded');
    expect(buttons(edit)).toEqual([]);
    const cardEdit = mrkdwnTexts(lastEdit(card.ts)!);
    expect(cardEdit).toContain(':wastebasket: Deleted');
    expect(cardEdit).not.toContain('Succeeded');
  });

  it('answers a pause on a private card, redrawn once when it settles, no op id; Refresh shows it settled', async () => {
    const task = t.oms.addTask({ name: 'living-pause', status: 2, totalSize: 1024 ** 4 });
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id });
    const click = await t.click('resource.pause', value, { userId: ALICE });
    const first = mrkdwnTexts(await click.answer());
    expect(first).toContain('Pausing… requested by <@U0ALICE01>');
    expect(first).not.toMatch(/op `/);
    // The provider finishes pausing: the re-checks that follow a change under way read it again and
    // redraw the presser's card once, in place (issue 74); settled, nothing asks it again.
    t.oms.clock.advance(2_000);
    const redrawn = await t.fakeSlack.waitFor(() => {
      const found = t.fakeSlack.responsesTo(click.responseId);
      return found.length >= 2 ? found.at(-1) : undefined;
    }, 10_000);
    expect(mrkdwnTexts(redrawn.body)).toContain(':double_vertical_bar: Paused');
    await t.settled();
    await t.bot.deps.watcher.rechecksIdle();
    const asked = t.oms.server.requests.length;
    await t.bot.deps.watcher.rechecksIdle();
    expect(t.fakeSlack.responsesTo(click.responseId)).toHaveLength(2);
    expect(t.oms.server.requests.length).toBe(asked);
    const refresh = await t.click('resource.refresh', value, { userId: ALICE });
    const settled = await refresh.answer();
    expect(settled.replace_original).toBe(true);
    expect(mrkdwnTexts(settled)).toContain(':double_vertical_bar: Paused');
    expect(mrkdwnTexts(settled)).not.toMatch(/op `/);
  });
});
