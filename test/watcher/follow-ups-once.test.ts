import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import type { WatchRecord } from '../../src/watcher/watch-store.js';
import {
  CHANNEL,
  finishingTask,
  hookedSlackClients,
  notifications,
  type Rig,
  type SlackHooks,
  startRig,
  startWorld,
  TEAM,
  type WatchWorld,
  watchedKey,
  watchTask,
} from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

// The follow-ups of an ending (its completion report and verification) are held to the outbox's
// exactly-once promise like the ending itself, across replicas that die mid-post: a replica that
// looked a possibly sent post up and found nothing may post it only if the claim it looked up for
// is still the one in the record.

let world: WatchWorld;
const rigs: Rig[] = [];

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
  await world.stop();
});

const keyOf = (payload: Record<string, unknown>) =>
  String((payload.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key);
const isVerification = (payload: Record<string, unknown>) => keyOf(payload).endsWith(':verification');

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('follow-ups across replicas that die mid-post', () => {
  it('a verification claimed again while another replica looked it up is posted once', async () => {
    const store = await createStore('memory://', captureLogger('fatal').logger);
    const settings = { completionReports: true, sendingStaleMs: 200 };
    // Replica A: its first verification post never reaches Slack (the connection drops: an
    // uncertain answer), its second does and A dies before recording it.
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
    const a = await startRig(world, { store, watcher: settings, slackClients: hookedSlackClients(aHooks) });
    const b = await startRig(world, { store, watcher: settings, slackClients: hookedSlackClients(bHooks) });
    rigs.push(a, b);
    const task = finishingTask(world, 'verified');
    await watchTask(a, task.id);
    const key = watchedKey(task.id);
    world.clock.advance(10_000); // it succeeds
    await a.watcher.runCycle();
    // The ending and its report are out; the verification waits with A's uncertain claim.
    expect(notifications(world.fakeSlack).map((n) => n.event)).toEqual(['parent', 'succeeded', 'report']);
    const waiting = (await a.watcher.store.read<WatchRecord>(key))!.outbox;
    expect(waiting.map((e) => [e.note?.kind, e.sending?.at])).toEqual([['verification', 0]]);
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
