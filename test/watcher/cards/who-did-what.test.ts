import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue #13, "Who did what": an action taken through the bot is credited in the thread of every
// channel watching the resource, not only in the private reply of the person who took it.
const t = new TestBot();
const OPERATOR = 'U0OPER002';

beforeAll(async () => {
  // The bot's clock: real time, but the post pacer's waits between posts move it instead of
  // taking wall time.
  await t.start({ clock: new TestClock(), env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

describe('an action through the bot on a watched task', () => {
  it('is credited in the watching channels’ threads', async () => {
    const task = t.oms.addTask({ id: '800100000000001', name: 'credited', status: 2 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    await t.ask(`watch ${task.id} <#C0OTHER01|other>`, { userId: OPERATOR });
    await t.bot.deps.watcher.runCycle();
    await t.ask(`pause ${task.id}`, { userId: OPERATOR });
    t.oms.clock.advance(5_000);
    await t.bot.deps.watcher.runCycle();
    const paused = await t.fakeSlack.waitFor(() => {
      const found = notifications(t.fakeSlack).filter((n) => n.event === 'paused');
      return found.length === 2 ? found : undefined;
    });
    for (const reply of paused) expect(String(reply.body.text)).toContain(`paused at`);
    for (const reply of paused) expect(String(reply.body.text)).toContain(`by <@${OPERATOR}>`);
    expect(paused.map((p) => p.body.channel).sort()).toEqual(['C0FAKE001', 'C0OTHER01']);
  });

  it('does not credit anyone for what the provider did on its own', async () => {
    const task = t.oms.addTask({ id: '800200000000001', name: 'on-its-own', status: 2 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    await t.bot.deps.watcher.runCycle();
    t.oms.clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    await t.bot.deps.watcher.runCycle();
    const done = await t.fakeSlack.waitFor(() =>
      notifications(t.fakeSlack).find(
        (n) => n.event === 'succeeded' && String(n.body.text).includes('on-its-own'),
      ),
    );
    expect(String(done.body.text)).not.toContain('by <@');
  });
});
