import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import {
  HW_AK,
  HW_SK,
  messageText,
  mrkdwnTexts,
  omsConnection,
  PROJECT_ID,
  TestBot,
} from '../harness/test-bot.js';

// Issue 39 item 6: the list's summary and the "not answering yet" and give-up messages were English
// for Korean and Chinese readers, bold beside Hangul or Han showed its asterisks, and a task group's
// own tasks were counted twice.
const KOREAN = 'U0KOREAN01';
const CHINESE = 'U0CHINA001';
const t = new TestBot();

beforeAll(async () => {
  await t.start();
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  t.fakeSlack.locales.set(CHINESE, 'zh-CN');
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.oms.tasks.clear();
  t.oms.taskGroups.clear();
  t.fakeSlack.clear();
});

/** The list's summary line (the context under its title). */
function summaryOf(message: Record<string, unknown>): string {
  const blocks = message.blocks as { type: string; elements?: { text?: string }[] }[];
  return blocks.find((b) => b.type === 'context')?.elements?.[0]?.text ?? '';
}

/** Bold spans Slack would show as raw asterisks: glued to a Hangul or Han character (outside code). */
function gluedBold(text: string): string[] {
  const outsideCode = text.split('`').filter((_, i) => i % 2 === 0);
  return outsideCode.flatMap((piece) =>
    [...piece.matchAll(/(^|.)(\*(?=\S)[^*\n]*?\S\*)(.|$)/gmu)]
      .filter(([, before, , after]) => /[\p{Script=Hangul}\p{Script=Han}]/u.test(`${before}${after}`))
      .map(([whole]) => whole),
  );
}

describe('the list summary in the reader’s language', () => {
  it('says “2 failed · 1 paused” in Korean and Chinese, with no English word left', async () => {
    t.oms.addTask({ name: 'f1', status: 4, failCode: 'TRF.0004' });
    t.oms.addTask({ name: 'f2', status: 4, failCode: 'TRF.0004' });
    t.oms.addTask({ name: 'p1', status: 3 });
    t.oms.addTask({ name: 'd1', status: 5, progress: 1 });
    expect(summaryOf(await t.ask('list hw-prod'))).toBe('2 failed · 1 paused · 1 succeeded');
    const ko = summaryOf(await t.ask('list hw-prod', { userId: KOREAN }));
    expect(ko).toBe('실패 2 · 일시 중지 1 · 완료 1');
    const zh = summaryOf(await t.ask('list hw-prod', { userId: CHINESE }));
    expect(zh).toBe('失败 2 · 已暂停 1 · 已完成 1');
  });

  it('says it on the Home tab too', async () => {
    t.oms.addTask({ name: 'f1', status: 4, failCode: 'TRF.0004' });
    t.oms.addTask({ name: 'p1', status: 3 });
    await t.event({ type: 'app_home_opened', user: KOREAN, channel: 'D0KOHOME1', tab: 'home' });
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[0]);
    const home = JSON.stringify((call.body.view as { blocks: unknown[] }).blocks);
    expect(home).toContain('실패 1 · 일시 중지 1');
    expect(home).not.toContain('1 failed');
  });

  it('counts a task group and each of its own tasks as the rows they are', async () => {
    t.oms.addTaskGroup({
      status: 2,
      description: 'video by year',
      taskType: 'PREFIX',
      src: { cloud_type: 'AWS', region: 'us-west-2', bucket: 'v', object_key: ['2024/', '2025/'] },
      dst: { region: 'cn-north-4', bucket: 'v-obs' },
      progress: 0.2,
    });
    t.oms.addTask({ name: 'alone', status: 2 });
    const text = messageText(await t.ask('list hw-prod'));
    // The group and its two tasks are listed: each row counts once, so the figures add up to the
    // rows (issue 51: "2 running" stood beside four Migrating rows).
    expect(text).toContain('video by year');
    expect(summaryOf(await t.ask('list hw-prod'))).toBe('4 running');
  });
});

describe('bold beside Hangul and Han renders', () => {
  it('help and a watch reply lay bold out with a space where it touches Korean or Chinese', async () => {
    const help = mrkdwnTexts(await t.ask('help', { userId: KOREAN }));
    expect(help).toContain('*viewer* 입니다');
    expect(gluedBold(help)).toEqual([]);
    const zh = mrkdwnTexts(await t.ask('help', { userId: CHINESE }));
    expect(gluedBold(zh)).toEqual([]);
  });
});

describe('a slow connection is named in the reader’s language', () => {
  const g = new TestBot();
  const stuck = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
  beforeAll(async () => {
    await stuck.start();
    await g.start({
      connections: () => [omsConnection('hw-stuck', stuck.url)],
      interactiveBudget: { firstAnswerMs: 200, giveUpMs: 1_000 },
    });
    g.fakeSlack.locales.set(KOREAN, 'ko-KR');
  });
  afterAll(async () => {
    stuck.faults.reset();
    await g.stop();
    await stuck.stop();
  });

  it('the interim and the give-up are Korean for a Korean reader, and the give-up replaces the interim', async () => {
    const task = stuck.addTask({ name: 'late-task', status: 2 });
    stuck.faults.configure({ hold: true });
    try {
      const { responseId } = await g.command(`status hw-stuck:${task.id}`, { userId: KOREAN });
      const interim = mrkdwnTexts(await g.answer(responseId, 1));
      const gaveUp = await g.answer(responseId, 2);
      expect(interim).toContain('*hw-stuck* 이 아직 응답하지 않습니다');
      expect(interim).not.toMatch(/not answering|update this message/);
      expect(mrkdwnTexts(gaveUp)).toContain('1초 안에 *hw-stuck* 이 응답하지 않아 기다리기를 멈췄습니다');
      expect(mrkdwnTexts(gaveUp)).not.toMatch(/stopped waiting|did not answer/);
      expect(gaveUp.replace_original).toBe(true);
    } finally {
      stuck.faults.configure({ hold: false });
    }
  });
});
