import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, TestBot } from '../../harness/test-bot.js';

// Issue 48 item 2 on the card: an ETA, or why there is none, never a guess.
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

describe('the card’s ETA', () => {
  it('says it is unknown while OMS is still listing what to move', async () => {
    // OMS says so: `is_query_over` false (seed 002), its totals not final.
    const task = t.oms.addTask({
      name: 'still-listing',
      status: 2,
      progress: 0.01,
      totalSize: 8 * 1024 ** 4,
      scanning: true,
    });
    const card = messageText(await t.ask(`status ${task.id}`));
    expect(card).toContain('ETA unknown: still listing what to move');
  });

  it('gives a clock time and how long from the provider’s pace before the watcher has one', async () => {
    const task = t.oms.addTask({
      name: 'moving-along',
      status: 2,
      progress: 0.5,
      totalSize: 8 * 1024 ** 3,
      speed: 64 * 1024 ** 2,
    });
    const card = messageText(await t.ask(`status ${task.id}`));
    expect(card).toMatch(/ETA <!date\^\d+\^\{time\}\|[^>]+>, (about|under)/);
    expect(card).not.toContain('ETA unknown');
  });

  it('says nothing of an ETA for a paused task', async () => {
    const task = t.oms.addTask({ name: 'resting', status: 3, progress: 0.5, totalSize: 8 * 1024 ** 3 });
    expect(messageText(await t.ask(`status ${task.id}`))).not.toMatch(/ETA/);
  });
});
