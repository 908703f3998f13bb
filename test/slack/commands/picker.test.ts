import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import {
  buttons,
  HW_AK,
  HW_SK,
  messageText,
  mrkdwnTexts,
  omsConnection,
  PROJECT_ID,
  TestBot,
} from '../../harness/test-bot.js';

// Issue #13, "Finding things": the same id in two connections is said as such, with a button per
// connection; a picker keeps the verb (pause from the picker pauses, behind the card's confirmation).
const other = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
const t = new TestBot();

beforeAll(async () => {
  await other.start();
  await t.start({
    connections: (omsUrl) => [omsConnection('hw-a', omsUrl), omsConnection('hw-b', other.url)],
  });
});
afterAll(async () => {
  await t.stop();
  await other.stop();
});

describe('a picker', () => {
  it('says when the whole id exists in two connections, and names connection, name and state on each button', async () => {
    t.oms.addTask({ id: '500100000000001', name: 'twin-in-a', status: 2 });
    other.addTask({ id: '500100000000001', name: 'twin-in-b', status: 3 });
    const answer = await t.ask('status 500100000000001');
    const text = messageText(answer);
    expect(text).toContain('exists in 2 connections (hw-a, hw-b)');
    expect(text).not.toContain('type more');
    const said = mrkdwnTexts(answer);
    expect(said).toContain('*twin-in-a* · Migrating\n`hw-a:500100000000001`');
    expect(said).toContain('*twin-in-b* · Paused\n`hw-b:500100000000001`');
    expect(buttons(answer).map((b) => b.text)).toEqual(['Open', 'Open']);
  });

  it('keeps the verb: /migrate pause with several matches offers Pause buttons that pause, behind a confirmation', async () => {
    const first = t.oms.addTask({ id: '500200000000001', name: 'verb-one', status: 2 });
    t.oms.addTask({ id: '500200000000002', name: 'verb-two', status: 2 });
    const answer = await t.ask('pause 5002');
    const choices = buttons(answer);
    expect(choices).toHaveLength(2);
    for (const b of choices) {
      expect(b.action_id).toMatch(/^resource\.pause:hw-a:5002/);
      expect(b.text).toBe('Pause');
      expect(b.confirm).toBeDefined();
    }
    const pick = choices.find((b) => b.value.includes(first.id))!;
    const card = await (await t.click(pick.action_id, pick.value)).answer();
    expect(messageText(card)).toContain('Pausing… requested by');
    expect(t.oms.task(first.id)?.status).not.toBe(2);
    expect(t.oms.task('500200000000002')?.status).toBe(2);
  });
});
