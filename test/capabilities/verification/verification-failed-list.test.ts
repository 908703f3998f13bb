import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { writeOmsFailedLists } from '../../../dev/simulators/object-store/oms-lists.js';
import { mrkdwnTexts, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { ObjectsWorld } from '../objects/objects-world.js';

// Issue 74, item 12: OMS recorded 7 failed objects and the verification post showed only the
// list's path; the keys reached Slack only if someone started a bucket check. When a watched run
// ends with a failed-object list, the bot reads it (bounded) and the verification post names the
// objects, inert, and its CSV in the run's thread carries every key read.
const CHANNEL = 'C0VFLIST74';
const world = new ObjectsWorld({ oms: {} });
const { store } = world;
const clock = new TestClock();
const t = new TestBot();
const posts: { key: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: (omsUrl) => [world.omsConnection('hw-vf', omsUrl)],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
  t.oms.clock.freeze();
  t.fakeSlack.observe((call: RecordedCall) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method === 'chat.postMessage' && key) posts.push({ key, body: call.body });
  });
});
afterAll(async () => {
  await t.stop();
  await world.stop();
});

describe('the verification post of a run that ended with failed objects', { timeout: 60_000 }, () => {
  it('names the 7 objects OMS recorded as failed, and its CSV lists each', async () => {
    for (let i = 0; i < 20; i++)
      store.putObject('vf-src', `in/${String(i).padStart(2, '0')} <!here>.bin`, `b${i}`);
    store.bucket('vf-dst', 'cn-north-4');
    const task = t.oms.addTask({
      name: 'seven-named',
      status: 2,
      progress: 0.5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'vf-src' },
      dst: { region: 'cn-north-4', bucket: 'vf-dst' },
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    await t.bot.deps.watcher.runCycle();
    // The task fails with 7 objects recorded, their list written where OMS writes it.
    const sim = t.oms.task(task.id)!;
    Object.assign(sim, {
      status: 4,
      failedNum: 7,
      successfulNum: 13,
      totalNum: 20,
      failedListKey: `oms/task/seven-named/failed_object_lists/${task.id}.failed_list.txt`,
      errorReason: { error_code: 'TRF.0001', error_msg: 'System error.' },
    });
    writeOmsFailedLists(store)(sim);
    const post = await until(
      async () => {
        const found = posts.find((p) => p.key.includes(task.id) && p.key.endsWith(':verification'));
        if (found) return found;
        clock.advance(30_000);
        await t.bot.deps.watcher.runCycle();
        return undefined;
      },
      { what: 'the verification post', timeoutMs: 30_000, everyMs: 50 },
    );
    const text = mrkdwnTexts(post.body);
    expect(text).toContain('*Failed objects:* listed in');
    expect(text).toContain('Named: `in/00 &lt;!here&gt;.bin`, `in/01 &lt;!here&gt;.bin`');
    expect(text).toContain('and 2 more');
    expect(text).toContain('every key read is in the CSV in the thread');
    expect(text).not.toContain('<!here>');
    const csv = await until(
      () => t.fakeSlack.files.uploads.find((u) => u.filename === `verification-${task.id}.csv`),
      { what: 'the verification CSV', timeoutMs: 10_000 },
    );
    const rows = csv.bytes
      .toString('utf8')
      .split('\r\n')
      .filter((l) => l.startsWith('"list_failed_object"'));
    expect(rows).toHaveLength(7);
    expect(rows[6]).toContain('in/06 <!here>.bin');
    expect(csv.bytes.toString('utf8')).toContain('"list_failed_more","no"');
  });
});
