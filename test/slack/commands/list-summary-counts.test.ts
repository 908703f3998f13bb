import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mrkdwnTexts, TestBot } from '../../harness/test-bot.js';

// Issue 51 item 7: "4 running" stood beside 6 Migrating rows, since a task group's own tasks were
// counted only through their group (its failed tasks, too, went uncounted as "failed"). Each row
// now counts once by the state it shows, and when more match than a page reads, the summary says
// how many it did not count. Signed /migrate list requests, the OMS simulator and the fake Slack.
const t = new TestBot();
const KOREAN = 'U0KOLIST1';

beforeAll(async () => {
  await t.start();
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
});
afterAll(async () => {
  await t.stop();
});

/** The summary line (the context under the title) and the state label of every row. */
function read(message: Record<string, unknown>) {
  const blocks = message.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[];
  const summary = blocks[1]!.elements![0]!.text;
  const rows = blocks.filter((b) => b.type === 'section' && b.text).map((b) => b.text!.text.split('\n')[0]!);
  return { summary, rows };
}

/** Every figure the summary says, added up. */
const added = (summary: string) =>
  [...summary.matchAll(/\d[\d,]*/g)].reduce((n, m) => n + Number(m[0].replaceAll(',', '')), 0);

describe('the list summary counts what is shown', () => {
  it('a task group listed with its own tasks: every row is counted, a failed task of the group too', async () => {
    // The group runs three tasks of its own, one of which failed; three tasks of no group run
    // beside it: six Migrating rows (the group, two of its tasks, three others) and one Failed.
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 3, totalSize: 3 * 1024 ** 4 });
    const failed = t.oms.tasks.get(group.taskIds[0]!)!;
    failed.status = 4;
    failed.errorReason = { error_code: 'TRF.0015', error_msg: 'bad keys' };
    for (let i = 0; i < 3; i++) t.oms.addTask({ name: `alone-${i}`, status: 2, totalSize: 1024 ** 4 });
    const { summary, rows } = read(await t.ask('list'));
    expect(rows.filter((row) => row.includes('Migrating'))).toHaveLength(6);
    expect(rows.filter((row) => row.includes('Failed'))).toHaveLength(1);
    expect(summary).toBe('1 failed · 6 running');
    expect(added(summary)).toBe(rows.length);

    const korean = read(await t.ask('list', { userId: KOREAN }));
    expect(korean.summary).toBe('실패 1 · 진행 중 6');
  });

  it('more match than a page reads: the summary says how many it did not read', async () => {
    for (let i = 0; i < 25; i++) t.oms.addTask({ name: `many-${i}`, status: 2, totalSize: 1024 ** 4 });
    const answer = await t.ask('list');
    const { summary } = read(answer);
    // 31 tasks (three of them the group's) and the group; a page reads 20 tasks of each connection.
    expect(mrkdwnTexts(answer)).toContain('of 32');
    expect(summary).toContain('11 more not read, not counted');
    expect(added(summary)).toBe(32);

    const korean = read(await t.ask('list', { userId: KOREAN }));
    expect(korean.summary).toContain('읽지 않은 11개는 세지 않음');
  });
});
