import { describe, expect, it } from 'vitest';
import { CHANNEL, GiB, MiB, notifications, postsPerKey, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

const OTHER_CHANNEL = 'C0WATCH02';
// Short timeouts, so a hung provider is a timeout within the test's time.
const { world, rig } = worldPerTest({ rig: { timeouts: { connectMs: 500, readMs: 300 } } });

const watch = (id: string, channelId = CHANNEL) => watchTask(rig, id, { channelId });

describe('provider faults never become migration failures', () => {
  it('429 with Retry-After, 5xx, malformed bodies, hang-ups and timeouts: no false failure, nothing twice', async () => {
    const ok = [0, 1, 2].map((i) =>
      world.oms.addTask({ name: `steady-${i}`, status: 1, totalSize: 2 * GiB, speed: 20 * MiB }),
    );
    const bad = world.oms.addTask({
      name: 'really-fails',
      status: 1,
      totalSize: 2 * GiB,
      speed: 20 * MiB,
      failAt: 0.5,
      failCode: 'TRF.0004',
    });
    for (const t of [...ok, bad]) await watch(t.id);
    world.oms.faults.configure({ rate429: 0.2, retryAfterSeconds: 0, rate5xx: 0.2, rateMalformed: 0.15 });
    let failedCycles = 0;
    for (let step = 0; step < 30; step++) {
      if (step % 5 === 0)
        world.oms.faults.script(
          { method: 'GET', path: '/tasks', delayMs: 400 },
          { method: 'GET', path: '/tasks', hangUp: true },
        );
      world.clock.advance(5_000);
      const report = await rig.watcher.runCycle();
      failedCycles += report?.failedConnections ?? 0;
    }
    world.oms.faults.reset();
    world.clock.advance(5_000);
    await rig.watcher.runCycle();
    await rig.watcher.runCycle();

    const events = notifications(world.fakeSlack).map(
      (n) => `${String(n.body.text).match(/\*([\w-]+)\*/)?.[1] ?? '?'} ${n.event}`,
    );
    expect(events.filter((e) => e.endsWith(' failed'))).toEqual(['really-fails failed']);
    expect(events.filter((e) => e.endsWith(' succeeded')).sort()).toEqual([
      'steady-0 succeeded',
      'steady-1 succeeded',
      'steady-2 succeeded',
    ]);
    expect(events.some((e) => e.endsWith('vanished'))).toBe(false);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
    console.log(
      `[watcher] fault run: ${world.oms.server.requestCount} provider requests, ${failedCycles} connection-level failures in 30 cycles, 0 false failures`,
    );
  });

  it('an outage is reported once per channel, and its recovery once; what changed meanwhile is not lost', async () => {
    const a = world.oms.addTask({ name: 'during-outage', status: 2, totalSize: GiB, speed: 20 * MiB });
    const b = world.oms.addTask({ name: 'other-channel', status: 3 });
    await watch(a.id);
    await watch(b.id, OTHER_CHANNEL);
    await rig.watcher.runCycle();
    world.oms.faults.configure({ rate5xx: 1 });
    const reports = [];
    for (let i = 0; i < 12; i++) reports.push(await rig.watcher.runCycle());
    expect(reports.slice(0, 3).every((r) => r?.failedConnections === 1)).toBe(true);
    expect(reports.filter((r) => (r?.backedOff ?? 0) > 0).length).toBeGreaterThan(3); // backed off
    const down = notifications(world.fakeSlack).filter((n) => n.event === 'down');
    expect(down.map((n) => n.body.channel).sort()).toEqual([CHANNEL, OTHER_CHANNEL]);
    expect(String(down[0]!.body.text)).toContain('`hw-prod` is not answering since');
    expect(String(down[0]!.body.text)).toContain('HTTP 503');
    expect(String(down[0]!.body.text)).toContain('not a migration failure');
    expect(down[0]!.thread).toBe(false);

    world.clock.advance(120_000); // `a` completes while the provider is down
    world.oms.faults.reset();
    for (let i = 0; i < 20 && !notifications(world.fakeSlack).some((n) => n.event === 'up'); i++)
      await rig.watcher.runCycle();
    await rig.watcher.runCycle();
    const up = notifications(world.fakeSlack).filter((n) => n.event === 'up');
    expect(up.map((n) => n.body.channel).sort()).toEqual([CHANNEL, OTHER_CHANNEL]);
    expect(String(up[0]!.body.text)).toContain('answers again after');
    const events = notifications(world.fakeSlack).map((n) => n.event);
    expect(events.filter((e) => e === 'failed' || e === 'vanished')).toEqual([]);
    expect(events.filter((e) => e === 'succeeded')).toEqual(['succeeded']);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);

    // A second outage is a new one: reported again, once.
    world.oms.faults.configure({ rate5xx: 1 });
    for (let i = 0; i < 4; i++) await rig.watcher.runCycle();
    expect(notifications(world.fakeSlack).filter((n) => n.event === 'down').length).toBe(4);
  });

  it('rejected credentials are a connection problem, not a task failure', async () => {
    const task = world.oms.addTask({ name: 'auth', status: 2 });
    await watch(task.id);
    await world.provider.pause('task', task.id);
    world.oms.faults.configure({});
    world.oms.faults.script(
      ...Array.from({ length: 3 }, () => ({
        method: 'GET',
        status: 401,
        body: { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' },
      })),
    );
    for (let i = 0; i < 3; i++) await rig.watcher.runCycle();
    const down = notifications(world.fakeSlack).filter((n) => n.event === 'down');
    expect(down.length).toBe(1);
    expect(String(down[0]!.body.text)).toContain('credentials refused');
    expect(notifications(world.fakeSlack).some((n) => n.event === 'paused' || n.event === 'failed')).toBe(
      false,
    );
  });
});
