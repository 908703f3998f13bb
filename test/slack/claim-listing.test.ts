import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import { encodeResourceButton } from '../../src/slack/resource-button.js';
import { messageText, mrkdwnTexts, omsConnection, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';

// Issue 48 item 3, last bullet: `/migrate list failed` and the channel's failure listing show who is
// on each failure, as Home does. Before, the list and the listing said nothing of a claim.
const CHANNEL = 'C0CLAIMLS';
const OPERATOR = 'U0OPERLST';
const t = new TestBot();
const posted: { key: string; ts: string }[] = [];

beforeAll(async () => {
  await t.start({
    connections: (omsUrl) => [omsConnection('hw-prod', omsUrl)],
    // The bot's clock: real time, but the post pacer's waits between posts move it instead of
    // taking wall time (a dozen posts within seconds otherwise wait for their slots).
    clock: new TestClock(),
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { editBudget: { windowMs: 10_000, max: 100 } },
  });
  await t.ask(`access grant <@${OPERATOR}> operator`);
  t.fakeSlack.observe((call: RecordedCall, answer) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method === 'chat.postMessage' && key && typeof answer.ts === 'string')
      posted.push({ key, ts: answer.ts });
  });
});
afterAll(async () => {
  await t.stop();
});

function failingTask(name: string) {
  return t.oms.addTask({
    name,
    status: 2,
    progress: 0.12,
    totalSize: 1024 ** 4,
    failAt: 0.99,
    failCode: 'TRF.0015',
  });
}

async function cyclesUntil<T>(done: () => T | undefined | false, what: string): Promise<T> {
  const cycled = async () => {
    const value = done();
    if (!value) await t.bot.deps.watcher.runCycle();
    return value;
  };
  return until(cycled, { what, timeoutMs: 20_000, everyMs: 30, checks: 40 });
}

const lastEdit = (ts: string) =>
  t.fakeSlack
    .callsTo('chat.update')
    .filter((c) => c.body.ts === ts)
    .at(-1)?.body;

describe('who is on each failure', () => {
  it('is shown in /migrate list failed and on the channel listing', async () => {
    const alone = failingTask('claim-alone');
    const first = failingTask('claim-listed-1');
    const second = failingTask('claim-listed-2');
    for (const task of [alone, first, second]) await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    // One fails on its own first; then two fail together: one listing names both.
    t.oms.task(alone.id)!.failAt = 0.14;
    t.oms.clock.advance(60_000);
    await cyclesUntil(() => posted.some((p) => p.key.endsWith(':failed')), 'the first failure');
    t.oms.task(first.id)!.failAt = 0.14;
    t.oms.task(second.id)!.failAt = 0.14;
    t.oms.clock.advance(60_000);
    const listing = await cyclesUntil(() => posted.find((p) => p.key.endsWith(':failures')), 'the listing');

    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: first.id });
    await (await t.click('failure.claim', value, { userId: OPERATOR, channelId: CHANNEL })).answer();

    // The list says who is on the claimed one, and nothing of a claim on the other.
    const list = mrkdwnTexts(await t.ask('list failed', { channelId: CHANNEL }));
    expect(list).toMatch(/claim-listed-1[^\n]*\n[^\n]*\n<@U0OPERLST> is on it · <!date/);
    expect(list).not.toMatch(/claim-listed-2[^\n]*\n[^\n]*\n<@/);

    // The listing's line of it says so too, edited by the watcher (within the edit budget).
    await cyclesUntil(() => lastEdit(listing.ts), 'an edit of the listing');
    const listed = mrkdwnTexts(lastEdit(listing.ts)!);
    expect(listed).toMatch(/claim-listed-1[\s\S]*Now: :x: Failed · <@U0OPERLST> is on it/);
    expect(listed).not.toMatch(/claim-listed-2[^\n]*\n[^\n]*\nNow:/);
    // Once edited, another cycle changes nothing.
    const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === listing.ts).length;
    await t.bot.deps.watcher.runCycle();
    expect(t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === listing.ts).length).toBe(edits);
    expect(messageText(await t.ask('list failed', { channelId: CHANNEL }))).toContain('is on it');
  });
});
