import { beforeEach, describe, expect, it } from 'vitest';
import { SKIP } from '../../../src/store/atomic-kv.js';
import { cardDue } from '../../../src/watcher/outbox/living-posts.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { cleanRedis, GiB, MiB, REDIS_URL, type Rig, TEAM, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

// Issue 58 item 4: a card edit the budget deferred is made when its window reopens
// (`Outbox.editDeferred`), once across replicas, and asks the provider nothing.
const { world, prefix, startRig } = worldPerTest({ clean: cleanRedis });
let a: Rig;
let b: Rig;

// Two replicas on one Redis (several replicas need Redis: its claims are what they share).
beforeEach(async () => {
  a = await startRig({ storeUrl: REDIS_URL, watcher: { keyPrefix: prefix() } });
  b = await startRig({ storeUrl: REDIS_URL, watcher: { keyPrefix: prefix() } });
});

const cardEdits = () => world.fakeSlack.callsTo('chat.update').filter((c) => !c.body.thread_ts).length;

describe('deferred card edits', () => {
  it('are made once when two replicas both deferred the card, with no provider call', async () => {
    const task = world.oms.addTask({ name: 'deferred', status: 1, totalSize: GiB, speed: 10 * MiB });
    const key = (await watchTask(a, task.id)).key;
    world.clock.advance(2_000);
    await a.watcher.runCycle();
    await a.watcher.store.update<WatchRecord>(key, (r) => (r ? cardDue(r, true) : SKIP));
    a.watcher.outbox.deferEdit(TEAM, key);
    b.watcher.outbox.deferEdit(TEAM, key);
    const edits = cardEdits();
    const requests = world.oms.server.requests.length;
    await Promise.all([a.watcher.outbox.editDeferred(), b.watcher.outbox.editDeferred()]);
    expect(cardEdits() - edits).toBe(1);
    expect(world.oms.server.requests.length).toBe(requests);
    // Drawn and recorded as shown: nothing left to edit.
    await Promise.all([a.watcher.outbox.editDeferred(), b.watcher.outbox.editDeferred()]);
    expect(cardEdits() - edits).toBe(1);
  });
});
