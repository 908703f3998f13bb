import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../harness/test-bot.js';
import { notifications } from '../harness/watcher-rig.js';

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
    const line = await t.fakeSlack.waitFor(() =>
      notifications(t.fakeSlack).find((n) => n.event === 'paused' && n.key.includes(task.id)),
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
});
