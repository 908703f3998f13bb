import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoreCommand } from '../../../src/cli/store-command.js';
import { systemClock } from '../../../src/clock.js';
import { ConnectionStore } from '../../../src/connections/connection-store.js';
import { generateKey, SecretBox } from '../../../src/crypto/secret-box.js';
import { SecretRegistry } from '../../../src/secrets.js';
import { RESTORE_LOOKUP_MS, restoredFrom } from '../../../src/store/backup-marks.js';
import { createStore, type Store } from '../../../src/store/create-store.js';
import { openAtomicKv } from '../../../src/store/open-atomic-kv.js';
import { openBotStore } from '../../../src/store/open-bot-store.js';
import { startSingle } from '../../harness/redis-topology.js';
import { omsConnection } from '../../harness/test-bot.js';
import {
  CHANNEL,
  GiB,
  MiB,
  postsPerKey,
  type Rig,
  startRig,
  TEAM,
  watchTask,
} from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { worldPerTest } from '../world-per-test.js';

/**
 * Backup and restore (issue 50): `store backup` copies the SQLite store while the bot runs; a bot
 * started on the copy has its connections, watches and subscriptions back, and posts nothing
 * twice, not even what it posted between the backup and the restore (the copy does not know
 * those posts: they are looked up in Slack first, by the key in their metadata).
 */
const { logger } = captureLogger('silent');
const box = new SecretBox([{ id: 'k1', key: Buffer.from(generateKey(), 'base64') }]);
const SUB_CHANNEL = 'C0SUBS0001';
const { world, rigs } = worldPerTest();

async function rig(storeUrl: string): Promise<Rig> {
  const started = await startRig(world, { storeUrl });
  rigs.push(started);
  return started;
}

async function connections(storeUrl: string, store: Store): Promise<ConnectionStore> {
  const state = await openAtomicKv(storeUrl, store, 'state:', logger);
  return new ConnectionStore(state, box, new SecretRegistry(), {
    allowedEndpoints: [world.oms.url],
    clock: systemClock,
  });
}

describe('backup and restore of a SQLite store', () => {
  it('brings back connections, watches and subscriptions; nothing is posted twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-backup-'));
    const liveUrl = `sqlite://${path.join(dir, 'live.sqlite')}`;
    const copy = path.join(dir, 'backup.sqlite');
    const task = world.oms.addTask({ name: 'ok', status: 1, totalSize: 10 * GiB, speed: 100 * MiB });

    const first = await rig(liveUrl);
    await (await connections(liveUrl, first.store)).add(
      TEAM,
      omsConnection('hw-stored', world.oms.url),
      'U0ALICE01',
    );
    await first.subscriptions.subscribe({
      teamId: TEAM,
      channelId: SUB_CHANNEL,
      connection: 'hw-prod',
      mode: 'failures',
      by: 'U0ALICE01',
      createdAt: world.watcherClock.now(),
    });
    await watchTask(first, task.id);
    world.clock.advance(2_000);
    await first.watcher.runCycle(); // started

    // The backup, while that bot runs; then the task pauses and that bot posts it.
    const lines: string[] = [];
    const at = () => new Date(world.watcherClock.now());
    expect(
      await runStoreCommand(['backup', copy], { STORE_URL: liveUrl }, (l) => lines.push(l), logger, at),
    ).toBe(0);
    expect(lines.join('\n')).toContain(`to ${copy}`);
    await world.provider.pause('task', task.id);
    world.clock.advance(1_500);
    await first.watcher.runCycle(); // paused: made after the backup
    await first.stop();
    rigs.splice(rigs.indexOf(first), 1);

    // Restored: a bot on the copy.
    const restoredUrl = `sqlite://${copy}`;
    const second = await rig(restoredUrl);
    const stored = await (await connections(restoredUrl, second.store)).load(TEAM);
    expect(stored.map((c) => [c.info.name, c.error])).toEqual([['hw-stored', undefined]]);
    expect((await second.subscriptions.store.list(TEAM)).map((s) => s.channelId)).toEqual([SUB_CHANNEL]);
    // The watch, and the subscription's own (silent until a failure) in its channel.
    const watches = (await second.watcher.store.loadAll()).map(
      (w) => `${w.record.watch.channelId}:${w.record.watch.id}`,
    );
    expect(watches.sort()).toEqual([`${CHANNEL}:${task.id}`, `${SUB_CHANNEL}:${task.id}`].sort());

    await second.watcher.runCycle(); // sees the pause the copy does not know was posted
    await world.provider.resume('task', task.id);
    world.clock.advance(2_000);
    await second.watcher.runCycle(); // resumed
    world.clock.advance(200_000);
    await second.watcher.runCycle(); // succeeded
    await second.watcher.runCycle();

    const base = `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}`;
    expect(Object.fromEntries(postsPerKey(world.fakeSlack))).toEqual({
      [`${base}:parent`]: 1,
      [`${base}:r1.1:started`]: 1,
      [`${base}:r1.2:paused`]: 1,
      [`${base}:r1.3:resumed`]: 1,
      [`${base}:r1.4:succeeded`]: 1,
    });
    expect(second.watcher.outbox.stats.lookups).toBeGreaterThan(0);
  }, 60_000);
});

