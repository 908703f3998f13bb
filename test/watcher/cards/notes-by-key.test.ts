import { describe, expect, it, vi } from 'vitest';
import { claimOf } from '../../../src/capabilities/on-call/on-call-fact.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { type WatchRecord, WatchStore } from '../../../src/watcher/records/watch-store.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 47 item 1: finding a resource's watches reads that resource's records by key. A claim (or
// any action's note) decoded every watch record of every workspace (`loadAll`), which at 50,000
// watches is a cost no click should pay.
// The bot's clock: real time, but the post pacer's waits between posts move it instead of taking
// wall time (a dozen posts within seconds otherwise wait for their slots).
const t = omsBot({ clock: new TestClock() });

describe('a note on one resource', () => {
  it('reads only that resource’s watch records', { timeout: 60_000 }, async () => {
    const others = Array.from({ length: 8 }, (_, i) => t.oms.addTask({ name: `bystander-${i}`, status: 2 }));
    for (const task of others) await t.ask(`watch ${task.id}`);
    const failing = t.oms.addTask(failingTask('noted', { totalSize: 1024 ** 3 }));
    await t.ask(`watch ${failing.id} <#C0NOTED01|a>`);
    await t.ask(`watch ${failing.id} <#C0NOTED02|b>`);
    t.oms.clock.advance(120_000);
    const store = t.bot.deps.watcher.store;
    // This process's one look at the workspace's watches made before the per-resource sets
    // (`ResourceWatches`, once per workspace) is behind it, as it is after the first click.
    await store.resources.keysOf('T0FAKE001', { connection: 'hw-prod', kind: 'task', id: others[0]!.id });
    const loadAll = vi.spyOn(store, 'loadAll');
    const loadMany = vi.spyOn(store, 'loadMany');
    const index = vi.spyOn(store, 'watchKeys');
    const members = vi.spyOn(store.backend, 'setMembers');
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: failing.id });
    const answer = messageText(await (await t.click('failure.claim', value, 'U0ALICE01')).answer());
    expect(answer).toContain('is on it');
    expect(loadAll).not.toHaveBeenCalled();
    // Nor the index of every watch: the resource's own set of watch keys.
    expect(index).not.toHaveBeenCalled();
    expect(members.mock.calls.map(([set]) => set)).not.toContain('index');
    // Found, then read again once the editor redrew them: only ever these two records.
    const read = [...new Set(loadMany.mock.calls.flatMap(([keys]) => keys))];
    expect(read.sort()).toEqual(
      [
        `w:T0FAKE001:C0NOTED01:hw-prod:task:${failing.id}`,
        `w:T0FAKE001:C0NOTED02:hw-prod:task:${failing.id}`,
      ].sort(),
    );
    // Both channels' watches carry the claim.
    for (const key of read)
      expect(claimOf((await store.read<WatchRecord>(key))?.facts)?.by).toBe('U0ALICE01');
  });
  it('finds watches made before the per-resource sets existed', { timeout: 60_000 }, async () => {
    const failing = t.oms.addTask(failingTask('older', { totalSize: 1024 ** 3 }));
    await t.ask(`watch ${failing.id} <#C0OLDER01|a>`);
    const key = `w:T0FAKE001:C0OLDER01:hw-prod:task:${failing.id}`;
    // As an older build left it: the watch in the index only, and this workspace never seeded.
    const backend = t.bot.deps.watcher.store.backend;
    await backend.setRemove(`resource-watches:T0FAKE001:hw-prod:task:${failing.id}`, key);
    await backend.update('resource-watches-seeded:T0FAKE001', () => undefined);
    // A new process (replica, restart): its store has not seeded this workspace yet.
    const fresh = new WatchStore(backend);
    expect(
      await fresh.resources.keysOf('T0FAKE001', { connection: 'hw-prod', kind: 'task', id: failing.id }),
    ).toEqual([key]);
  });
});
