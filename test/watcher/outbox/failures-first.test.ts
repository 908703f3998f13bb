import { describe, expect, it } from 'vitest';
import {
  blockLimitProblems,
  MESSAGE_TOTAL_TEXT_MAX,
  totalBlockText,
} from '../../../dev/fake-slack/block-limits.js';
import { renderFailureListing } from '../../../src/slack/blocks/failure-listing.js';
import { createStore } from '../../../src/store/create-store.js';
import { chunks, MAX_LISTED } from '../../../src/watcher/outbox/failure-listing.js';
import {
  type ChannelRecord,
  channelKey,
  type WatchRecord,
  watchKey,
} from '../../../src/watcher/records/watch-store.js';
import { DEFAULT_POST_PACE } from '../../../src/watcher/watcher.js';
import {
  CHANNEL,
  cycleOnceLeaseLapses,
  drainAll,
  freezingSlackClients,
  GiB,
  hookedSlackClients,
  MiB,
  notifications,
  postsPerKey,
  type Rig,
  startRig,
  TEAM,
  watchTask,
} from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { worldPerTest } from '../world-per-test.js';

const { world, rigs } = worldPerTest();

async function rig(options: Parameters<typeof startRig>[1] = {}): Promise<Rig> {
  const started = await startRig(world, options);
  rigs.push(started);
  return started;
}

const watch = (r: Rig, id: string) => watchTask(r, id);

/** 10 GiB at 100 MiB/s: about 1 point per second of the simulator's clock. */
const task = (name: string, progress: number, fails: boolean) =>
  world.oms.addTask({
    name,
    status: 2,
    totalSize: 10 * GiB,
    speed: 100 * MiB,
    progress,
    ...(fails ? { failAt: 0.5, failCode: 'TRF.0004' } : {}),
  });

/** Past the pause an outage left (`recoveryProbeMs`, 200 ms in the rig): the next post probes Slack. */
const pastProbePause = () => world.watcherClock.advance(200);

/** Names of the watched tasks a post names (text and blocks). */
const named = (body: Record<string, unknown>) =>
  new Set([...JSON.stringify([body.text, body.blocks]).matchAll(/(failing|done)-\d/g)].map((m) => m[0]));

