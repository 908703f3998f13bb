import { beforeAll, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { answeredPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { cyclesUntil, failingTask } from '../../harness/failing-task.js';
import { messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 48 item 3, last bullet: `/migrate list failed` and the channel's failure listing show who is
// on each failure, as Home does. Before, the list and the listing said nothing of a claim.
const CHANNEL = 'C0CLAIMLS';
const OPERATOR = 'U0OPERLST';
// The bot's clock: real time, but the post pacer's waits between posts move it instead of taking
// wall time (a dozen posts within seconds otherwise wait for their slots).
const t = omsBot({ clock: new TestClock(), watcher: { editBudget: ROOMY_EDITS } });
const posted = answeredPosts(t);

beforeAll(async () => {
  await t.ask(`access grant <@${OPERATOR}> operator`);
});

/** Running at 12 %, failing only once a test moves its failure point. */
const failingAt99 = (name: string) => t.oms.addTask(failingTask(name, { progress: 0.12, failAt: 0.99 }));

const lastEdit = (ts: string) =>
  t.fakeSlack
    .callsTo('chat.update')
    .filter((c) => c.body.ts === ts)
    .at(-1)?.body;

describe('who is on each failure', () => {
  it('is shown in /migrate list failed and on the channel listing', async () => {
    const alone = failingAt99('claim-alone');
    const first = failingAt99('claim-listed-1');
    const second = failingAt99('claim-listed-2');
    for (const task of [alone, first, second]) await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    // One fails on its own first; then two fail together: one listing names both.
    t.oms.task(alone.id)!.failAt = 0.14;
    t.oms.clock.advance(60_000);
    await cyclesUntil(t, () => posted.some((p) => p.key.endsWith(':failed')), 'the first failure');
    t.oms.task(first.id)!.failAt = 0.14;
    t.oms.task(second.id)!.failAt = 0.14;
    t.oms.clock.advance(60_000);
    const listing = await cyclesUntil(
      t,
      () => posted.find((p) => p.key.endsWith(':failures')),
      'the listing',
    );

    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: first.id });
    await (await t.click('failure.claim', value, { userId: OPERATOR, channelId: CHANNEL })).answer();

    // The list says who is on the claimed one, and nothing of a claim on the other.
    const list = mrkdwnTexts(await t.ask('list failed', { channelId: CHANNEL }));
    expect(list).toMatch(/claim-listed-1[^\n]*\n[^\n]*\n<@U0OPERLST> is on it · <!date/);
    expect(list).not.toMatch(/claim-listed-2[^\n]*\n[^\n]*\n<@/);

    // The listing's line of it says so too, edited by the watcher (within the edit budget).
    await cyclesUntil(t, () => lastEdit(listing.ts), 'an edit of the listing');
    const listed = mrkdwnTexts(lastEdit(listing.ts)!);
    expect(listed).toMatch(/claim-listed-1[\s\S]*Now: :x: Failed · <@U0OPERLST> is on it/);
    expect(listed).not.toMatch(/claim-listed-2[^\n]*\n[^\n]*\nNow:/);
    // Once edited, another cycle changes nothing.
    const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === listing.ts).length;
    await t.bot.deps.watcher.runCycle();
    expect(t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === listing.ts).length).toBe(edits);
    expect(messageText(await t.ask('list failed', { channelId: CHANNEL }))).toContain('is on it');
  });
});
