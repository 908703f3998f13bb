import { describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { omsListTasks, writeOmsFailedLists } from '../../../dev/simulators/object-store/oms-lists.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { PROJECT_ID } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { lastDrawn, ObjectsWorld, retryButton, worldBot } from './objects-world.js';

// Issue 62, "Which objects failed (OMS)": a task that ends with failed objects leaves their list in
// the destination bucket (failed_object_record.list_file_key); `/migrate verify` reads it with the
// destination's keys, streamed and bounded, and says how many, the first few, every one in the CSV.

const CHANNEL = 'C0FAILLST1';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const world = new ObjectsWorld({ oms: {} });
const { store } = world;
const t = worldBot(world);

const checkPost = (ref: string) => lastDrawn(t.fakeSlack, ref);
const ended = (text: string | undefined) => (text && !text.includes('Checking…') ? text : undefined);

function failedTask(name: string, failed: number, bucket: string) {
  for (let i = 0; i < 20; i++)
    store.putObject(bucket, `in/${name}/${String(i).padStart(2, '0')} <!here>.bin`, `b${i}`);
  store.bucket(`${bucket}-dst`);
  const task = t.oms.addTask({
    name,
    status: 4,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket },
    dst: { region: 'cn-north-4', bucket: `${bucket}-dst` },
  });
  task.failedNum = failed;
  return task;
}

describe('the OMS simulator’s failed-object lists', () => {
  it('writes a failed task’s list into its destination bucket once, at failed_object_record.list_file_key', async () => {
    const oms = new OmsSimulator({ projectId: PROJECT_ID, failedLists: writeOmsFailedLists(store) });
    for (let i = 0; i < 9; i++) store.putObject('hook-src', `a/${i} b+c`, 'x');
    const task = oms.addTask({
      name: 'hooked',
      status: 4,
      src: { bucket: 'hook-src' },
      dst: { bucket: 'hook-dst', region: 'cn-north-4' },
    });
    task.failedNum = 7;
    const key = oms.task(task.id)!.failedListKey!;
    const body = store.bucket('hook-dst').objects.get(key)?.body?.toString('utf8');
    expect(body?.split('\n').filter(Boolean)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `a%2F${i}%20b%2Bc`));
  });
});

describe('the OMS simulator’s list tasks', () => {
  it('sizes a list task by what its list names and the source holds, and brings those over', () => {
    for (let i = 0; i < 4; i++) store.putObject('move-src', `m/${i} b+c`, `body-${i}`);
    store.putObject('move-dst', 'lists/l.txt', ['m%2F0%20b%2Bc', 'm%2F2%20b%2Bc', 'm%2Fgone'].join('\n'));
    const lists = omsListTasks(store);
    const list = { obs_bucket: 'move-dst', list_file_key: 'lists/l.txt' };
    expect(lists.listSize({ bucket: 'move-src', list_file: list })).toEqual({ objects: 2, bytes: 12 });
    lists.succeeded({
      taskType: 'list',
      failedNum: 0,
      src: { bucket: 'move-src', list_file: list },
      dst: { bucket: 'move-dst', save_prefix: 'in/' },
    });
    expect([...store.bucket('move-dst').objects.keys()].sort()).toEqual([
      'in/m/0 b+c',
      'in/m/2 b+c',
      'lists/l.txt',
    ]);
  });
});

