import { describe, expect, it } from 'vitest';
import { gatePass, type PlansState } from '../../../src/capabilities/plans/plan-service.js';
import { refOf } from '../../../src/capabilities/plans/plan-types.js';
import { messageText, omsConnection, type TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { replicaPair } from '../../security/replica-redis.js';

// Issue 60: two replicas share one Redis, one fake Slack and one OMS simulator. A wave opens once
// across them: passes racing on both replicas start each task once; a replica that dies at the
// gate (the wave marked open, its task not yet started) leaves it to the other, which starts it
// once, after the dead one's lease has lapsed.
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const TEAM = `T0PL${suffix}`;
const CONNECTION = `hw-plan-${suffix.toLowerCase()}`;
const CHANNEL = 'C0PLANRP1';
const OWNER = 'U0ALICE01';
const BASE = Date.parse('2026-11-27T09:00:00Z');
const clocks = [new TestClock(() => BASE), new TestClock(() => BASE)];
// Short leases, so the survivor takes over from a replica that died within a bounded wait.
const watcher = { keyPrefix: `plans-${suffix}:`, leaseMs: 1_500 };
const { a, b } = replicaPair({
  marker: suffix,
  connections: (url) => [omsConnection(CONNECTION, url, { team: TEAM })],
  each: (i) => ({ clock: clocks[i]!, watcher }),
  timeoutMs: 60_000,
});
const GiB = 1024 ** 3;

const who = { userId: OWNER, channelId: CHANNEL, teamId: TEAM };
const status = (id: string) => a.oms.task(id)?.status;
const stateOf = (t: TestBot) => t.bot.deps.capabilities.stateOf('plans') as PlansState;
const paused = (name: string) => a.oms.addTask({ name, status: 3, progress: 0.1, totalSize: 1024 * GiB }).id;

function succeed(id: string): void {
  const task = a.oms.task(id)!;
  Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
}

async function cyclesOn(bots: TestBot[], n = 2): Promise<void> {
  for (let i = 0; i < n; i++) {
    await Promise.all(bots.map((t) => t.bot.deps.watcher.runCycle()));
    a.oms.clock.advance(2_000);
  }
}

/** The starts the audit log holds of task `id` made by plan `plan`. */
async function startsOf(plan: string, id: string): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 200);
  return entries.filter(
    (e) =>
      e.action === 'resume' && e.target === `${CONNECTION}:${id}` && e.detail?.startsWith(`plan ${plan}`),
  ).length;
}

describe('a wave opens once across replicas', () => {
  it('passes racing on both replicas start each task once', async () => {
    const answer = messageText(await a.ask('plan new racing', who));
    const plan = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const first = paused('race-one');
    const second = paused('race-two');
    await b.ask(`plan add racing ${first}`, who);
    await a.ask(`plan add racing ${second} wave 2`, who);
    await b.ask('plan start racing', who);
    // Both replicas' passes at once, several times, past the lease: the plan record decides.
    for (let i = 0; i < 4; i++) await Promise.all([gatePass(stateOf(a)), gatePass(stateOf(b))]);
    await cyclesOn([a, b], 2);
    expect([1, 2]).toContain(status(first));
    expect(await startsOf(plan, first)).toBe(1);
    succeed(first);
    await cyclesOn([a, b], 2);
    for (let i = 0; i < 4; i++) await Promise.all([gatePass(stateOf(a)), gatePass(stateOf(b))]);
    await cyclesOn([a, b], 2);
    expect([1, 2]).toContain(status(second));
    expect(await startsOf(plan, second)).toBe(1);
  });

  it('a replica killed at the gate leaves the start to the other, once', async () => {
    const answer = messageText(await a.ask('plan new survivor', who));
    const plan = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const first = paused('kill-one');
    const second = paused('kill-two');
    await a.ask(`plan add survivor ${first}`, who);
    await a.ask(`plan add survivor ${second} wave 2`, who);
    await a.ask('plan start survivor', who);
    // A runs the gates once B's lease from the test before has lapsed (B runs no cycle here).
    await until(
      async () => {
        await cyclesOn([a], 1);
        return (await startsOf(plan, first)) > 0;
      },
      { what: 'replica A to start wave 1', timeoutMs: 15_000, everyMs: 100 },
    );
    expect(await startsOf(plan, first)).toBe(1);
    succeed(first);
    await cyclesOn([a], 1);
    // Replica A dies (kill -9: no stop, its lease left to lapse) right after it marked wave 2
    // open, before it started the wave's task: what it wrote is all that is left of it.
    const sA = stateOf(a);
    const opened = await sA.store.change(TEAM, plan, (p) => ({
      ...p,
      waves: { ...p.waves, 2: { openedAt: clocks[0]!.now(), pending: [refOf(p.resources[1]!)] } },
    }));
    expect(opened?.waves['2']?.pending).toHaveLength(1);
    expect(status(second)).toBe(3);
    // Only B runs cycles from now on; once A's lease lapses, B's pass starts the task.
    await until(
      async () => {
        await cyclesOn([b], 1);
        return [1, 2].includes(status(second) ?? 0);
      },
      { what: 'the survivor to start wave 2', timeoutMs: 15_000, everyMs: 100 },
    );
    await cyclesOn([b], 3);
    expect(await startsOf(plan, second)).toBe(1);
    const after = await stateOf(b).store.get(TEAM, plan);
    expect(after?.waves['2']?.pending).toEqual([]);
  }, 30_000);
});
