import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { notifications } from '../harness/watcher-rig.js';

// Issue #14, "Completion report": when a watched task ends, its card's thread gets a short report
// and a throughput chart (PNG) uploaded with Slack's two-step file upload, drawn from the samples the
// watcher collected while it ran. Driven through a signed `/migrate watch` and real poll cycles.
const t = new TestBot();
const OPERATOR = 'U0OPER015';

beforeAll(async () => {
  // The watcher's clock is the simulator's, so the samples' times match the bytes it moved.
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { recheckAfterMs: [], clock: new TestClock(() => t.oms.clock.now()) },
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

describe('a watched task that finishes', () => {
  it('gets a report and a throughput chart in its thread, once', async () => {
    const GiB = 1024 ** 3;
    const task = t.oms.addTask({ name: 'reported', status: 2, totalSize: 40 * GiB, totalNum: 400 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    // The simulator moves 1 GiB per simulated second: a few cycles while it runs, then it ends.
    for (let i = 0; i < 6; i++) {
      t.oms.clock.advance(6_000 + i * 1_000);
      await t.bot.deps.watcher.runCycle();
    }
    t.oms.clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    await t.bot.deps.watcher.runCycle();

    const report = await t.fakeSlack.waitFor(() =>
      notifications(t.fakeSlack).find((n) => n.key.endsWith(':report') && n.key.includes(task.id)),
    );
    expect(report.thread).toBe(true);
    const blocks = JSON.stringify(report.body.blocks);
    expect(blocks).toContain('Report for reported');
    expect(blocks).toContain('*Duration*');
    expect(blocks).toContain('*Average*');
    expect(blocks).toContain('*Peak*');
    expect(blocks).toContain('40');

    const upload = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.files.uploads.find((u) => u.filename === `throughput-${task.id}.png`),
    );
    expect(upload.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // a PNG
    expect(upload.bytes.length).toBeGreaterThan(2_000);
    // Kept for a person to look at (CI keeps test-artifacts/).
    mkdirSync('test-artifacts/reports', { recursive: true });
    writeFileSync('test-artifacts/reports/throughput-chart.png', upload.bytes);
    expect(upload.threadTs).toBe(report.body.thread_ts);
    expect(upload.channel).toBe(report.body.channel);

    await t.bot.deps.watcher.runCycle();
    expect(notifications(t.fakeSlack).filter((n) => n.key.endsWith(':report'))).toHaveLength(1);
    expect(t.fakeSlack.files.uploads.filter((u) => u.filename === upload.filename)).toHaveLength(1);
  });

  it('gives the average the card and the chart show, and a peak (issue 39)', async () => {
    // Half done before the watch began, none of it in the provider's elapsed time: bytes over
    // elapsed time was "Average 405 MiB/s" beside a card and a chart at 64 MiB/s, and no peak.
    const GiB = 1024 ** 3;
    const task = t.oms.addTask({
      name: 'half-done',
      status: 2,
      progress: 0.5,
      totalSize: 8 * GiB,
      speed: 64 * 1024 ** 2,
    });
    const card = await t.ask(`status ${task.id}`, { userId: OPERATOR });
    expect(JSON.stringify(card)).toContain('64.0 MiB/s');
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    for (let i = 0; i < 8 && t.oms.tasks.get(task.id)!.status !== 5; i++) {
      t.oms.clock.advance(10_000);
      await t.bot.deps.watcher.runCycle();
    }
    t.oms.clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    const report = await t.fakeSlack.waitFor(() =>
      notifications(t.fakeSlack).find((n) => n.key.endsWith(':report') && n.key.includes(task.id)),
    );
    const fields = JSON.stringify(report.body.blocks);
    // What the watcher measured (the last poll ends after the task did): at most the card's speed.
    const average = /\*Average while watched\*\\n([\d.]+) MiB\/s/.exec(fields)?.[1];
    expect(Number(average)).toBeGreaterThan(50);
    expect(Number(average)).toBeLessThanOrEqual(64);
    expect(fields).toMatch(/\*Peak\*\\n(63\.[5-9]|64\.[0-4]) MiB\/s/);
    expect(fields).not.toMatch(/\d{3}(\.\d)? MiB\/s/);
    // The thread's completion line (and its channel broadcast) says the same average and peak.
    const peak = /\*Peak\*\\n([\d.]+) MiB\/s/.exec(fields)?.[1];
    const posts = notifications(t.fakeSlack).filter(
      (n) => n.key.includes(task.id) && /succeeded/.test(n.key) && !/:(report|verification)$/.test(n.key),
    );
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) {
      const text = JSON.stringify(post.body);
      expect(text).toContain(`*Average while watched:* ${average} MiB/s`);
      expect(text).toContain(`*Peak:* ${peak} MiB/s`);
      expect(text).not.toMatch(/\d{3}(\.\d)? MiB\/s/);
    }
  });

  it("gives the provider's speed as the peak though a poll writes its records seconds after the answer", async () => {
    // On a busy machine a poll reads every kind of a connection before it writes: a record written
    // 5 s after OMS answered was sampled at the write, so the next interval looked 15 s of bytes
    // in 10 s: "Peak 96.1 MiB/s" beside a task moving at 64 MiB/s (the playground, under CI load).
    const task = t.oms.addTask({
      name: 'late-writes',
      status: 2,
      totalSize: 8 * 1024 ** 3,
      speed: 64 * 1024 ** 2,
    });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    const actionsFor = HuaweiOmsProvider.prototype.actionsFor;
    let late = 0;
    // Time passes after OMS answered and before the record is written (the watcher's clock is the
    // simulator's): as when the poll goes on to read the connection's other kinds.
    const slow = vi.spyOn(HuaweiOmsProvider.prototype, 'actionsFor').mockImplementation(function (
      this: HuaweiOmsProvider,
      resource,
    ) {
      if (late-- > 0) t.oms.clock.advance(5_000);
      return actionsFor.call(this, resource);
    });
    try {
      for (let i = 0; i < 12 && t.oms.tasks.get(task.id)!.status !== 5; i++) {
        late = i % 3 === 1 ? 1 : 0;
        t.oms.clock.advance(10_000);
        await t.bot.deps.watcher.runCycle();
      }
    } finally {
      slow.mockRestore();
    }
    t.oms.clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    const report = await t.fakeSlack.waitFor(() =>
      notifications(t.fakeSlack).find((n) => n.key.endsWith(':report') && n.key.includes(task.id)),
    );
    expect(JSON.stringify(report.body.blocks)).toMatch(/\*Peak\*\\n(63\.[5-9]|64\.[0-4]) MiB\/s/);
  });

  it('keeps a sample only when the bytes moved', async () => {
    const task = t.oms.addTask({ name: 'idle-samples', status: 2, totalSize: 400 * 1024 ** 3, speed: 0 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    const watcher = t.bot.deps.watcher;
    const record = async () => (await watcher.list('T0FAKE001')).find((r) => r.watch.id === task.id)!;
    t.oms.clock.advance(5_000);
    await watcher.runCycle();
    const first = await record();
    expect(first.samples).toHaveLength(1);
    // It says it is migrating, but no byte moved (speed 0): no new sample.
    t.oms.clock.advance(5_000);
    await watcher.runCycle();
    expect((await record()).samples).toEqual(first.samples);
    // It moves again: the next cycle keeps a sample.
    t.oms.tasks.get(task.id)!.speed = 1024 ** 3;
    t.oms.clock.advance(5_000);
    await watcher.runCycle();
    expect((await record()).samples!.length).toBe(2);
  });
});
