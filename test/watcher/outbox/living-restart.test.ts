import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { buttons } from '../../harness/test-bot.js';
import { cleanRedis, GiB, MiB, REDIS_URL, type Rig, startRig, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

// Issue 39 item 1: the edit of a failure post after a recovery is due in the store, not in a
// process. A watcher that saw the recovery but could not edit (Slack down) and stopped leaves it
// to the next one on the same store, which edits the post once, and never again.
const { world, rigs, prefix } = worldPerTest({ clean: cleanRedis });

async function rig(storeUrl: string): Promise<Rig> {
  const started = await startRig(world, { storeUrl, watcher: { keyPrefix: prefix() } });
  rigs.push(started);
  return started;
}

const sqliteUrl = () => `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-living-')), 'bot.sqlite')}`;

describe.each([
  ['Redis', () => REDIS_URL],
  ['SQLite', sqliteUrl],
])('a living post across a restart on %s', (_name, url) => {
  it('is edited once by the next process when the first could not', async () => {
    const storeUrl = url();
    const failedTs: string[] = [];
    world.fakeSlack.observe((call: RecordedCall, answer) => {
      const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload
        ?.key;
      if (call.method === 'chat.postMessage' && key?.endsWith(':failed') && typeof answer.ts === 'string')
        failedTs.push(answer.ts);
    });
    const task = world.oms.addTask({
      name: 'comes-back',
      status: 1,
      totalSize: 10 * GiB,
      speed: 100 * MiB,
      failAt: 0.5,
      failCode: 'TRF.0004',
    });
    const first = await rig(storeUrl);
    await watchTask(first, task.id);
    world.clock.advance(2_000);
    await first.watcher.runCycle();
    world.clock.advance(60_000);
    await first.watcher.runCycle();
    expect(failedTs).toHaveLength(1);
    const ts = failedTs[0]!;
    const edits = () => world.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === ts);

    // It is retried; the first process sees it running again while Slack is down, then stops.
    const sim = world.oms.task(task.id)!;
    sim.failAt = undefined;
    await world.provider.retry('task', task.id);
    world.fakeSlack.setDown(true);
    await first.watcher.runCycle();
    await first.stop();
    rigs.splice(rigs.indexOf(first), 1);
    world.fakeSlack.setDown(false);
    expect(edits()).toHaveLength(0);

    const second = await rig(storeUrl);
    for (let i = 0; i < 5 && edits().length === 0; i++) {
      world.watcherClock.advance(1_000);
      await second.watcher.runCycle();
    }
    expect(edits()).toHaveLength(1);
    const edit = edits()[0]!.body;
    expect(buttons(edit).map((b) => b.text)).not.toContain('Resume');
    expect(JSON.stringify(edit.blocks)).toContain('Earlier: :x: failed at 50%');
    // Nothing changed since: more cycles, and a third process, edit it no more.
    await second.watcher.runCycle();
    await second.stop();
    rigs.splice(rigs.indexOf(second), 1);
    const third = await rig(storeUrl);
    await third.watcher.runCycle();
    await third.watcher.runCycle();
    expect(edits()).toHaveLength(1);
  });
});
