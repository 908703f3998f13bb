import { afterAll, beforeAll } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

/**
 * A bot on `connections` (all on the OMS simulator) driven by hand on a moved clock, the `asks`
 * made once it is up (the retry policies), every post and edit recorded; and what the auto-retry
 * tests read of them.
 */
export function autoRetryBot(channel: string, connections: readonly string[], asks: readonly string[]) {
  const clock = new TestClock();
  const t = new TestBot();
  const posts: RecordedCall[] = [];
  beforeAll(async () => {
    await t.start({
      connections: (omsUrl) => connections.map((name) => omsConnection(name, omsUrl)),
      clock,
      env: { POLL_INTERVAL_SECONDS: '0' },
      watcher: { recheckAfterMs: [40, 80], editBudget: { windowMs: 10_000, max: 500 } },
    });
    t.fakeSlack.observe((call) => {
      if (call.method === 'chat.postMessage' || call.method === 'chat.update') posts.push(call);
    });
    for (const ask of asks) await t.ask(ask);
  });
  afterAll(async () => {
    await t.stop();
  });

  const keyOf = (c: RecordedCall) =>
    (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';
  /** The task's posts broadcast to the channel. */
  const broadcasts = (id: string) =>
    posts.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        (c.body.reply_broadcast === true || c.body.reply_broadcast === 'true') &&
        keyOf(c).includes(id),
    );
  /** How many times the simulator was asked to start the task. */
  const starts = (id: string) =>
    t.oms.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/tasks/${id}/start`)).length;
  /** The card as last drawn (its own post or an edit of it: not in a thread, naming the task). */
  const card = (id: string) =>
    posts
      .filter((c) => !c.body.thread_ts && c.body.channel === channel && messageText(c.body).includes(id))
      .at(-1)?.body;
  async function recordOf(id: string): Promise<WatchRecord> {
    const store = t.bot.deps.watcher.store;
    const loaded = await store.loadMany(await store.watchKeys());
    const found = loaded.find((l) => l.record.watch.id === id);
    if (!found) throw new Error(`no watch of ${id} among ${loaded.map((l) => l.key).join(', ')}`);
    return found.record;
  }
  return { t, clock, posts, keyOf, broadcasts, starts, card, recordOf };
}
