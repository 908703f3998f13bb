import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explain } from '../../../src/catalogue/explain.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { PoolRegistry } from '../../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { omsConnection } from '../../harness/test-bot.js';
import {
  CHANNEL,
  GiB,
  MiB,
  notifications,
  type Rig,
  startRig,
  startWorld,
  TEAM,
  trace,
  type WatchWorld,
  watchTask,
} from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

let world: WatchWorld;
let rig: Rig;
let provider: HuaweiOmsProvider;
const pools = new PoolRegistry();

afterAll(async () => {
  await pools.close();
});
beforeEach(async () => {
  world = await startWorld();
  provider = new HuaweiOmsProvider(omsConnection('hw-prod', world.oms.url), {
    pools,
    logger: captureLogger('fatal').logger,
  });
  rig = await startRig(world);
});
afterEach(async () => {
  await rig.stop();
  await world.stop();
});

const advance = (ms: number) => world.clock.advance(ms);
const cycle = () => rig.watcher.runCycle();
const watch = (id: string) => watchTask(rig, id);

describe('watching a task through its life', () => {
  it('a task that runs to success: one parent card, edits in place, thread replies, completion broadcast', async () => {
    // 10 GiB at 100 MiB/s: ~102 s of migration once it is scheduled (2 s after creation).
    const task = world.oms.addTask({
      name: 'photos-to-obs',
      status: 1,
      totalSize: 10 * GiB,
      totalNum: 1000,
      speed: 100 * MiB,
    });
    expect((await watch(task.id)).posted).toBe(true);
    await cycle(); // still waiting: nothing to say
    advance(2_000);
    await cycle(); // started
    advance(2_000);
    await cycle(); // ~2%: below the 5-point step, no edit
    advance(10_000);
    await cycle(); // ~11.7%: edit
    await provider.pause('task', task.id);
    await cycle(); // pausing: card only
    advance(1_500);
    await cycle(); // paused
    await provider.resume('task', task.id);
    advance(2_000);
    await cycle(); // resumed
    advance(120_000);
    await cycle(); // succeeded
    await cycle(); // nothing new

    expect(trace(world.fakeSlack)).toEqual([
      'post parent',
      'reply started',
      'edit Migrating 0%',
      'edit Migrating 11%',
      'edit Pausing 11%',
      'reply paused',
      'edit Paused 11%',
      'reply resumed',
      'edit Migrating 11%',
      'reply succeeded',
      'edit Succeeded 100%',
    ]);
    const sent = notifications(world.fakeSlack);
    const parent = world.fakeSlack.callsTo('chat.postMessage')[0]!;
    const parentTs = '1700000000.000001';
    for (const reply of sent.filter((n) => n.thread)) expect(reply.body.thread_ts).toBe(parentTs);
    for (const edit of world.fakeSlack.callsTo('chat.update')) expect(edit.body.ts).toBe(parentTs);
    expect(parent.body.thread_ts).toBeUndefined();
    expect(sent.filter((n) => n.broadcast).map((n) => n.event)).toEqual(['succeeded']);
    const done = sent.find((n) => n.event === 'succeeded')!;
    const text = String(done.body.text);
    expect(text).toContain('completed: 10.0 GiB');
    expect(text).toContain('1,000 of 1,000 objects');
    expect(text).toContain('0 skipped · 0 failed');
    // Duration is what OMS reports (total_time); the average speed follows from it.
    const seconds = Math.round(world.oms.task(task.id)!.accumulatedMs / 1000);
    expect(text).toContain(`*Duration:* ${ENGLISH.duration(seconds)}`);
    expect(text).toContain(`*Average speed:* ${ENGLISH.bytes((10 * GiB) / seconds)}/s`);
  });

  it('a task that fails: failure reply with code, explanation, fix, counts, list location and actions', async () => {
    const task = world.oms.addTask({
      name: 'logs-archive',
      status: 1,
      totalSize: 10 * GiB,
      totalNum: 5_000,
      speed: 100 * MiB,
      failAt: 0.4,
      failCode: 'TRF.0003',
      failMessage: 'Waiting for task execution timed out.',
    });
    await watch(task.id);
    advance(2_000);
    await cycle();
    advance(60_000);
    await cycle(); // fails at 40 %
    await cycle();

    expect(trace(world.fakeSlack)).toEqual([
      'post parent',
      'reply started',
      'edit Migrating 0%',
      'reply failed',
      'edit Failed 40%',
    ]);
    const failed = notifications(world.fakeSlack).find((n) => n.event === 'failed')!;
    expect(failed.broadcast).toBe(true);
    expect(failed.thread).toBe(true);
    const text = String(failed.body.text);
    const entry = explain('TRF.0003')!;
    // One leading line says what failed, when, and what the code means (issue 39 §5): the code
    // once, with what it means, then the fix; the catalogue's message is /migrate explain's.
    expect(text).toContain('failed at 40%,');
    expect(text.match(/TRF\.0003/g)).toHaveLength(1);
    expect(text).toContain(entry.description.slice(0, 40));
    expect(text).toContain('*Fix:*');
    const failedNum = world.oms.task(task.id)!.failedNum;
    expect(failedNum).toBeGreaterThan(0);
    // The counts are the post's small print (a context block), not the lead.
    expect(JSON.stringify(failed.body.blocks)).toContain(`${failedNum.toLocaleString('en-US')} failed`);
    expect(text).toContain(`oms/task/logs-archive/failed_object_lists/${task.id}.failed_list.txt`);
    expect(text).toContain('destination bucket `dst-bucket`');
    const actions = JSON.stringify(failed.body.blocks);
    expect(actions).toContain('"action_id":"resource.retry"');
    expect(actions).toContain('"action_id":"resource.resume"');

    // Retry: a new run, with its own keys; it completes this time.
    world.fakeSlack.clear();
    await provider.retry('task', task.id);
    await cycle();
    advance(2_000);
    await cycle();
    advance(120_000);
    await cycle();
    // The failure reply follows the task too (issue #39): each edit before its card's.
    expect(trace(world.fakeSlack)).toEqual([
      'reply retrying',
      'edit Waiting',
      'edit Waiting 40%',
      'edit Migrating',
      'edit Migrating 40%',
      'reply succeeded',
      'edit Succeeded',
      'edit Succeeded 100%',
    ]);
    expect(notifications(world.fakeSlack).map((n) => n.key)).toEqual([
      `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}:r2.1:retrying`,
      `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}:r2.2:succeeded`,
    ]);
  });

  it('reports a stall once, and once when it moves again', async () => {
    const task = world.oms.addTask({ name: 'stuck', status: 2, totalSize: 10 * GiB, speed: 50 * MiB });
    await watch(task.id);
    advance(60_000);
    await cycle();
    world.oms.task(task.id)!.speed = 0; // stops moving but still says "migrating"
    for (let minute = 0; minute < 45; minute += 5) {
      world.skewMs += 5 * 60_000;
      await cycle();
    }
    world.oms.task(task.id)!.speed = 50 * MiB;
    advance(60_000);
    await cycle();
    advance(60_000);
    await cycle();
    const events = notifications(world.fakeSlack).map((n) => n.event);
    expect(events).toEqual(['parent', 'stalled', 'moving']);
    const stalled = notifications(world.fakeSlack).find((n) => n.event === 'stalled')!;
    expect(String(stalled.body.text)).toContain('has not moved for 30 min');
    expect(String(stalled.body.text)).toContain('last speed 50.0 MiB/s');
    expect(JSON.stringify(stalled.body.blocks)).toContain('resource.pause');
    expect(stalled.broadcast).toBe(false);
  });

  it('confirms a task missing from the list with a get before saying it vanished', async () => {
    const task = world.oms.addTask({ name: 'short-lived', status: 3 });
    await watch(task.id);
    world.oms.tasks.delete(task.id);
    const report = await cycle();
    expect(report?.providerRequests).toBe(2); // one list page, one get (404)
    await cycle();
    expect(notifications(world.fakeSlack).map((n) => n.event)).toEqual(['parent', 'vanished']);
    expect(await rig.watcher.list(TEAM)).toEqual([]);
  });

  it('posts a daily digest per channel once a day, saying what changed', async () => {
    await rig.stop();
    rig = await startRig(world, { watcher: { digestHourUtc: new Date(world.now()).getUTCHours() } });
    const today = new Date(world.now()).toISOString().slice(0, 10);
    const tomorrow = new Date(world.now() + 24 * 3_600_000).toISOString().slice(0, 10);
    const a = world.oms.addTask({ name: 'alpha', status: 2, totalSize: 100 * GiB, speed: 100 * MiB });
    const b = world.oms.addTask({ name: 'beta', status: 3 });
    await watch(a.id);
    await watch(b.id);
    await cycle();
    await cycle();
    advance(60_000);
    world.skewMs += 24 * 3_600_000;
    await cycle();
    const digests = notifications(world.fakeSlack).filter((n) => n.event.startsWith('digest'));
    expect(digests.length).toBe(0); // keys end with the day, not "digest"
    const posts = notifications(world.fakeSlack).filter((n) => n.key.includes(':digest:'));
    expect(posts.map((n) => n.key)).toEqual([
      `${TEAM}:${CHANNEL}:digest:${today}`,
      `${TEAM}:${CHANNEL}:digest:${tomorrow}`,
    ]);
    const second = String(posts[1]!.body.text);
    expect(second).toContain('alpha');
    expect(second).toContain('beta');
    expect(second).toContain('no change');
    expect(second).toMatch(/alpha.*\(\+[\d.]+%\)/);
  });
});
