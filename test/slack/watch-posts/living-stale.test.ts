import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { answeredPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { cyclesUntil, failingTask } from '../../harness/failing-task.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET } from '../../harness/test-bot.js';

// Issue 39 item 1, attacked as a second person: a failure post's Resume pressed after the task
// was deleted (before the watcher edited the post) is answered in the channel, to them alone,
// says Deleted, and carries no op id and no raw provider text.
const CHANNEL = 'C0STALE01';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0002';
const t = omsBot({ watcher: { recheckAfterMs: [40, 80], editBudget: ROOMY_EDITS } });
const posted = answeredPosts(t);

beforeAll(async () => {
  await t.ask(`access grant <@${BOB}|bob> operator`);
});
beforeEach(() => {
  t.fakeSlack.clear();
  posted.length = 0;
});

describe('a stale failure post', () => {
  it('answers Resume on a deleted task in the channel: Deleted, no op id', async () => {
    const task = t.oms.addTask(failingTask('stale-deleted', { progress: 0.12, failAt: 0.14 }));
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(60_000);
    const post = await cyclesUntil(
      t,
      () => posted.find((p) => p.key.includes(task.id) && p.key.endsWith(':failed')),
      'the failure',
    );
    // Alice deletes it from the card; Bob, before any watcher cycle, presses the post's Resume.
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id });
    await (await t.click('resource.delete', value, { userId: ALICE, channelId: CHANNEL })).answer();
    const resume = buttons(post.body).find((b) => b.text === 'Resume')!;
    const body = messageButtonBody(
      {
        actionId: resume.action_id,
        value: resume.value!,
        channelId: CHANNEL,
        messageTs: post.ts,
        responseUrl: t.fakeSlack.responseUrl('stale-deleted-bob'),
      },
      { userId: BOB },
    );
    const http = await postSigned(t.eventsUrl, SIGNING_SECRET, body, FORM);
    expect(http.status).toBe(200);
    const told = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('chat.postEphemeral').at(-1), 3_000);
    expect(told.body.channel).toBe(CHANNEL);
    expect(told.body.user).toBe(BOB);
    expect(told.body.thread_ts).toBeUndefined();
    const text = String(told.body.text);
    expect(text).toMatch(/Nothing was done: this Resume button was out of date/);
    expect(text).toMatch(/is :wastebasket: Deleted now \(Deleted by <@U0ALICE01>/);
    expect(t.fakeSlack.responsesTo('stale-deleted-bob')).toHaveLength(0);
    expect(text).not.toMatch(/op `|OMS\.\d|\berror_code\b/);
  });
});
