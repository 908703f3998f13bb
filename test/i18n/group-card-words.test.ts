import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, messageText, TestBot } from '../harness/test-bot.js';
import { notifications } from '../harness/watcher-rig.js';

/**
 * Issue 39 item 6 (Korean and Chinese): a watched task group's card counted its tasks ("Tasks:
 * 10", "…and 2 more failed.", "List all 7 failed") and listed its failures in English whatever the
 * channel's language. Through signed requests, real cycles and the fake Slack.
 */
const t = new TestBot();
const CHANNEL = 'C0GROUPKO';
const KOREAN = 'U0KOREA01';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  await t.ask(`access grant <@${KOREAN}|ko> operator`);
  await t.ask(`settings language ko <#${CHANNEL}|ops>`);
});
afterAll(async () => {
  await t.stop();
});

describe('a task group card in Korean', () => {
  it('counts and names its failed tasks in Korean, and its full list answers in Korean', async () => {
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 0 });
    const tasks = Array.from({ length: 10 }, (_, i) =>
      t.oms.addTask({ name: `part-${i}`, status: 2, groupId: group.id }),
    );
    for (const task of tasks.slice(0, 7)) {
      const sim = t.oms.tasks.get(task.id)!;
      sim.status = 4;
      sim.errorReason = { error_code: 'OMS.0402', error_msg: 'source object missing' };
    }
    await t.ask(`watch ${group.id} <#${CHANNEL}|ops>`);
    let card: Record<string, unknown> | undefined;
    for (let i = 0; i < 10 && !card; i++) {
      await t.bot.deps.watcher.runCycle();
      card = t.fakeSlack
        .callsTo('chat.update')
        .map((c) => c.body)
        .find((b) => b.channel === CHANNEL && JSON.stringify(b.blocks).includes('group.failed'));
    }
    const text = messageText(card!);
    expect(text).toContain('태스크: 10');
    // The state line leads with the worst state among its tasks, counted (issue 51).
    expect(text).toContain('*:x: 실패: 태스크 10개 중 7개* · 그룹은 마이그레이션 중');
    expect(text).toContain('…외 2개 실패.');
    expect(text).not.toMatch(/Tasks:|more failed/);
    const listAll = buttons(card!).find((b) => b.action_id === 'group.failed')!;
    expect(listAll.text).toBe('실패한 7개 모두 보기');

    const answer = messageText(await (await t.click(listAll.action_id, listAll.value, KOREAN)).answer());
    expect(answer).toContain('실패한 태스크 7개');
    expect(answer).toContain('OMS.0402');
    expect(answer).not.toContain('failed task');
  });

  it('says in its thread, in Korean, how many of its tasks failed now (issue 51)', async () => {
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 0 });
    const tasks = Array.from({ length: 4 }, (_, i) =>
      t.oms.addTask({ name: `piece-${i}`, status: 2, groupId: group.id }),
    );
    await t.ask(`watch ${group.id} <#${CHANNEL}|ops>`);
    await t.bot.deps.watcher.runCycle();
    for (const task of tasks.slice(0, 2)) {
      const sim = t.oms.tasks.get(task.id)!;
      sim.status = 4;
      sim.errorReason = { error_code: 'OMS.0402', error_msg: 'source object missing' };
    }
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 10 && !line; i++) {
      await t.bot.deps.watcher.runCycle();
      line = notifications(t.fakeSlack).find(
        (n) => n.event === 'tasks-failed' && n.key.includes(group.id),
      )?.body;
    }
    const text = String(line!.text);
    expect(text).toContain('태스크 4개 중 2개가 지금 실패했습니다.');
    expect(text).toContain('piece-1');
    expect(text).not.toMatch(/tasks|failed now/);
  });
});
