import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangingSource, omsSink } from '../../../dev/simulators/changing-source.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 76, the convergence line against a source that keeps changing: the applications write to
// the source at a rate that halves every 12 h (the simulators' changing source, on the test's
// clock), keep-in-sync runs an OMS delta every 6 h (`migrate_since` = the last run's start), and
// the card projects the final delta's duration from the last deltas. The next delta, run for real,
// lasts within ±25 % of that projection; a source written at a steady rate is "not converging".
const CONNECTION = 'hw-conv';
const CHANNEL = 'C0CONVERGE';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0CONVBOB';
const MiB = 1024 ** 2;
const HOUR = 3_600_000;
const STEP = 10 * 60_000;

const t = new TestBot();
// The bot, its provider client and the OMS simulator read one clock: the simulator's, moved by hand.
const clock = new TestClock(() => t.oms.clock.now());

beforeAll(async () => {
  t.oms.clock.freeze();
  t.oms.gatewayNow = Date.now;
  // 64 MiB/s a task; objects `migrate_since` leaves out are compared, not copied: 100 times faster.
  t.oms.timings.speedBytesPerSecond = 64 * MiB;
  t.oms.timings.skippedBytesPerSecond = 100 * 64 * MiB;
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0' },
    connections: (url) => [omsConnection(CONNECTION, url)],
    watcher: { clock },
  });
  await t.ask(`access grant <@${APPROVER}> approver`);
});
afterAll(() => t.stop());

/** A finished migration of `bucket`, whose source keeps being written to from now on. */
async function changingMigration(name: string, halfLifeH: number) {
  const bucket = t.oms.addBucket({ cloudType: 'AWS', region: 'us-east-1', name: `${name}-src`, objects: [] });
  const source = new ChangingSource({
    start: clock.now(),
    perHour: 800,
    halfLifeH,
    objectBytes: 64 * MiB,
    prefix: 'data/',
    sinks: [omsSink(bucket)],
  });
  const task = t.oms.addTask({
    name,
    status: 5,
    progress: 1,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
    dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
  });
  await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
  await t.bot.deps.watcher.runCycle();
  const since = t.fakeSlack.calls.length;
  await t.ask(`keep-sync ${task.id} every 6h until +3d max 12`, { userId: REQUESTER, channelId: CHANNEL });
  const request = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .find(
        (c) =>
          c.method === 'chat.postMessage' &&
          buttons(c.body).some((b) => b.action_id === 'cutover.sync.approve'),
      ),
  );
  const approve = buttons(request.body).find((b) => b.action_id === 'cutover.sync.approve')!;
  await (await t.click(approve.action_id, approve.value, { userId: APPROVER, channelId: CHANNEL })).answer();
  return { source, task };
}

/** Moves the one clock by `hours` in 10-minute steps: the source writes, the jobs tick, the cards poll. */
async function live(hours: number, sources: ChangingSource[]) {
  for (let i = 0; i < (hours * HOUR) / STEP; i++) {
    t.oms.clock.advance(STEP);
    for (const s of sources) s.advanceTo(clock.now());
    await t.bot.scheduler.tick('cycle');
    await t.bot.deps.watcher.runCycle();
  }
  await t.settled();
}

/** The keep-in-sync deltas of `name`, oldest first. */
const deltas = (name: string) =>
  [...t.oms.tasks.values()].filter((x) => x.description.startsWith(`${name} · sync `));

/** The card's last convergence line of `id`, as last drawn. */
function convergence(id: string): string | undefined {
  const texts = t.fakeSlack
    .callsTo('chat.update')
    .map((c) => messageText(c.body))
    .filter((text) => text.includes(id) && /Final delta|Not converging/.test(text));
  return texts.at(-1);
}

describe('the convergence line on a changing source', () => {
  // 200 moves of the clock, each a tick and a cycle: seconds alone, longer on a shared machine.
  it('projects the final delta within ±25 % of the delta that follows', { timeout: 120_000 }, async () => {
    const { source, task } = await changingMigration('conv-a', 12);
    // Four deltas, at 6, 12, 18 and 24 h, each ended before the next.
    await live(26, [source]);
    const made = deltas('conv-a');
    expect(made).toHaveLength(4);
    expect(made.every((d) => d.status === 5)).toBe(true);
    // What each delta wrote shrinks with the source's rate (×0.71 every 6 h).
    const written = made.map((d) => d.totalSize - d.skippedSize);
    for (let i = 1; i < written.length; i++) expect(written[i]!).toBeLessThan(written[i - 1]!);
    const line = convergence(task.id);
    const projected = Number(/Final delta ≈ (\d+) min/.exec(line ?? '')?.[1]);
    expect(projected, line).toBeGreaterThan(0);
    // The fifth delta, due at 30 h, run for real: its duration against the projection.
    await live(6, [source]);
    const final = deltas('conv-a')[4];
    expect(final?.status).toBe(5);
    const realMin = final!.accumulatedMs / 60_000;
    expect(
      Math.abs(projected - realMin) / realMin,
      `projected ${projected} min, ran ${realMin.toFixed(1)} min`,
    ).toBeLessThanOrEqual(0.25);
  });

  it('says "not converging" when the source is written at a steady rate', { timeout: 120_000 }, async () => {
    const { source, task } = await changingMigration('conv-b', Number.POSITIVE_INFINITY);
    await live(26, [source]);
    expect(deltas('conv-b').filter((d) => d.status === 5)).toHaveLength(4);
    expect(convergence(task.id)).toContain('Not converging: the last deltas stopped shrinking.');
  });
});