describe('failures go first, several at once in one listing', () => {
  it('announces N failures in one channel post before M completions queued earlier: 0 × 429, each once', async () => {
    // The production pace against the fake enforcing Slack's tiers.
    const r = await rig({ watcher: { postPace: DEFAULT_POST_PACE } });
    const done = [0, 1, 2].map((i) => task(`done-${i}`, 0.95, false));
    const failing = [0, 1, 2, 3].map((i) => task(`failing-${i}`, 0.3, true));
    for (const t of [...done, ...failing]) await watch(r, t.id);
    world.fakeSlack.setTierLimits(true);
    // Slack is down while the completions are detected, then while the failures are: all queued,
    // the completions first.
    world.fakeSlack.setDown(true);
    world.clock.advance(10_000); // done-* finish (0.95 → 1), failing-* move to 0.4
    await r.watcher.runCycle();
    world.clock.advance(20_000); // failing-* reach 0.5 and fail
    await r.watcher.runCycle();
    expect(notifications(world.fakeSlack).filter((n) => n.event !== 'parent')).toEqual([]);
    world.fakeSlack.setDown(false);
    world.fakeSlack.clear();
    pastProbePause();
    await drainAll(world, r);

    const posts = notifications(world.fakeSlack);
    // The first post after the outage lists every failure, and no completion comes before it.
    expect(posts[0]?.event).toBe('failures');
    expect(posts[0]?.thread).toBe(false);
    expect(named(posts[0]!.body)).toEqual(new Set(['failing-0', 'failing-1', 'failing-2', 'failing-3']));
    expect(JSON.stringify(posts[0]!.body.blocks)).toContain('TRF.0004');
    // Every listed failure can be opened as its card (the buttons its state allows are there).
    const opens = (posts[0]!.body.blocks as { accessory?: { action_id?: string } }[]).filter(
      (b) => b.accessory?.action_id === 'resource.open',
    );
    expect(opens).toHaveLength(4);
    expect(posts.filter((n) => n.event === 'failures')).toHaveLength(1);
    // Each resource's own reply follows in its thread; the failures are not broadcast again.
    const failed = posts.filter((n) => n.event === 'failed');
    expect(failed).toHaveLength(4);
    expect(failed.every((n) => n.thread && !n.broadcast)).toBe(true);
    const succeeded = posts.filter((n) => n.event === 'succeeded');
    expect(succeeded).toHaveLength(3);
    expect(succeeded.every((n) => n.thread && n.broadcast)).toBe(true);
    expect(world.fakeSlack.throttled).toEqual([]);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('a single failure goes out as its own broadcast reply, before the completions queued earlier', async () => {
    const r = await rig({ watcher: { postPace: DEFAULT_POST_PACE } });
    const done = [0, 1, 2].map((i) => task(`done-${i}`, 0.95, false));
    const bad = task('failing-0', 0.3, true);
    for (const t of [...done, bad]) await watch(r, t.id);
    world.fakeSlack.setTierLimits(true);
    world.fakeSlack.setDown(true);
    world.clock.advance(10_000);
    await r.watcher.runCycle();
    world.clock.advance(20_000);
    await r.watcher.runCycle();
    world.fakeSlack.setDown(false);
    world.fakeSlack.clear();
    pastProbePause();
    await drainAll(world, r);
    const posts = notifications(world.fakeSlack);
    expect(posts[0]).toMatchObject({ event: 'failed', thread: true, broadcast: true });
    expect(posts.filter((n) => n.event === 'failures')).toEqual([]);
    expect(posts.filter((n) => n.event === 'succeeded')).toHaveLength(3);
    expect(world.fakeSlack.throttled).toEqual([]);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('failures in more channels than a 10 s share of the workspace budget: all out in the cycle that sees them, 0 × 429', async () => {
    // The cycle does not wait for a posting window: what it can post it posts at once. With the
    // old fixed 40-per-10-s workspace window, 5 of these 45 failures waited for a later cycle.
    const r = await rig({ watcher: { postPace: { ...DEFAULT_POST_PACE, cycleWaitMs: 0 } } });
    const channels = Array.from({ length: 45 }, (_, i) => `C0FAIL${String(i).padStart(3, '0')}`);
    for (const [i, channelId] of channels.entries()) {
      const t = task(`failing-${i}`, 0.45, true);
      await watchTask(r, t.id, { channelId });
    }
    world.fakeSlack.setTierLimits(true);
    world.fakeSlack.clear();
    world.watcherClock.advance(1_000); // each channel's card was just posted: its next post waits a second
    world.clock.advance(10_000); // every task fails
    await r.watcher.runCycle();
    const failed = notifications(world.fakeSlack).filter((n) => n.event === 'failed');
    expect(new Set(failed.map((n) => n.body.channel))).toEqual(new Set(channels));
    expect(world.fakeSlack.throttled).toEqual([]);
  }, 60_000);

  it('a connection’s failure is posted before its other transitions are written', async () => {
    // At 50,000 watches a connection writes hundreds of transitions in a busy cycle: its failures
    // should not wait for all of them (before, they were announced after the connection's last write).
    const states: string[][] = [];
    let r: Rig | undefined;
    const done = [0, 1, 2, 3, 4].map((i) => task(`done-${i}`, 0.95, false));
    const doneKeys = done.map((t) =>
      watchKey({ teamId: TEAM, channelId: CHANNEL, connection: 'hw-prod', kind: 'task', id: t.id }),
    );
    const isFailure = (payload: Record<string, unknown>) =>
      String((payload.metadata as { event_payload?: { key?: string } })?.event_payload?.key).endsWith(
        ':failed',
      );
    const slackClients = hookedSlackClients(async (payload) => {
      if (!r || !isFailure(payload)) return;
      const records = await Promise.all(doneKeys.map((k) => r!.watcher.store.read<WatchRecord>(k)));
      states.push(records.map((rec) => rec?.state ?? 'none'));
    });
    r = await rig({ slackClients });
    const bad = task('failing-0', 0.45, true);
    for (const t of [...done, bad]) await watch(r, t.id);
    world.clock.advance(10_000); // done-* finish, failing-0 fails, all in one cycle
    await r.watcher.runCycle();
    await drainAll(world, r);
    // When Slack took the failure, the completions seen in the same poll were not written yet.
    expect(states).toEqual([['running', 'running', 'running', 'running', 'running']]);
    // And they were written (and told) after it, each once.
    const posts = notifications(world.fakeSlack);
    expect(posts.filter((n) => n.event === 'succeeded')).toHaveLength(5);
    expect(posts.filter((n) => n.event === 'failed')).toHaveLength(1);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 30_000);

  it('a replica that dies between the listing post and its record: the next one finds it, posts it once', async () => {
    const store = await createStore('memory://', captureLogger('fatal').logger);
    const settings = { leaseMs: 300, sendingStaleMs: 300 };
    const isListing = (payload: Record<string, unknown>) =>
      String((payload.metadata as { event_payload?: { key?: string } })?.event_payload?.key).endsWith(
        ':failures',
      );
    const frozen = freezingSlackClients(isListing);
    const dying = await rig({ store, watcher: settings, slackClients: frozen.factory });
    const failing = [0, 1, 2].map((i) => task(`failing-${i}`, 0.45, true));
    for (const t of failing) await watch(dying, t.id);
    world.clock.advance(10_000);
    const stuck = dying.watcher.runCycle().catch(() => undefined);
    await world.fakeSlack.waitFor(() => notifications(world.fakeSlack).some((n) => n.event === 'failures'));
    // The next replica takes over after one lease period and finds the listing's `sending` mark stale.
    const next = await rig({ store, watcher: settings });
    world.watcherClock.advance(settings.sendingStaleMs);
    await cycleOnceLeaseLapses(next);
    frozen.release();
    await stuck;
    await drainAll(world, next);

    const listings = notifications(world.fakeSlack).filter((n) => n.event === 'failures');
    expect(listings).toHaveLength(1);
    expect(named(listings[0]!.body)).toEqual(new Set(['failing-0', 'failing-1', 'failing-2']));
    expect(next.watcher.outbox.stats.lookups).toBeGreaterThanOrEqual(1);
    expect(notifications(world.fakeSlack).filter((n) => n.event === 'failed')).toHaveLength(3);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
    const channel = await next.watcher.store.read<ChannelRecord>(channelKey(TEAM, CHANNEL));
    expect(channel?.sent).toContain(listings[0]!.key);
    for (const { record } of await next.watcher.store.loadAll())
      expect(record.outbox.filter((e) => e.listedIn !== undefined)).toEqual([]);
  }, 30_000);

  it('a subscription’s failures at once: one listing instead of a channel post each, nothing left over', async () => {
    const r = await rig();
    await r.subscriptions.subscribe({
      teamId: TEAM,
      channelId: CHANNEL,
      connection: 'hw-prod',
      mode: 'failures',
      by: 'U0ALICE01',
      createdAt: Date.now(),
    });
    [0, 1, 2].map((i) => task(`failing-${i}`, 0.45, true));
    await r.watcher.runCycle(); // finds the tasks: their watches start now
    world.clock.advance(10_000); // all three fail
    await r.watcher.runCycle();
    await drainAll(world, r);
    const posts = notifications(world.fakeSlack);
    expect(posts.map((n) => n.event)).toEqual(['failures']);
    expect(named(posts[0]!.body)).toEqual(new Set(['failing-0', 'failing-1', 'failing-2']));
    for (const { record } of await r.watcher.store.loadAll()) expect(record.outbox).toEqual([]);
  }, 30_000);

  it('a sender that died between marking the failures and enqueueing their listing: rebuilt under its key, posted once', async () => {
    const r = await rig();
    const failing = [0, 1].map((i) => task(`failing-${i}`, 0.45, true));
    for (const t of failing) await watch(r, t.id);
    world.fakeSlack.setDown(true);
    world.clock.advance(10_000);
    await r.watcher.runCycle(); // marked and enqueued; Slack is down
    const key = (await r.watcher.store.read<ChannelRecord>(channelKey(TEAM, CHANNEL)))!.outbox[0]!.key;
    // As if the sender had died before the channel record's write: the marks name a listing it lacks.
    await r.watcher.store.update<ChannelRecord>(channelKey(TEAM, CHANNEL), (c) => c && { ...c, outbox: [] });
    world.fakeSlack.setDown(false);
    pastProbePause();
    await drainAll(world, r);
    const listings = notifications(world.fakeSlack).filter((n) => n.event === 'failures');
    expect(listings.map((n) => n.key)).toEqual([key]);
    expect(named(listings[0]!.body)).toEqual(new Set(['failing-0', 'failing-1']));
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 30_000);
});

describe('the listing post within Slack’s limits', () => {
  it('at most 50 blocks and 3000 characters per section, however many and however long', () => {
    const item = (i: number) => ({
      name: `${'n'.repeat(5_000)}-${i}`,
      connection: 'hw-prod',
      kind: 'task' as const,
      id: String(i),
      progress: 0.5,
      code: 'NOT.A.CODE',
      message: 'm'.repeat(10_000),
    });
    const all = Array.from({ length: 130 }, (_, i) => item(i));
    const parts = chunks(all);
    expect(parts.map((p) => p.length)).toEqual([MAX_LISTED, MAX_LISTED, MAX_LISTED, 10]);
    for (const part of parts) {
      const { text, blocks } = renderFailureListing({ kind: 'failures', items: part });
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(text.length).toBeLessThanOrEqual(3000);
      for (const b of blocks)
        expect((b as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
      // Slack refuses a message over about 13,200 characters of block text (msg_blocks_too_long),
      // and the listing settles every failure it names: each one is named, none left out.
      expect(blockLimitProblems(blocks, 'message')).toEqual([]);
      expect(totalBlockText(blocks)).toBeLessThanOrEqual(MESSAGE_TOTAL_TEXT_MAX);
      for (const [i, listed] of part.entries())
        expect(JSON.stringify(blocks[i])).toContain(`hw-prod:${listed.id}`);
    }
    // A few failures keep their explanation whole.
    const few = renderFailureListing({ kind: 'failures', items: [{ ...item(1), message: 'm'.repeat(290) }] });
    expect(JSON.stringify(few.blocks)).toContain('m'.repeat(290));
    const known = renderFailureListing({ kind: 'failures', items: [{ ...item(1), code: 'TRF.0004' }] });
    expect(JSON.stringify(known.blocks)).toContain('TRF.0004');
  });
});
