import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buttons, messageText, mrkdwnTexts, TestBot } from '../../harness/test-bot.js';

const t = new TestBot();

beforeAll(async () => {
  await t.start();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.oms.tasks.clear();
  t.oms.taskGroups.clear();
  t.oms.syncTasks.clear();
});

describe('finding resources', () => {
  it('names and ids are copyable exactly: no invisible character in any list, card or notice', async () => {
    const task = t.oms.addTask({ name: 'group_3eeb3ade_1', status: 2 });
    const other = t.oms.addTask({ name: 'video_library_2025', status: 4, failCode: 'TRF.0015' });
    const answers = [
      await t.ask('list'),
      await t.ask(`status ${task.id}`),
      await t.ask(`status ${other.id}`),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer);
      // Zero-width spaces, joiners, marks and the BOM: invisible, and they break a copied name.
      expect(text).not.toMatch(/[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD]/);
    }
    expect(mrkdwnTexts(answers[0]!)).toContain('group_3eeb3ade_1');
    expect(mrkdwnTexts(answers[0]!)).toContain('video_library_2025');
    expect(JSON.stringify(answers[1])).toContain(task.id);
  });

  it('pages through a long list with Previous/Next, updating the message in place', async () => {
    for (let i = 0; i < 45; i++) t.oms.addTask({ name: `bulk-${String(i).padStart(2, '0')}`, status: 3 });
    const first = await t.ask('list');
    expect(messageText(first)).toContain('Showing 1–20 of 45');
    const next = buttons(first).find((b) => b.action_id === 'list.page.next')!;
    expect(buttons(first).some((b) => b.action_id === 'list.page.previous')).toBe(false);

    const second = await (await t.click(next.action_id, next.value)).answer();
    expect(second.replace_original).toBe(true);
    expect(messageText(second)).toContain('Showing 21–40 of 45');
    const third = await (
      await t.click('list.page.next', buttons(second).find((b) => b.action_id === 'list.page.next')!.value)
    ).answer();
    expect(messageText(third)).toContain('Showing 41–45 of 45');
    expect(buttons(third).some((b) => b.action_id === 'list.page.next')).toBe(false);
    const back = buttons(third).find((b) => b.action_id === 'list.page.previous')!;
    expect(messageText(await (await t.click(back.action_id, back.value)).answer())).toContain(
      'Showing 21–40 of 45',
    );
  });

  it('lists task groups and sync tasks, by command and by kind word', async () => {
    t.oms.addTaskGroup({ status: 2, src: { bucket: 'grouped-src' } });
    t.oms.addSyncTask({ status: 'SYNCHRONIZING', src_bucket: 'sync-src' });
    const groups = messageText(await t.ask('groups'));
    expect(groups).toContain('task-groups');
    expect(groups).toContain('task-group');
    const sync = messageText(await t.ask('sync'));
    expect(sync).toContain('sync-task');
    expect(messageText(await t.ask('list hw-prod groups'))).toContain('Showing 1–1 of 1');
    expect(messageText(await t.ask('list huawei-oms sync-tasks'))).toContain('Showing 1–1 of 1');
  });

  it('finds a task group by id prefix and shows its card with the actions its state allows', async () => {
    // Status 1 "executing/creating": the one a group pauses in (seed 002 §5.4.5).
    const group = t.oms.addTaskGroup({ status: 1 });
    const card = await t.ask(`status ${group.id.slice(0, 8)}`);
    expect(messageText(card)).toContain(`hw-prod:${group.id}`);
    expect(messageText(card)).toContain('huawei-oms task group');
    expect(buttons(card).map((b) => b.action_id)).toContain('resource.pause');
  });

  it('explains error codes from the catalogue and says plainly when one is unknown', async () => {
    const known = messageText(await t.ask('explain TRF.0015'));
    expect(known).toContain('`TRF.0015`');
    expect(known).toContain('*Fix:*');
    expect(messageText(await t.ask('explain oms.0063'))).toContain('Pause the task and then delete it.');
    expect(messageText(await t.ask('explain OMS.4242'))).toContain('not in');
    expect(messageText(await t.ask('explain'))).toContain('Give one error code');
  });

  it('rejects unknown list words with the vocabulary', async () => {
    const text = messageText(await t.ask('list hw-prod paused sideways'));
    expect(text).toContain('does not understand "sideways"');
    expect(text).toContain('kinds: task, task-group, sync-task, policy, job');
  });
});

describe('acting beyond pause and resume', () => {
  it('sets bandwidth windows on a task and shows them', async () => {
    const task = t.oms.addTask({ name: 'throttled', status: 2 });
    const text = messageText(await t.ask(`bandwidth ${task.id} 00:00-06:00=200MB/s 18:00-23:59=50MB/s`));
    expect(text).toContain('Bandwidth set by <@U0ALICE01>');
    expect(t.oms.task(task.id)?.bandwidthPolicy).toEqual([
      { start: '00:00', end: '06:00', max_bandwidth: 209_715_200 },
      { start: '18:00', end: '23:59', max_bandwidth: 52_428_800 },
    ]);
  });

  it('refuses bad bandwidth input specifically and changes nothing', async () => {
    const task = t.oms.addTask({ name: 'steady', status: 2 });
    expect(messageText(await t.ask(`bandwidth ${task.id} fast`))).toContain('is not a bandwidth window');
    expect(messageText(await t.ask(`bandwidth ${task.id} 00:00-06:00=500MB/s`))).toMatch(
      /bandwidth|209,?715,?200|200 MB/i,
    );
    expect(messageText(await t.ask(`bandwidth ${task.id}`))).toContain('Give the windows after the id');
    expect(t.oms.task(task.id)?.bandwidthPolicy).toEqual([]);
  });

  it('sends sync events to a synchronization task, and only to one', async () => {
    const sync = t.oms.addSyncTask({ status: 'SYNCHRONIZING' });
    const text = messageText(await t.ask(`sync-event hw-prod:${sync.id} photos/a.jpg photos/b.jpg`));
    expect(text).toContain('Sent 2 changed object key(s)');
    // Read the raw record (no time advance), so the keys are still waiting to be synchronized.
    expect(t.oms.syncTasks.get(sync.id)?.pending.map((p) => decodeURIComponent(p.key))).toEqual([
      'photos/a.jpg',
      'photos/b.jpg',
    ]);
    const task = t.oms.addTask({ name: 'plain', status: 2 });
    expect(messageText(await t.ask(`sync-event ${task.id} a.txt`))).toContain(
      'sync events go to OMS synchronization tasks',
    );
  });

  it('needs the operator role for bandwidth and sync events', async () => {
    const task = t.oms.addTask({ name: 'guarded', status: 2 });
    expect(
      messageText(await t.ask(`bandwidth ${task.id} 00:00-06:00=20MB/s`, { userId: 'U0VIEW002' })),
    ).toContain('You need the operator role');
    expect(t.oms.task(task.id)?.bandwidthPolicy).toEqual([]);
  });
});
