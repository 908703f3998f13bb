import { expect } from 'vitest';
import { messageText, mrkdwnTexts, type TestBot } from '../../harness/test-bot.js';

/**
 * What the window tests do with their bot: cycles with the simulator moving a few seconds between
 * them (so a pause settles), a task's OMS status, a card as last drawn, and a running task watched
 * in `channel`.
 */
export function windowWorld(t: TestBot, channel: string) {
  async function cycles(n = 3): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.bot.deps.watcher.runCycle();
      t.oms.clock.advance(2_000);
    }
  }
  return {
    cycles,
    state: (id: string) => t.oms.task(id)?.status,
    /** The card's text as last drawn (posted, then edited). */
    card(name: string): string {
      const drawn = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
        .filter((c) => c.body.channel === channel && !c.body.thread_ts && messageText(c.body).includes(name))
        .map((c) => c.body);
      return drawn.length > 0 ? mrkdwnTexts(drawn.at(-1)!) : '';
    },
    async runningWatched(name: string): Promise<string> {
      const task = t.oms.addTask({ name, status: 2, progress: 0.1, totalSize: 1024 ** 4 });
      await t.ask(`watch ${task.id} <#${channel}|ops>`, { channelId: channel });
      await cycles(1);
      return task.id;
    },
  };
}

/** The window id (`w` and six hex digits) a `window add` answered with. */
export function windowId(answer: Record<string, unknown>): string {
  const id = /`(w[0-9a-f]{6})`/.exec(messageText(answer))?.[1];
  expect(id, messageText(answer)).toBeDefined();
  return id!;
}
