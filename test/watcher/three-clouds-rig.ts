import { afterAll, beforeAll, expect } from 'vitest';
import type { SeedTask } from '../../dev/simulators/huawei-oms/index.js';
import { NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../dev/simulators/upcloud/index.js';
import { verificationOf as factOf } from '../../src/capabilities/shared/verification-fact.js';
import type { WatchRecord } from '../../src/watcher/records/watch-store.js';
import { keyedPosts, ROOMY_EDITS } from '../harness/bots/oms-bot.js';
import type { ViewTracker } from '../harness/interactions.js';
import { advanceWhileRunning } from '../harness/oms-running.js';
import { ncpConnection, omsConnection, TestBot, upcloudConnection } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';

/** One suite's credentials for the NCP and UpCloud simulators (OMS comes with the test bot). */
export interface CloudKeys {
  ncp: { accessKey: string; secretKey: string };
  service: string;
  ucToken: string;
  source: { name: string; accessKey: string; secretKey: string };
}

type StartOptions = NonNullable<Parameters<TestBot['start']>[0]>;

/**
 * A suite's credentials for the simulators, told apart from other suites' by `label` (capitals)
 * and `service` (the 12 hex digits that end its UpCloud service id).
 */
export function cloudKeys(label: string, service: string): CloudKeys {
  const low = label.toLowerCase();
  return {
    ncp: {
      accessKey: `NCP${label}ACCESSKEY`.padEnd(21, '0'),
      secretKey: `ncp-${low}-secret-key-`.padEnd(38, '0'),
    },
    service: `1200ecde-db95-4d1d-9c2c-${service}`,
    ucToken: `ucat_01${label}TOKEN`.padEnd(35, '0'),
    source: {
      name: `${low}-src`,
      accessKey: `${label}SOURCEKEY`.padEnd(20, '0'),
      secretKey: `${low}-source-secret`,
    },
  };
}

/**
 * A bot watching the three simulated clouds (`hw-prod`, `ncp-kr`, `up-fi`), started before the
 * suite and stopped after it. The providers move only when a test moves them: on real time, a
 * loaded machine could see a run end before its `watch` read it, and no ending was ever said.
 */
export function threeClouds(keys: CloudKeys, start: Omit<StartOptions, 'connections'>) {
  const t = new TestBot();
  const ncp = new NcpSimulator({ keys: { [keys.ncp.accessKey]: keys.ncp.secretKey } });
  const upcloud = new UpCloudSimulator({ serviceIds: [keys.service], tokens: [keys.ucToken] });
  beforeAll(async () => {
    await Promise.all([ncp.start(), upcloud.start()]);
    await t.start({
      ...start,
      connections: (omsUrl) => [
        omsConnection('hw-prod', omsUrl),
        ncpConnection(ncp.url, keys.ncp, keys.source),
        upcloudConnection(upcloud.url, keys.service, keys.ucToken, keys.source),
      ],
    });
    for (const sim of [t.oms, ncp, upcloud]) sim.clock.freeze();
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([ncp.stop(), upcloud.stop()]);
  });
  return { t, ncp, upcloud };
}

/**
 * Runs cycles, moving the simulators on with `advance`, until the one verification post of `id`
 * is out. Bounded in time, not in turns: a delivery can finish after its cycle, at Slack's pace
 * for the channel (real time); 151 turns of 20 ms once ran out under CI's load.
 */
export async function untilVerified(
  rig: { t: TestBot; clock: TestClock; posts: { key: string; body: Record<string, unknown> }[] },
  id: string,
  advance: () => void,
): Promise<Record<string, unknown>> {
  const { t, clock, posts } = rig;
  const verificationOf = () =>
    posts.filter((p) => p.key.includes(`:${id}:`) && p.key.endsWith(':verification'));
  let turns = 0;
  const posted = async () => {
    turns++;
    if (verificationOf().length > 0) return true;
    advance();
    clock.advance(30_000);
    await t.bot.deps.watcher.runCycle();
    return false;
  };
  await until(posted, { what: 'the verification posted', timeoutMs: 60_000, everyMs: 50 }).catch(
    () => undefined,
  );
  if (verificationOf().length === 0) {
    // What the watch had come to, so a failure here says where it stopped.
    const records = (await t.bot.deps.watcher.list('T0FAKE001')).filter((r) => r.watch.id === id);
    const seen = records.map((r) => `${r.state}, ended ${r.ended}, outbox ${r.outbox.length}`);
    const keys = posts.filter((p) => p.key.includes(id)).map((p) => p.key.slice(p.key.indexOf(id)));
    expect.fail(
      `no verification after ${turns} turns; watch: ${seen.join(' | ') || 'none'}; posts: ${keys.join(', ') || 'none'}`,
    );
  }
  expect(verificationOf()).toHaveLength(1);
  return verificationOf()[0]!.body;
}

type VerifyRig = Parameters<typeof untilVerified>[0];
const MiB = 1024 ** 2;

/** A run whose counts add up when it ends: 1,203 objects (3 skipped), 600 MiB, checked with CRC64. */
export const ADDS_UP = {
  status: 2,
  progress: 0.5,
  totalSize: 600 * MiB,
  totalNum: 1203,
  skippedNum: 3,
  skippedSize: 2 * MiB,
  options: { consistency_check: 'crc64' },
} satisfies Partial<SeedTask>;

/** Seeds OMS task `seed`, watches it in `channel` and runs it to its verification: the task and the post. */
export async function verifiedRun(rig: VerifyRig, channel: string, seed: SeedTask) {
  const task = rig.t.oms.addTask(seed);
  await rig.t.ask(`watch ${task.id} <#${channel}|ops>`);
  const post = await untilVerified(rig, task.id, advanceWhileRunning(rig.t.oms, task.id));
  return { task, post };
}

/**
 * A run that fails at 20 % (TRF.0015), run to its verification in `channel`: the post, and the
 * value a button of that verification carries (as a stale or a crafted click would send it).
 */
export async function failedRunVerified(rig: VerifyRig, channel: string, name: string) {
  const failed = { name, status: 2, progress: 0.1, failAt: 0.2, failCode: 'TRF.0015' };
  const { task, post } = await verifiedRun(rig, channel, failed);
  const record = await rig.t.bot.deps.watcher.store.read<WatchRecord>(
    `w:T0FAKE001:${channel}:hw-prod:task:${task.id}`,
  );
  return { post, value: JSON.stringify({ c: 'hw-prod', k: 'task', id: task.id, at: factOf(record)!.at }) };
}

/**
 * A three-cloud bot whose watcher runs on a clock of its own, moved by the tests, with an edit
 * budget a test's posts do not spend, its keyed posts recorded: and the verification helpers above
 * bound to it.
 */
export function verifyingClouds(keys: CloudKeys) {
  const clock = new TestClock();
  const clouds = threeClouds(keys, {
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { clock, editBudget: ROOMY_EDITS },
  });
  const rig = { t: clouds.t, clock, posts: keyedPosts(clouds.t) };
  return {
    ...clouds,
    clock,
    posts: rig.posts,
    untilVerified: (id: string, advance: () => void) => untilVerified(rig, id, advance),
    verifiedRun: (channel: string, seed: SeedTask) => verifiedRun(rig, channel, seed),
    failedRunVerified: (channel: string, name: string) => failedRunVerified(rig, channel, name),
  };
}

/** Presses `button` as `userId`: the modal it opened, or (no view) what the presser was told instead. */
export async function pressForModal(
  t: TestBot,
  views: ViewTracker,
  button: { action_id: string; value: string },
  who: { userId: string; channelId: string },
) {
  const before = views.shown.length;
  const click = await t.click(button.action_id, button.value, who);
  // The press has ended: its modal was opened by then, or the presser told why not.
  await t.settled();
  return { click, view: views.shown[before] };
}
