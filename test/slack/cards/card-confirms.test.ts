import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, TestBot } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';

/**
 * Issue 39 item 6: a channel card is the same for everyone, so an operator saw Delete on it and was
 * refused only after confirming. The confirm dialog of an action only admins may take says so
 * before anyone confirms, in the channel's language. Through signed requests and the fake Slack.
 */
const t = new TestBot();
const CHANNEL = 'C0CONFIRM';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

/** The watcher's card of `id` in CHANNEL, once a (bounded) cycle posted it. */
async function card(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 20; i++) {
    const posted = notifications(t.fakeSlack).find((n) => n.key.includes(id) && n.event === 'parent');
    if (posted) return posted.body;
    await t.bot.deps.watcher.runCycle();
  }
  throw new Error('no card was posted');
}

describe('confirm dialogs on a shared card', () => {
  it('Delete says that only an admin can delete, in English and in Korean', async () => {
    const paused = t.oms.addTask({ name: 'paused-one', status: 3 });
    await t.ask(`watch ${paused.id} <#${CHANNEL}|ops>`);
    const del = buttons(await card(paused.id)).find((b) => b.action_id === 'resource.delete');
    const confirm = JSON.stringify(del?.confirm);
    expect(confirm).toContain('Only someone with the admin role can do this; others are refused.');
    // Pause needs no more than an operator: its dialog says nothing of roles.
    const running = t.oms.addTask({ name: 'running-one', status: 2 });
    await t.ask(`settings language ko <#${CHANNEL}|ops>`);
    await t.ask(`watch ${running.id} <#${CHANNEL}|ops>`);
    const shown = buttons(await card(running.id));
    expect(JSON.stringify(shown.find((b) => b.action_id === 'resource.pause'))).not.toContain('admin');
    const paused2 = t.oms.addTask({ name: 'paused-two', status: 3 });
    await t.ask(`watch ${paused2.id} <#${CHANNEL}|ops>`);
    const korean = buttons(await card(paused2.id)).find((b) => b.action_id === 'resource.delete');
    expect(JSON.stringify(korean)).toContain('admin 역할이 있는 사람만 할 수 있으며');
  });
});
