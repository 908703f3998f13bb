import { beforeAll, describe, expect, it } from 'vitest';
import { keyedPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 59 item 4: durations read like a stopwatch ("after 1 min 0 s · after 30 min 0 s · after
// 1 h 0 min", "failing for 1 min 4 s"), and setting escalation said its line twice in one reply.
// Durations are said as people say them, in English, Korean and Chinese, and each line once.
const ADMINS = { en: 'U0DURADEN', ko: 'U0DURADKO', 'zh-CN': 'U0DURADZH' } as const;
const CHANNELS = { en: 'C0DURAEN1', ko: 'C0DURAKO1', 'zh-CN': 'C0DURAZH1' } as const;
const clock = new TestClock();
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });
const replies = keyedPosts(t);

beforeAll(async () => {
  t.fakeSlack.locales.set(ADMINS.ko, 'ko-KR');
  t.fakeSlack.locales.set(ADMINS['zh-CN'], 'zh-CN');
  for (const admin of Object.values(ADMINS)) t.fakeSlack.admins.add(admin);
  await t.ask(`settings language ko <#${CHANNELS.ko}|ko>`);
  await t.ask(`settings language zh-CN <#${CHANNELS['zh-CN']}|zh>`);
});

describe('durations as people say them', () => {
  it.each([
    [
      'en',
      'a reminder in the thread after',
      'Escalation of failures nobody takes on: a reminder in the thread after 1 min · the approvers mentioned after 30 min · the owner asked "Still on it?" after 1 h',
    ],
    [
      'ko',
      '후 스레드에 알림',
      '아무도 맡지 않은 실패의 에스컬레이션: 1분 후 스레드에 알림 · 30분 후 멘션: 승인자 · 1시간 후 담당자에게',
    ],
    [
      'zh-CN',
      '后在线程中提醒',
      '无人接手的故障升级：1 分钟后在线程中提醒 · 30 分钟后提及 审批人 · 1 小时后询问负责人“还在处理吗？”',
    ],
  ] as const)(
    '%s: setting escalation says each step once, without zero parts',
    async (locale, remind, line) => {
      const reply = messageText(
        await t.ask('settings escalation remind 1 escalate 30 check 1', { userId: ADMINS[locale] }),
      );
      expect(reply).toContain(line);
      // No zero part anywhere in the reply (the approval expiry too: "24 h", "24시간", "24 小时").
      expect(reply).not.toMatch(/min 0 s|h 0 min|분 0초|시간 0분|分钟? 0 秒|小时 0 分/);
      // The line that says what escalation does comes once (before: "Escalation for the workspace: …"
      // and then the same steps again in the settings under it). The other line names what changed.
      expect(reply.split('\n').filter((l) => l.includes(remind))).toHaveLength(1);
    },
  );

  it.each([
    ['en', /has been failing for 1 min and nobody is on it yet/],
    ['ko', /실패한 지 1분 지났지만/],
    ['zh-CN', /已失败 1 分钟，/],
  ] as const)(
    '%s: a reminder 64 s after a failure says it has been failing for 1 min',
    async (locale, said) => {
      const task = t.oms.addTask(failingTask(`dur-${locale}`));
      await t.ask(`watch ${task.id} <#${CHANNELS[locale]}|c>`);
      t.oms.clock.advance(120_000);
      const of = (step: string) =>
        replies.filter((r) => r.key.includes(task.id) && r.key.endsWith(`:${step}`));
      for (let i = 0; i < 20 && of('failed').length === 0; i++) await t.bot.deps.watcher.runCycle();
      expect(of('failed')).toHaveLength(1);
      clock.advance(64_000);
      for (let i = 0; i < 3; i++) await t.bot.deps.watcher.runCycle();
      expect(of('unclaimed')).toHaveLength(1);
      const text = mrkdwnTexts(of('unclaimed')[0]!.body);
      expect(text).toMatch(said);
      expect(text).not.toMatch(/1 min 4 s|1분 4초|1 分 4 秒/);
    },
  );
});
