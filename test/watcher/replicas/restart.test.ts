import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import {
  CHANNEL,
  cleanRedis,
  cycleOnceLeaseLapses,
  finishingTask,
  freezingSlackClients,
  GiB,
  hookedSlackClients,
  MiB,
  notifications,
  postsPerKey,
  REDIS_URL,
  type Rig,
  type SlackHooks,
  startRig,
  TEAM,
  watchedKey,
  watchTask,
} from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

const { world, rigs, prefix } = worldPerTest({ clean: cleanRedis });

async function rig(storeUrl: string, options: Parameters<typeof startRig>[1] = {}): Promise<Rig> {
  const started = await startRig(world, {
    storeUrl,
    ...options,
    watcher: { keyPrefix: prefix(), ...options.watcher },
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
    await world.provider.pause('task', ok.id);
    world.clock.advance(1_500);
    await first.watcher.runCycle(); // ok paused
    await first.stop();
    rigs.splice(rigs.indexOf(first), 1);

    const second = await rig(storeUrl);
    await second.watcher.runCycle(); // nothing new
    await world.provider.resume('task', ok.id);
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

describe('a follow-up claimed again while another replica looked it up (Redis)', () => {
  // An ending's follow-ups (its completion report, its verification) are exactly once like the
  // ending: a replica that looked a possibly sent post up and found nothing may post it only if
  // the claim it looked up for is still the one in the record.
  const settings = { completionReports: true, sendingStaleMs: 200 };
  const isVerification = (payload: Record<string, unknown>) =>
    String((payload.metadata as { event_payload?: { key?: string } })?.event_payload?.key).endsWith(
      ':verification',
    );
  const gate = () => {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  };

  it('is posted once: the one that looked finds the other’s post on its next read', async () => {
    // Replica A: its first verification post never reaches Slack (the connection drops: an
    // uncertain answer), its second does, and A dies before recording it.
    let tries = 0;
    const aDies = gate();
    const aHooks: SlackHooks = {
      beforePost: async (payload) => {
        if (isVerification(payload) && ++tries === 1) throw new Error('connection reset before Slack got it');
      },
      afterPost: async (payload) => {
        if (!isVerification(payload)) return;
        await aDies.opened;
        throw new Error('this replica died after Slack answered');
      },
    };
    // Replica B: held right after Slack answered its look-up (nothing found), until told to go on.
    let holdLookups = false;
    const bLookedUp = gate();
    const bGoesOn = gate();
    const bHooks: SlackHooks = {
      afterLookup: async () => {
        if (!holdLookups) return;
        holdLookups = false;
        bLookedUp.open();
        await bGoesOn.opened;
      },
    };
    const a = await rig(REDIS_URL, { watcher: settings, slackClients: hookedSlackClients(aHooks) });
    const b = await rig(REDIS_URL, { watcher: settings, slackClients: hookedSlackClients(bHooks) });
    const task = finishingTask(world, 'verified');
    await watch(a, task.id);
    const key = watchedKey(task.id);
    world.clock.advance(10_000); // it succeeds
    await a.watcher.runCycle();
    // The ending and its report are out; the verification waits with A's uncertain claim.
    expect(notifications(world.fakeSlack).map((n) => n.event)).toEqual(['parent', 'succeeded', 'report']);
    const waiting = (await a.watcher.store.read<WatchRecord>(key))!.outbox;
    // The verification capability's post in the thread.
    const whose = (note: (typeof waiting)[number]['note']) =>
      note?.kind === 'view' ? note.capability : note?.kind;
    expect(waiting.map((e) => [whose(e.note), e.sending?.at])).toEqual([['verification', 0]]);
    world.watcherClock.advance(1_000); // its back-off is over

    // B looks it up (nothing there yet) and is held; meanwhile A looks, claims it, posts it, dies.
    holdLookups = true;
    const bDrain = b.watcher.outbox.drain(key);
    await bLookedUp.opened;
    const aDrain = a.watcher.outbox.drain(key).catch(() => undefined);
    await world.fakeSlack.waitFor(() =>
      notifications(world.fakeSlack).some((n) => n.event === 'verification'),
    );
    world.watcherClock.advance(settings.sendingStaleMs); // A's claim is stale now
    bGoesOn.open();
    await bDrain;
    // A later drain finds A's post by its metadata and records it.
    await b.watcher.outbox.drain(key);
    aDies.open();
    await aDrain;

    const verification = `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}:r1.1:succeeded:verification`;
    const verifications = notifications(world.fakeSlack).filter((n) => n.event === 'verification');
    expect(verifications.map((n) => n.key)).toEqual([verification]);
    const record = (await a.watcher.store.read<WatchRecord>(key))!;
    expect(record.outbox).toEqual([]);
    expect(record.sent).toContain(verification);
    expect(b.watcher.outbox.stats.lookups).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
