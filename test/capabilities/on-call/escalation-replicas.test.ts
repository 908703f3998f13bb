import { beforeAll, describe, expect, it } from 'vitest';
import { omsConnection } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { replicaPair } from '../../security/replica-redis.js';

// ADR 0014: an escalation step is a job on the one scheduler, said once across replicas. Two bots
// on one Redis database and one clock, the second pointed at the first's fake Slack and OMS
// simulator, tick their schedulers at once, again and again: one reminder is posted.
const CONNECTION = `hw-escrep-${Date.now().toString(36)}`;
const CHANNEL = 'C0ESCREPL';
const MIN = 60_000;
const clock = new TestClock();
const { a, b } = replicaPair({
  marker: CONNECTION,
  connections: (url) => [omsConnection(CONNECTION, url)],
  each: () => ({ watcher: { clock } }),
});

beforeAll(async () => {
  await a.ask('settings escalation remind 15');
});

const reminders = (id: string) =>
  a.fakeSlack.callsTo('chat.postMessage').filter((c) => {
    const key = (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    return key?.includes(id) === true && key.endsWith(':unclaimed');
  });

describe('an escalation step on two replicas', () => {
  it('is said once, whichever replica ticks', async () => {
    const task = a.oms.addTask({
      name: 'esc-two',
      status: 4,
      progress: 0.1,
      totalSize: 1024 ** 3,
      failCode: 'TRF.0015',
    });
    await a.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    await a.bot.deps.watcher.runCycle();
    clock.advance(16 * MIN);
    for (let i = 0; i < 4; i++)
      await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
    await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    expect(reminders(task.id)).toHaveLength(1);
  });
});
