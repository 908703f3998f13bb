import { describe, expect, it } from 'vitest';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { cloudKeys, threeClouds } from '../../watcher/three-clouds-rig.js';

// Issue 60 across the three simulators: an OMS task in wave 1, an NCP policy and an UpCloud job in
// wave 2. Opening wave 2 resumes the paused NCP policy through NCP's own start; the UpCloud job
// (states only, no pause) is drawn as such and named in Pause plan's confirmation as what keeps
// running.
const CHANNEL = 'C0PLANCLD';
const KEYS = cloudKeys('PLANS', '000000000060');
const GiB = 1024 ** 3;
const here = { userId: 'U0ALICE01', channelId: CHANNEL };

const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const { t, ncp, upcloud } = threeClouds(KEYS, {
  env: { POLL_INTERVAL_SECONDS: '0' },
  clock,
  watcher: { editBudget: { windowMs: 10_000, max: 1000 } },
});

async function cycles(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) await t.bot.deps.watcher.runCycle();
}

function card(planId: string): { text: string; body: Record<string, unknown> } {
  const drawn = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes(planId))
    .map((c) => c.body);
  const body = drawn.at(-1)!;
  return { text: mrkdwnTexts(body), body };
}

describe('a plan across three clouds', () => {
  it('opens its waves on OMS, NCP and UpCloud, saying what UpCloud cannot', async () => {
    const answer = messageText(await t.ask('plan new clouds', here));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const task = t.oms.addTask({ name: 'oms-small', status: 3, progress: 0.1, totalSize: 1024 * GiB }).id;
    ncp.addPolicy({
      title: 'ncp-weekend',
      jobState: 'PAUSED',
      totalSize: 500 * GiB,
      totalObjects: 400,
      progress: 0.2,
      speed: 1,
    });
    const job = upcloud.addJob({
      name: 'up-live',
      serviceId: KEYS.service,
      status: 'running',
      progress: 0.3,
    });
    expect(messageText(await t.ask(`plan add clouds ${task}`, here))).toContain('Added 1');
    expect(
      messageText(await t.ask(`plan add clouds ncp-kr:ncp-weekend up-fi:${job.uuid} wave 2`, here)),
    ).toContain('Added 2');
    await t.ask('plan start clouds', here);
    await cycles(2);
    expect([1, 2]).toContain(t.oms.task(task)?.status);
    expect(ncp.policy('ncp-weekend')?.jobState).toBe('PAUSED');

    const drawn = card(id);
    expect(drawn.text).toContain('`ncp-kr` ncp-weekend');
    expect(drawn.text).toContain('`up-fi` up-live');
    // The simulator's job reports its bytes: they are in the totals, and no note says otherwise.
    expect(drawn.text).not.toContain('UpCloud jobs give no byte or object counts');
    expect(drawn.text).toContain('held by oms-small on `hw-prod` in wave 1');
    // Pause plan's confirmation names what it pauses and what keeps running.
    const pause = buttons(drawn.body).find((b) => b.action_id === 'plan.pause');
    expect(JSON.stringify(pause?.confirm)).toContain('oms-small');
    expect(JSON.stringify(pause?.confirm)).toMatch(/UpCloud jobs cannot be paused and keep running: up-live/);

    // Wave 1 succeeds: wave 2 opens and NCP's paused policy is started again.
    const sim = t.oms.task(task)!;
    Object.assign(sim, { status: 5, completeSize: sim.totalSize, successfulNum: sim.totalNum });
    await until(
      async () => {
        await cycles(1);
        return ncp.policy('ncp-weekend')?.jobState !== 'PAUSED';
      },
      { what: 'the NCP policy started by wave 2', timeoutMs: 10_000, everyMs: 20 },
    );
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(
      audit.filter((e) => e.action === 'resume' && e.target === 'ncp-kr:ncp-weekend' && e.result === 'ok'),
    ).toHaveLength(1);
    // The UpCloud job was never asked to start (it runs; UpCloud has no resume).
    expect(audit.some((e) => e.target?.startsWith('up-fi:'))).toBe(false);
  });
});
