import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { HW_AK, HW_SK, messageText, omsConnection, PROJECT_ID, TestBot } from '../../harness/test-bot.js';

// Issue #13, "Finding things": /migrate list in triage order, with a summary line; a failure shows
// its code and age; a sync task shows what it moved, not "— of —".
describe('/migrate list in triage order', () => {
  const oms = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
  const t = new TestBot();
  beforeAll(async () => {
    await oms.start();
    await t.start({ connections: () => [omsConnection('hw-t', oms.url)] });
    oms.addTask({ id: '400100000000001', name: 'done-one', status: 5 });
    oms.addTask({ id: '400100000000002', name: 'moving-one', status: 2 });
    oms.addTask({ id: '400100000000003', name: 'paused-one', status: 3 });
    oms.addTask({
      id: '400100000000004',
      name: 'broken-one',
      status: 4,
      failCode: 'TRF.0015',
      failMessage: 'The source AK/SK is invalid.',
    });
    oms.addTask({ id: '400100000000005', name: 'waiting-one', status: 1 });
    oms.addSyncTask({ id: 'sync-triage-1', status: 'SYNCHRONIZING' });
  });
  afterAll(async () => {
    await t.stop();
    await oms.stop();
  });

  it('puts failures first, then paused, moving, waiting and done, under a count per group', async () => {
    const text = messageText(await t.ask('list hw-t'));
    const order = ['broken-one', 'paused-one', 'moving-one', 'waiting-one', 'done-one'].map((n) =>
      text.indexOf(n),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/1 failed · 1 paused · 1 running · 1 syncing · 1 waiting · 1 succeeded/);
  });

  it('shows a failure’s code and age, and a sync task without "— of —"', async () => {
    const answer = await t.ask('list hw-t');
    const blocks = (answer.blocks ?? []) as { text?: { text?: string } }[];
    const rows = blocks.map((b) => b.text?.text ?? '');
    expect(rows.find((r) => r.includes('broken-one'))).toMatch(
      /\n`TRF\.0015` · failed <!date\^\d+\^\{ago\}\|/,
    );
    expect(rows.find((r) => r.includes('sync-triage-1') || r.includes('Monitoring'))).toBeDefined();
    expect(rows.join('\n')).not.toContain('— of —');
  });
});
