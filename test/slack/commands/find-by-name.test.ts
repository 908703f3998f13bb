import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

// Issue 39 item 4: the name in an alert finds the resource, as an id does, across connections; an
// action's picker offers only the candidates it can be taken on, with short buttons, and a refusal
// never offers what the person's role does not allow.
const other = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
const t = new TestBot();
const OPERATOR = 'U0OPER0001';

beforeAll(async () => {
  await other.start();
  await t.start({
    connections: (omsUrl) => [omsConnection('hw-a', omsUrl), omsConnection('hw-b', other.url)],
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
  await other.stop();
});
beforeEach(() => {
  t.oms.tasks.clear();
  other.tasks.clear();
  t.fakeSlack.clear();
});

/** Each line of a picker: its text and its one button. */
function candidates(message: Record<string, unknown>) {
  return ((message.blocks ?? []) as Record<string, unknown>[])
    .filter((b) => b.type === 'section' && b.accessory)
    .map((b) => ({
      text: (b.text as { text: string }).text,
      button: b.accessory as { action_id: string; text: { text: string }; value: string; confirm?: unknown },
    }));
}

describe('a resource found by the name in the alert', () => {
  it('resolves a whole name in another connection, whatever its case', async () => {
    other.addTask({ id: '191297407830874', name: 'invoices-azure', status: 2 });
    t.oms.addTask({ id: '191297407830871', name: 'photos', status: 2 });
    for (const typed of ['invoices-azure', 'Invoices-Azure']) {
      const text = messageText(await t.ask(`status ${typed}`));
      expect(text).not.toContain('No resource');
      expect(text).toContain('`hw-b:191297407830874`');
    }
  });

  it('resolves a unique name prefix of 4 characters or more, and refuses a shorter one', async () => {
    t.oms.addTask({ id: '300000000000001', name: 'invoices-azure', status: 3 });
    t.oms.addTask({ id: '300000000000002', name: 'photos-to-obs', status: 2 });
    expect(messageText(await t.ask('status invo'))).toContain('`hw-a:300000000000001`');
    expect(messageText(await t.ask('status inv'))).toContain('too short');
  });

  it('an exact name wins over names it is the start of', async () => {
    t.oms.addTask({ id: '310000000000001', name: 'logs', status: 3 });
    t.oms.addTask({ id: '310000000000002', name: 'logs-archive', status: 3 });
    expect(messageText(await t.ask('status logs'))).toContain('`hw-a:310000000000001`');
  });

  it('lists the candidates when a name is in two connections, naming where each is', async () => {
    t.oms.addTask({ id: '320000000000001', name: 'nightly-copy', status: 2 });
    other.addTask({ id: '320000000000002', name: 'nightly-copy', status: 3 });
    const answer = await t.ask('status nightly-copy');
    expect(messageText(answer)).toContain('2 resources are named');
    const lines = candidates(answer);
    expect(lines.map((l) => l.text).sort()).toEqual([
      '*nightly-copy* · Migrating\n`hw-a:320000000000001`',
      '*nightly-copy* · Paused\n`hw-b:320000000000002`',
    ]);
    expect(lines.every((l) => l.button.text.text === 'Open')).toBe(true);
  });
});

describe('an action on several matches', () => {
  it('offers only the candidates it can be taken on, with buttons short enough for a phone', async () => {
    const running = t.oms.addTask({ id: '191200000000001', name: 'photos-running', status: 2 });
    t.oms.addTask({ id: '191200000000002', name: 'logs-running', status: 2 });
    t.oms.addTask({ id: '191200000000003', name: 'done', status: 5, progress: 1 });
    t.oms.addTask({ id: '191200000000004', name: 'already-paused', status: 3 });
    t.oms.addTask({ id: '191200000000005', name: 'failed-one', status: 4, failCode: 'TRF.0004' });
    other.addTask({ id: '191200000000006', name: 'waiting', status: 1 });
    const answer = await t.ask('pause 1912');
    const lines = candidates(answer);
    expect(lines.map((l) => l.text.split('\n')[0]).sort()).toEqual([
      '*logs-running* · Migrating',
      '*photos-running* · Migrating',
    ]);
    for (const { button } of lines) {
      expect(button.text.text).toBe('Pause');
      expect(button.action_id).toMatch(/^resource\.pause:hw-a:1912/);
      expect(button.confirm).toBeDefined();
    }
    // No other button: nothing to press that would be refused after its confirm.
    expect(buttons(answer)).toHaveLength(2);
    const said = mrkdwnTexts(answer);
    expect(said).toContain('2 can be paused now');
    expect(said).toContain('4 others cannot be paused now');
    for (const state of ['Succeeded', 'Paused', 'Failed', 'Waiting']) expect(said).toContain(`1 ${state}`);

    const pick = lines.find((l) => l.text.includes('photos-running'))!;
    const card = await (await t.click(pick.button.action_id, pick.button.value)).answer();
    expect(messageText(card)).toContain('Pausing… requested by');
    expect(t.oms.task(running.id)?.status).not.toBe(2);
  });

  it('says so when none of the matches can take the action, and offers nothing to press', async () => {
    t.oms.addTask({ id: '191300000000001', name: 'done-a', status: 5, progress: 1 });
    t.oms.addTask({ id: '191300000000002', name: 'done-b', status: 5, progress: 1 });
    const answer = await t.ask('pause 1913');
    expect(buttons(answer)).toEqual([]);
    expect(mrkdwnTexts(answer)).toContain('None of them can be paused now');
    expect(mrkdwnTexts(answer)).toContain('2 Succeeded');
  });

  it('tells an operator what they may do instead, never Delete', async () => {
    const task = t.oms.addTask({ id: '330000000000001', name: 'held', status: 3 });
    const text = messageText(await t.ask(`pause ${task.id}`, { userId: OPERATOR }));
    expect(text).toContain('held cannot be paused now: its state is paused. You can: Resume.');
    expect(text).not.toMatch(/delete/i);
    // An admin refused a delete hears what else they may do there.
    const running = t.oms.addTask({ id: '330000000000002', name: 'busy', status: 3 });
    const card = await t.ask(`delete ${running.id}`);
    const del = buttons(card).find((b) => b.action_id === 'resource.delete')!;
    // Resumed in the console before the admin confirms.
    t.oms.tasks.get(running.id)!.status = 2;
    t.oms.tasks.get(running.id)!.runningSince = t.oms.clock.now();
    expect(messageText(await (await t.click(del.action_id, del.value)).answer())).toContain(
      'busy cannot be deleted now: its state is running. You can: Pause.',
    );
  });
});
