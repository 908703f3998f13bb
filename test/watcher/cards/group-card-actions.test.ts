import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, messageText, mrkdwnTexts, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 51 item 6: a watched OMS task group said Migrating while 2 of its 4 tasks had failed, and
// offered only Refresh. Its state line now leads with the worst state among its tasks, counted, and
// it offers what seed 002 allows a group (§5.4.5 pause, §5.4.6 resume, §5.4.7 retry the failed
// tasks) to operators and admins, as for a task. Signed commands and clicks, real cycles, the OMS
// simulator and the fake Slack.
const t = new TestBot();
const OPERATOR = 'U0OPER051';
const VIEWER = 'U0VIEW051';
const CHANNEL = 'C0GROUP51';
const clock = new TestClock();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [], clock } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

/** Runs cycles (bounded) until the group's card, as last drawn in the channel, matches. */
async function cardWhen(
  groupId: string,
  wanted: (card: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 12; i++) {
    await t.bot.deps.watcher.runCycle();
    const drawn = t.fakeSlack.calls
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
      .map((c) => c.body)
      .filter((b) => b.channel === CHANNEL && JSON.stringify(b.blocks ?? []).includes(`${groupId}`))
      .filter((b) => JSON.stringify(b.blocks ?? []).includes('"type":"header"'));
    const last = drawn.at(-1);
    if (last && wanted(last)) return last;
    // A card edit the Slack budget deferred goes out in the next window.
    clock.toNextWindow(t.bot.deps.watcher.options.editBudget.windowMs);
  }
  const seen = t.fakeSlack.calls.filter((c) => c.body.channel === CHANNEL).map((c) => mrkdwnTexts(c.body));
  throw new Error(`the group card never showed what the test waited for:\n${seen.join('\n---\n')}`);
}

const stateLine = (card: Record<string, unknown>) =>
  (card.blocks as { type: string; text?: { text: string } }[]).find(
    (b) => b.type === 'section' && b.text && !b.text.text.startsWith('*Tasks'),
  )!.text!.text;

const press = async (card: Record<string, unknown>, actionId: string, userId: string) => {
  const button = buttons(card).find((b) => b.action_id === actionId)!;
  return messageText(await (await t.click(actionId, button.value, { userId, channelId: CHANNEL })).answer());
};

describe('a watched task group whose tasks fail while it runs', () => {
  it('says 2 of its 4 tasks failed, and lets operators pause, resume and retry it', async () => {
    // The group's own four tasks (it created them), large enough to run for the whole test.
    const group = t.oms.addTaskGroup({
      status: 2,
      taskCount: 4,
      totalSize: 4 * 1024 ** 4,
      description: 'photos-by-prefix',
    });
    const tasks = group.taskIds.map((id) => t.oms.tasks.get(id)!);
    expect(tasks.map((task) => task.status)).toEqual([2, 2, 2, 2]);
    await t.ask(`watch ${group.id} <#${CHANNEL}|ops>`);
    for (const task of tasks.slice(0, 2)) {
      task.status = 4;
      task.errorReason = { error_code: 'TRF.0015', error_msg: 'bad source keys' };
    }

    // The group itself still runs its monitor task (status 2, Migrating); two of its tasks failed.
    const failing = await cardWhen(group.id, (card) => mrkdwnTexts(card).includes('2 failed'));
    expect(t.oms.taskGroup(group.id)?.status).toBe(2);
    expect(stateLine(failing)).toMatch(/^\*:x: Failed: 2 of 4 tasks\* · group migrating/);
    expect(buttons(failing).map((b) => b.action_id)).toEqual(['resource.pause', 'resource.refresh']);

    // Pause is an operator's (the policy asks for `operate`, as for a task): a viewer is refused.
    expect(await press(failing, 'resource.pause', VIEWER)).toContain('You need the operator role');
    expect(t.oms.taskGroup(group.id)?.status).toBe(2);
    await press(failing, 'resource.pause', OPERATOR);
    expect([7, 3]).toContain(t.oms.taskGroup(group.id)?.status); // pausing, or paused already
    t.oms.clock.advance(1_000);
    const paused = await cardWhen(group.id, (card) => mrkdwnTexts(card).includes('group paused'));
    expect(stateLine(paused)).toMatch(/^\*:x: Failed: 2 of 4 tasks\* · group paused/);
    expect(buttons(paused).map((b) => b.action_id)).toEqual(['resource.resume', 'resource.refresh']);

    await press(paused, 'resource.resume', OPERATOR);
    expect(t.oms.taskGroup(group.id)?.status).toBe(2);

    // The other two finish: the group failed (5), and its failed tasks can be retried.
    for (const task of tasks.slice(2)) task.status = 5;
    t.oms.clock.advance(1_000);
    const failed = await cardWhen(group.id, (card) =>
      buttons(card).some((b) => b.action_id === 'resource.retry'),
    );
    expect(t.oms.taskGroup(group.id)?.status).toBe(5);
    expect(stateLine(failed)).toMatch(/^\*:x: Failed: 2 of 4 tasks\*/);
    // Refused keys: fixed first (taking it on leads), then restarted with Retry, a failed group's
    // only restart; it is kept though retrying as it is would fail again.
    expect(buttons(failed).map((b) => b.action_id)).toEqual([
      'failure.claim',
      'resource.retry',
      'resource.delete',
      'resource.refresh',
    ]);
    expect(await press(failed, 'resource.retry', VIEWER)).toContain('You need the operator role');
    await press(failed, 'resource.retry', OPERATOR);
    expect(t.oms.taskGroup(group.id)?.status).toBe(2);
    expect(tasks.slice(0, 2).map((task) => task.status)).not.toContain(4);
  }, 60_000);
});