describe('the failed objects OMS recorded', () => {
  it('counts them, shows the first few inert, and lists every one in the CSV', async () => {
    const write = writeOmsFailedLists(store);
    const task = failedTask('seven-fail', 7, 'src-seven');
    write(t.oms.task(task.id)!);
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const post = await until(() => ended(checkPost(task.id)), {
      what: 'the check’s post',
      timeoutMs: 20_000,
    });
    expect(post).toContain('The provider recorded 7 failed objects');
    // Issue 74, item 13: the 13 others missing are not in the list, and the post says so.
    expect(post).toContain('13 objects missing or different are not in Huawei OMS’s list of failed objects');
    expect(post).toContain('`in/seven-fail/00 &lt;!here&gt;.bin`');
    expect(post).not.toContain('<!here>');
    const upload = await until(() => t.fakeSlack.files.uploads.find((u) => u.filename.includes(task.id)), {
      what: 'the CSV',
      timeoutMs: 10_000,
    });
    const failed = upload.bytes
      .toString('utf8')
      .split('\r\n')
      .filter((l) => l.startsWith('"failed"'));
    expect(failed).toHaveLength(7);
    expect(failed[6]).toContain('"in/seven-fail/06 <!here>.bin"');

    // Retry these 7 objects: an OMS list task over the recorded list, asked for through the approval.
    const button = await until(() => retryButton(t.fakeSlack, task.id), {
      what: 'the Retry these button',
      timeoutMs: 10_000,
    });
    expect(button.text?.text).toBe('Retry these 7 objects');
    const since = t.fakeSlack.calls.length;
    const click = await t.click('objects.retry', button.value!, ALICE);
    expect(String((await click.answer()).text)).toContain('Asked for approval: seven-fail · retry 1');
    const request = await postedApproval(t, { team: 'T0FAKE001', channel: CHANNEL }, since);
    const record = await approvalsOf(t.bot.deps).get('T0FAKE001', request.id);
    // Issue 74, item 15: the request's size is what the check read of the listed objects at the
    // source (7 objects of 2 bytes each), not "unknown: the bot does not read the list".
    expect(record.preflight?.size).toEqual({
      basis: 'listed',
      objects: 7,
      bytes: 14,
      prefixes: 0,
      checked: true,
    });
    // What the button said is what the request asks for: the 7 objects of the list, by list task.
    expect(record.rerun?.retry).toEqual({ what: 'list', objects: 7 });
    const asked = JSON.stringify(request.message);
    expect(asked).not.toContain('does not read');
    expect(asked).toContain(
      'the objects its list names, sized at the source when the bot’s bucket check read that list',
    );
    expect(record.request).toMatchObject({
      task_type: 'list',
      description: 'seven-fail · retry 1',
      src_node: {
        bucket: 'src-seven',
        list_file: { obs_bucket: 'src-seven-dst', list_file_key: t.oms.task(task.id)!.failedListKey },
      },
      dst_node: { bucket: 'src-seven-dst' },
    });
    // Someone else approves: OMS takes the list task (seed 002 §5: list_file in the destination's region).
    await t.ask('access grant <@U0APPROV01|appr> approver', ALICE);
    const tasks = t.oms.tasks.size;
    const answer = await decideApproval(
      t,
      new Interactions(t),
      { ...request, channel: CHANNEL },
      'approve',
      'U0APPROV01',
    );
    expect(answer).toContain('Approved');
    expect(t.oms.tasks.size).toBe(tasks + 1);
    const retry = [...t.oms.tasks.values()].at(-1)!;
    expect(retry.taskType).toBe('list');
    expect(retry.src.list_file).toMatchObject({
      obs_bucket: 'src-seven-dst',
      list_file_key: t.oms.task(task.id)!.failedListKey,
    });
  });

  it('says why what OMS did not record cannot be retried, and what moves it (issue 74)', async () => {
    // A task that succeeded with nothing recorded failed, yet 2 of its 5 objects never arrived.
    for (let i = 0; i < 5; i++) store.putObject('src-unrec', `u/${i}.bin`, `u${i}`);
    for (let i = 0; i < 3; i++) store.putObject('src-unrec-dst', `u/${i}.bin`, `u${i}`);
    const task = t.oms.addTask({
      name: 'unrecorded',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-unrec' },
      dst: { region: 'cn-north-4', bucket: 'src-unrec-dst' },
    });
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const post = await until(() => ended(checkPost(task.id)), { what: 'the post', timeoutMs: 20_000 });
    expect(post).toContain('2 missing at the destination');
    expect(post).toContain('2 objects missing or different are not in Huawei OMS’s list of failed objects');
    expect(post).toContain('*Retry these* cannot bring them over');
    expect(post).toContain('never writes to them');
    expect(post).toContain('`/migrate create hw-prod`');
    await t.settled();
    expect(retryButton(t.fakeSlack, task.id)).toBeUndefined();
  });

  it('reads a list longer than its 8 MiB bound up to the bound, and says so', async () => {
    const task = failedTask('huge-fail', 1, 'src-huge');
    const line = `${'k'.repeat(1_000)}\n`;
    store.putObject('src-huge-dst', t.oms.task(task.id)!.failedListKey!, line.repeat(9 * 1_024));
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const post = await until(() => ended(checkPost(task.id)), {
      what: 'the capped check’s post',
      timeoutMs: 30_000,
    });
    // 8 MiB of 1,001-byte lines: 8,380 whole lines read, the cut one dropped.
    expect(post).toContain('The provider recorded 8,380 failed objects');
    expect(post).toContain('longer than the 8 MiB read');
  });

  it('says when the list cannot be read, beside the bucket check', async () => {
    const task = failedTask('gone-fail', 2, 'src-gone');
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const post = await until(() => ended(checkPost(task.id)), { what: 'the post', timeoutMs: 20_000 });
    expect(post).toContain('failed-object list could not be read: the list is not there (any more)');
  });
});
