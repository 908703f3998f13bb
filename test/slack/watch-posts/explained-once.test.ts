import { describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue 47 item 1: the channel shows a failure's explanation once. The watcher's card carries the
// state line and the buttons; the broadcast reply carries the explanation. Before, the edited card
// repeated the catalogue's meaning and fix right above the reply that says them.
const CHANNEL = 'C0EXPLONE';
// The bot's clock: real time, but the post pacer's waits between posts move it instead of taking
// wall time.
const t = omsBot({ clock: new TestClock() });

describe('a watched failure in the channel', () => {
  it('is explained in the reply, and only named on the card', async () => {
    const task = t.oms.addTask(failingTask('explained-once'));
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(120_000);
    let failure: Record<string, unknown> | undefined;
    for (let i = 0; i < 30 && !failure; i++) {
      await t.bot.deps.watcher.runCycle();
      failure = notifications(t.fakeSlack).find((n) => n.event === 'failed' && n.key.includes(task.id))?.body;
    }
    expect(failure).toBeDefined();
    expect(mrkdwnTexts(failure!)).toContain('*Fix:*');
    // The card, edited to Failed in a later cycle: the code, and where the explanation is.
    let card: string | undefined;
    for (let i = 0; i < 10 && !card; i++) {
      await t.bot.deps.watcher.runCycle();
      card = t.fakeSlack
        .callsTo('chat.update')
        .map((c) => mrkdwnTexts(c.body))
        .filter((text) => text.includes('explained-once') && text.includes('Failed'))
        .at(-1);
    }
    expect(card).toBeDefined();
    expect(card).toContain('`TRF.0015`');
    expect(card).toContain('what it means and the fix are in the thread below');
    expect(card).not.toContain('*Fix:*');
  });

  it('is still explained on a private card, where nothing else says it', async () => {
    const task = t.oms.addTask({ name: 'private-failure', status: 4, failCode: 'TRF.0015' });
    const card = mrkdwnTexts(await t.ask(`status ${task.id}`));
    expect(card).toContain('*Fix:*');
  });
});
