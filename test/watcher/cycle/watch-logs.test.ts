import { describe, expect, it } from 'vitest';
import { whereOf } from '../../../src/watcher/watch-log.js';
import { CHANNEL, GiB, MiB, notifications, TEAM, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

/**
 * Logs for an operator serving many workspaces (issue 50): every watcher and delivery line names
 * the workspace beside the connection (a connection's name is unique only within its workspace),
 * a migration failing and its post are info lines with workspace, connection and resource, and a
 * provider outage is one line per connection per outage with a count, not a stack per call.
 * The rig's logger is the capture logger (test/helpers/capture-logger.ts).
 */
const OTHER_CHANNEL = 'C0WATCH02';
const { world, rig } = worldPerTest({ rig: { timeouts: { connectMs: 500, readMs: 300 } } });

type Line = Record<string, unknown> & { level: string; msg: string };
const lines = (): Line[] => rig.logs.map((l) => JSON.parse(l) as Line);

/** Every line about a connection or a record says whose it is. */
function expectEveryLineNamesItsWorkspace(): void {
  const about = lines().filter((l) => l.connection !== undefined || l.key !== undefined);
  expect(about.length).toBeGreaterThan(0);
  for (const line of about) expect(line.team, JSON.stringify(line)).toBeDefined();
}

describe('watcher and delivery logs', () => {
  it('a provider outage: one warn line per connection per outage, a count, no stack; one line when it ends', async () => {
    const a = world.oms.addTask({ name: 'during-outage', status: 2, totalSize: GiB, speed: 20 * MiB });
    const b = world.oms.addTask({ name: 'other-channel', status: 3 });
    await watchTask(rig, a.id);
    await watchTask(rig, b.id, { channelId: OTHER_CHANNEL });
    await rig.watcher.runCycle();
    const before = rig.logs.length;
    world.oms.faults.configure({ rate5xx: 1 });
    for (let i = 0; i < 12; i++) await rig.watcher.runCycle();
    const requests = world.oms.server.requestCount;
    world.oms.faults.reset();
    for (let i = 0; i < 20 && !notifications(world.fakeSlack).some((n) => n.event === 'up'); i++)
      await rig.watcher.runCycle();

    const during = lines().slice(before);
    const loud = during.filter((l) => l.level === 'warn' || l.level === 'error');
    // One line for the whole outage (the file connection serves every workspace: `*`).
    expect(loud.map((l) => [l.msg, l.team, l.connection, l.failures])).toEqual([
      ['watched connection did not answer; quiet until it answers again', '*', 'hw-prod', 1],
    ]);
    expect(loud[0]!.error).toMatch(/503/);
    expect(during.filter((l) => l.err !== undefined)).toEqual([]); // no stack at any level
    const counted = during.filter((l) => l.msg === 'watched connection still does not answer');
    expect(counted.every((l) => l.level === 'debug')).toBe(true);
    expect(counted.map((l) => l.failures)).toEqual(counted.map((_, i) => i + 2));
    const ended = during.filter((l) => l.msg === 'watched connection answers again');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      level: 'info',
      team: '*',
      connection: 'hw-prod',
      provider: 'huawei-oms',
    });
    expect(ended[0]!.failures).toBe(counted.length + 1);
    expect(requests).toBeGreaterThan(counted.length + 1); // more calls failed than lines were written
    expectEveryLineNamesItsWorkspace();
  });

  it('a migration failing and its post: info lines with workspace, channel, connection and resource', async () => {
    const task = world.oms.addTask({
      name: 'fails',
      status: 1,
      totalSize: 10 * GiB,
      speed: 100 * MiB,
      failAt: 0.5,
      failCode: 'TRF.0004',
    });
    await watchTask(rig, task.id);
    world.clock.advance(2_000);
    await rig.watcher.runCycle();
    world.clock.advance(200_000);
    await rig.watcher.runCycle();
    await rig.watcher.runCycle();
    const where = { team: TEAM, channel: CHANNEL, connection: 'hw-prod', resource: `task:${task.id}` };
    const failed = lines().filter((l) => l.msg === 'migration failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'info', event: 'failed', ...where });
    const posted = lines().filter((l) => l.msg === 'failure posted');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ level: 'info', ...where });
    expect(posted[0]!.ts).toEqual(expect.any(String));
    expectEveryLineNamesItsWorkspace();
  });
});

describe('whereOf', () => {
  it('reads the workspace, channel, connection and resource from record and post keys', () => {
    expect(whereOf('w:T0AB12:C0X:hw-prod:task:123')).toEqual({
      team: 'T0AB12',
      channel: 'C0X',
      connection: 'hw-prod',
      resource: 'task:123',
    });
    expect(whereOf('T0AB12:C0X:hw-prod:task:123:r1.2:failed')).toEqual({
      team: 'T0AB12',
      channel: 'C0X',
      connection: 'hw-prod',
      resource: 'task:123',
    });
    expect(whereOf(`conn:${encodeURIComponent('T0AB12/hw-prod')}`)).toEqual({
      team: 'T0AB12',
      connection: 'hw-prod',
    });
    expect(whereOf(`conn:${encodeURIComponent('*/hw-prod')}`)).toEqual({ team: '*', connection: 'hw-prod' });
    expect(whereOf('ch:T0AB12:C0X')).toEqual({ team: 'T0AB12', channel: 'C0X' });
    expect(whereOf('T0AB12:C0X:digest:2026-11-27')).toEqual({ team: 'T0AB12', channel: 'C0X' });
    expect(whereOf('T0AB12:C0X:hw-prod:outage2:down')).toEqual({
      team: 'T0AB12',
      channel: 'C0X',
      connection: 'hw-prod',
    });
    expect(whereOf('something-else')).toEqual({});
  });
});
