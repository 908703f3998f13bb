import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { buttons, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue 51 item 1, through signed requests, the OMS simulator and the fake Slack: a fix that says
// 'Click "Restart"' (the OMS console's button) names the button the post carries instead, or none;
// and a failure that needs a change first does not lead with Resume.
// The bot's clock: real time, but the post pacer's waits between posts move it instead of taking
// wall time (a dozen posts within seconds otherwise wait for their slots).
const t = omsBot({ clock: new TestClock() });
const CHANNEL = 'C0FIXES01';
const OPERATOR_KO = 'U0KOOPER1';
const VIEWER_KO = 'U0KOVIEW1';

beforeAll(async () => {
  t.fakeSlack.locales.set(OPERATOR_KO, 'ko-KR');
  t.fakeSlack.locales.set(VIEWER_KO, 'ko-KR');
  await t.ask(`access grant <@${OPERATOR_KO}|kooper> operator`);
});
beforeEach(() => {
  t.fakeSlack.clear();
});

/** Watches a task that fails with `code` once the clock moves, and returns its failure post. */
async function failurePost(name: string, code: string): Promise<Record<string, unknown>> {
  const task = t.oms.addTask(
    failingTask(name, { progress: 0.12, failAt: 0.14, failCode: code, failMessage: 'The provider said so.' }),
  );
  await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
  t.oms.clock.advance(60_000);
  const posted = async () => {
    const failed = notifications(t.fakeSlack).find((n) => n.event === 'failed' && n.key.includes(task.id));
    if (!failed) await t.bot.deps.watcher.runCycle();
    return failed?.body;
  };
  return until(posted, { what: `the failure posted for ${code}`, timeoutMs: 20_000, checks: 40 });
}

const fixLine = (message: Record<string, unknown>, prefix = '*Fix:*') =>
  mrkdwnTexts(message)
    .split('\n')
    .find((line) => line.startsWith(prefix));

describe('a fix that names a console button', () => {
  it('TRF.0001 in the channel: the fix names the post’s Resume, which leads', async () => {
    const post = await failurePost('restart-me', 'TRF.0001');
    expect(fixLine(post)).toBe('*Fix:* Press Resume to restart the migration task.');
    expect(mrkdwnTexts(post)).not.toContain('Restart"');
    const first = buttons(post)[0]!;
    expect(first).toMatchObject({ action_id: 'resource.resume', text: 'Resume', style: 'primary' });
  });

  it('TRF.0003 for a Korean operator names 재개, a Korean viewer (no such button) gets none', async () => {
    const task = t.oms.addTask({ name: 'timed-out', status: 4, failCode: 'TRF.0003' });
    const operator = await t.ask(`status ${task.id}`, { userId: OPERATOR_KO });
    expect(fixLine(operator, '*해결 방법:*')).toBe(
      '*해결 방법:* 재개 버튼을 눌러 마이그레이션 작업을 다시 시작하십시오.',
    );
    expect(buttons(operator).map((b) => b.text)).toContain('재개');

    const viewer = await t.ask(`status ${task.id}`, { userId: VIEWER_KO });
    expect(buttons(viewer).map((b) => b.text)).not.toContain('재개');
    expect(fixLine(viewer, '*해결 방법:*')).toBe('*해결 방법:* 마이그레이션 작업을 다시 시작하십시오.');
  });

  it('/migrate explain TRF.0001 carries no button and names none', async () => {
    const answer = await t.ask('explain TRF.0001');
    expect(fixLine(answer)).toBe('*Fix:* Restart the migration task.');
    expect(buttons(answer)).toEqual([]);
  });

  it('a failed task group restarts with its own Retry, not a Resume it does not have', async () => {
    const group = t.oms.addTaskGroup({ status: 5, taskCount: 2, failCode: 'TRF.0001', failMessage: 'x' });
    const card = await t.ask(`status ${group.id}`);
    expect(buttons(card).map((b) => b.text)).not.toContain('Resume');
    expect(fixLine(card)).toBe('*Fix:* Press Retry failed objects to restart the migration task.');
  });
});

describe('a failure that needs a change first', () => {
  it('TRF.0012 (a setting): taking it on leads, Resume neither leads nor is primary', async () => {
    const post = await failurePost('no-objects', 'TRF.0012');
    expect(mrkdwnTexts(post)).toContain('retrying as it is fails again');
    const offered = buttons(post);
    expect(offered[0]).toMatchObject({ action_id: 'failure.claim', text: "I'm on it" });
    expect(offered.map((b) => b.text)).toContain('Resume');
    expect(offered.filter((b) => b.style === 'primary')).toEqual([]);
  });

  it('TRF.0015 (refused keys) in the channel: no Resume first either; an admin’s own card offers the key form', async () => {
    const post = await failurePost('bad-keys', 'TRF.0015');
    const offered = buttons(post);
    expect(offered[0]).toMatchObject({ action_id: 'failure.claim' });
    expect(offered.filter((b) => b.style === 'primary')).toEqual([]);
    const id = String(offered[0]!.value).match(/"id":"(\d+)"/)![1];
    const own = buttons(await t.ask(`status ${id}`));
    expect(own[0]).toMatchObject({ action_id: 'connection.fix', style: 'primary' });
  });
});
