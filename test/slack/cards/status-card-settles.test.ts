import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, TestBot } from '../../harness/test-bot.js';

// Issue 74, item 14: Pause pressed on a `/migrate status` card (an answer only the presser sees,
// which nothing watches) said "Pausing… requested" and stayed so. The card is read again while the
// provider says the pause is under way, and drawn once more in place when it settles.
const t = new TestBot();
const OPERATOR = 'U0OPER074';

beforeAll(async () => {
  // No poll cycle: only the re-checks after the click can move the card.
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [200, 400] } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

describe('Pause on a private status card', () => {
  it('settles from "Pausing… requested" to "Paused by" once the provider has paused', async () => {
    const task = t.oms.addTask({ id: '807400000000014', name: 'settles-privately', status: 2 });
    const card = await t.ask(`status ${task.id}`, { userId: OPERATOR });
    const pause = buttons(card).find((b) => b.action_id.startsWith('resource.pause'));
    expect(pause, 'a Pause button on the status card').toBeDefined();
    const click = await t.click(pause!.action_id, pause!.value, OPERATOR);
    const first = JSON.stringify(await click.answer());
    expect(first).toContain('Pausing…');
    expect(first).toContain('requested');

    // OMS finishes the pause; a re-check sees it and draws the card again in place.
    t.oms.clock.advance(5_000);
    const settled = await t.fakeSlack.waitFor(() => {
      const found = t.fakeSlack.responsesTo(click.responseId);
      return found.length >= 2 ? found.at(-1) : undefined;
    }, 10_000);
    const text = JSON.stringify(settled.body);
    expect(settled.body.replace_original).toBe(true);
    expect(text).toContain(`Paused by <@${OPERATOR}>`);
    expect(text).not.toContain('Pausing…');
    expect(text).toContain('resource.resume');
    // Settled: no more reads of it.
    await t.bot.deps.watcher.rechecksIdle();
    expect(t.fakeSlack.responsesTo(click.responseId)).toHaveLength(2);
  });
});