describe('a backup older than several posts', () => {
  it('an ending told after the backup, under a later number, is not told again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-backup-'));
    const liveUrl = `sqlite://${path.join(dir, 'live.sqlite')}`;
    const copy = path.join(dir, 'backup.sqlite');
    const task = world.oms.addTask({ name: 'ok', status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
    const first = await rig(liveUrl);
    await watchTask(first, task.id);
    world.clock.advance(2_000);
    await first.watcher.runCycle(); // started: r1.1
    const at = () => new Date(world.watcherClock.now());
    expect(await runStoreCommand(['backup', copy], { STORE_URL: liveUrl }, () => {}, logger, at)).toBe(0);
    // Three events after the backup: paused (r1.2), resumed (r1.3), completed (r1.4).
    await world.provider.pause('task', task.id);
    world.clock.advance(1_500);
    await first.watcher.runCycle();
    await world.provider.resume('task', task.id);
    world.clock.advance(2_000);
    await first.watcher.runCycle();
    world.clock.advance(200_000);
    await first.watcher.runCycle();
    await first.stop();
    rigs.splice(rigs.indexOf(first), 1);

    // The copy knows only r1.1; seeing the task completed, it numbers that r1.2.
    const second = await rig(`sqlite://${copy}`);
    for (let i = 0; i < 3; i++) {
      world.clock.advance(2_000);
      await second.watcher.runCycle();
    }
    const base = `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}`;
    const posts = Object.fromEntries(postsPerKey(world.fakeSlack));
    expect(posts).toEqual({
      [`${base}:parent`]: 1,
      [`${base}:r1.1:started`]: 1,
      [`${base}:r1.2:paused`]: 1,
      [`${base}:r1.3:resumed`]: 1,
      [`${base}:r1.4:succeeded`]: 1,
    });
    const completed = world.fakeSlack.calls.filter(
      (c) => c.method === 'chat.postMessage' && String(c.body.text).includes('completed'),
    );
    expect(completed).toHaveLength(1);
  }, 60_000);
});

describe('store restored (a Redis loaded from RDB/AOF, a volume snapshot)', () => {
  it('marks the store so the next start looks posts up from the snapshot’s time; refuses a SQLite file in use', async () => {
    const redis = await startSingle();
    try {
      const lines: string[] = [];
      const run = (url: string, ...args: string[]) =>
        runStoreCommand(['restored', ...args], { STORE_URL: url }, (l) => lines.push(l), logger);
      expect(await run(redis.url, '2026-11-26T10:00:00Z')).toBe(0);
      expect(lines.join('\n')).toContain('as restored from a backup taken at 2026-11-26T10:00:00.000Z');
      const store = await createStore(redis.url, logger);
      try {
        const restored = await restoredFrom(store, Date.parse('2026-11-27T08:00:00Z'));
        expect(restored).toEqual({
          takenAt: Date.parse('2026-11-26T10:00:00Z'),
          restoredAt: Date.parse('2026-11-27T08:00:00Z'),
          until: Date.parse('2026-11-27T08:00:00Z') + RESTORE_LOOKUP_MS,
        });
        // The first start is remembered: a restart later keeps the same window.
        expect((await restoredFrom(store, Date.parse('2026-11-27T09:00:00Z')))?.until).toBe(restored?.until);
      } finally {
        await store.close();
      }
      await expect(run(redis.url, 'yesterday')).rejects.toThrow(/"yesterday" is not a time/);
    } finally {
      await redis.stop();
    }
    // A SQLite file a bot runs on is not marked under it.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-restored-')), 'live.sqlite');
    const bot = await openBotStore(`sqlite://${file}`, logger, 5_000);
    try {
      await expect(
        runStoreCommand(
          ['restored', '2026-11-26T10:00:00Z'],
          { STORE_URL: `sqlite://${file}` },
          () => {},
          logger,
        ),
      ).rejects.toThrow(/is in use by another migrate-bot process/);
    } finally {
      await bot.close();
    }
  }, 40_000);
});
