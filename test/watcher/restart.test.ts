import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import {
  CHANNEL,
  cleanRedis,
  cycleOnceLeaseLapses,
  freezingSlackClients,
  GiB,
  MiB,
  notifications,
  postsPerKey,
  REDIS_URL,
  type Rig,
  startRig,
  startWorld,
  TEAM,
  uniquePrefix,
  type WatchWorld,
  watchTask,
} from '../harness/watcher-rig.js';

let world: WatchWorld;
let provider: HuaweiOmsProvider;
let prefix: string;
const rigs: Rig[] = [];

beforeEach(async () => {
  world = await startWorld();
  provider = world.provider;
  prefix = uniquePrefix();
});
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.stop();
  await world.stop();
  await cleanRedis(prefix);
});

async function rig(storeUrl: string, options: Parameters<typeof startRig>[1] = {}): Promise<Rig> {
  const started = await startRig(world, {
    storeUrl,
    ...options,
    watcher: { keyPrefix: prefix, ...options.watcher },
  });
  rigs.push(started);
  return started;
}

const watch = (r: Rig, id: string) => watchTask(r, id);

const sqliteUrl = () => `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-watch-')), 'bot.sqlite')}`;

describe.each([
  ['Redis', () => REDIS_URL],
  ['SQLite', sqliteUrl],
])('restart on %s', (_name, url) => {
  it('a new process on the same store continues without duplicates and without gaps', async () => {
    const storeUrl = url();
    const ok = world.oms.addTask({ name: 'ok', status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
    const bad = world.oms.addTask({
      name: 'bad',
      status: 1,
      totalSize: 10 * GiB,
      speed: 100 * MiB,
      failAt: 0.5,
      failCode: 'TRF.0004',
    });
    const first = await rig(storeUrl);
    await watch(first, ok.id);
    await watch(first, bad.id);
    world.clock.advance(2_000);
    await first.watcher.runCycle(); // both started
    await provider.pause('task', ok.id);
    world.clock.advance(1_500);
    await first.watcher.runCycle(); // ok paused
    await first.stop();
    rigs.splice(rigs.indexOf(first), 1);

    const second = await rig(storeUrl);
    await second.watcher.runCycle(); // nothing new
    await provider.resume('task', ok.id);
    world.clock.advance(2_000);
    await second.watcher.runCycle(); // ok resumed
    world.clock.advance(200_000);
    await second.watcher.runCycle(); // ok succeeded, bad failed
    await second.watcher.runCycle();

    const base = `${TEAM}:${CHANNEL}:hw-prod:task`;
    expect(Object.fromEntries(postsPerKey(world.fakeSlack))).toEqual({
      [`${base}:${ok.id}:parent`]: 1,
      [`${base}:${bad.id}:parent`]: 1,
      [`${base}:${ok.id}:r1.1:started`]: 1,
      [`${base}:${bad.id}:r1.1:started`]: 1,
      [`${base}:${ok.id}:r1.2:paused`]: 1,
      [`${base}:${ok.id}:r1.3:resumed`]: 1,
      [`${base}:${ok.id}:r1.4:succeeded`]: 1,
      [`${base}:${bad.id}:r1.2:failed`]: 1,
    });
    // The threads survived the restart: every reply is under one of the two parent cards.
    const threads = new Set(
      notifications(world.fakeSlack)
        .filter((n) => n.thread)
        .map((n) => n.body.thread_ts),
    );
    expect(threads).toEqual(new Set(['1700000000.000001', '1700000000.000002']));
  });
});

describe('a replica that dies between Slack answering and recording it (Redis)', () => {
  const settings = { leaseMs: 300, sendingStaleMs: 300 };
  const startedKey = (id: string) => `${TEAM}:${CHANNEL}:hw-prod:task:${id}:r1.1:started`;
  const isStarted = (payload: Record<string, unknown>) =>
    String((payload.metadata as { event_payload?: { key?: string } })?.event_payload?.key).endsWith(
      ':started',
    );

  async function dieAfterSlackAnswered(withoutHistory: boolean) {
    const task = world.oms.addTask({ name: 'crash', status: 1, speed: 10 * MiB });
    const frozen = freezingSlackClients(isStarted);
    const dying = await rig(REDIS_URL, { watcher: settings, slackClients: frozen.factory });
    await watch(dying, task.id);
    world.clock.advance(2_000);
    const stuck = dying.watcher.runCycle().catch(() => undefined);
    await world.fakeSlack.waitFor(() => notifications(world.fakeSlack).some((n) => n.event === 'started'));
    // The next replica takes over after one lease period and finds the `sending` mark stale.
    const next = await rig(REDIS_URL, { watcher: settings, withoutHistory });
    world.watcherClock.advance(settings.sendingStaleMs);
    await cycleOnceLeaseLapses(next);
    frozen.release();
    await stuck;
    return { task, next };
  }

  it('looks the message up by its metadata and does not post it again', async () => {
    const { task, next } = await dieAfterSlackAnswered(false);
    expect(postsPerKey(world.fakeSlack).get(startedKey(task.id))).toBe(1);
    expect(next.watcher.outbox.stats.lookups).toBe(1);
    expect(next.watcher.outbox.stats.blindResends).toBe(0);
    const record = (await next.watcher.store.loadAll())[0]!.record;
    expect(record.outbox).toEqual([]);
    expect(record.sent).toContain(startedKey(task.id));
  });

  it('without history access (no channels:history scope) it posts again: the at-least-once window', async () => {
    const { task, next } = await dieAfterSlackAnswered(true);
    expect(postsPerKey(world.fakeSlack).get(startedKey(task.id))).toBe(2);
    expect(next.watcher.outbox.stats.blindResends).toBe(1);
  });
});
