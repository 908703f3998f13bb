import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, mrkdwnTexts, TestBot } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';

/**
 * Issue 39 item 6, words: a watched task group's card read "this card follows the task-group", the
 * API's kind name. It names the kind in words, as the rest of the card does ("task group", "sync
 * task"), and so do its buttons' confirm dialogs. Signed commands, a real cycle, the fake Slack.
 */
const t = new TestBot();
const CHANNEL = 'C0KINDS01';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

/** The parent card the watcher posted for `id` in the channel, after a cycle or a few. */
async function parentCard(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 10; i++) {
    const card = notifications(t.fakeSlack).find((n) => n.event === 'parent' && n.key.includes(id));
    if (card) return card.body;
    await t.bot.deps.watcher.runCycle();
  }
  throw new Error(`no card was posted for ${id}`);
}

describe('a watched resource’s card names its kind in words', () => {
  it('a task group: "follows the task group", never "task-group"', async () => {
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 0 });
    t.oms.addTask({ name: 'part-0', status: 2, groupId: group.id });
    await t.ask(`watch ${group.id} <#${CHANNEL}|ops>`);
    const text = mrkdwnTexts(await parentCard(group.id));
    expect(text).toContain('this card follows the task group, events go to its thread');
    expect(text).not.toContain('task-group');
  });

  it('a sync task: "follows the sync task", and its dialogs ask "Pause sync task?"', async () => {
    const sync = t.oms.addSyncTask({});
    await t.ask(`watch ${sync.id} <#${CHANNEL}|ops>`);
    const card = await parentCard(sync.id);
    const text = mrkdwnTexts(card);
    expect(text).toContain('this card follows the sync task, events go to its thread');
    expect(text).not.toContain('sync-task');
    const titles = buttons(card)
      .map((b) => (b.confirm as { title?: { text?: string } } | undefined)?.title?.text)
      .filter((title): title is string => !!title);
    expect(titles).toContain('Pause sync task?');
  });
});
