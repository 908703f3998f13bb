import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { messageText, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';

// Issue 58, item 2: a button on a channel message that is no watch's post (a card someone shared,
// an old answer) is answered privately; only the one editor changes messages about a resource.
const t = new TestBot();
const CHANNEL = 'C0FAKE001';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  t.oms.timings.pauseDelayMs = 0;
});
afterAll(async () => {
  await t.stop();
});

describe('a resource button on a channel message the watcher does not keep', () => {
  it('answers the presser privately and leaves the message as it is', async () => {
    const task = t.oms.addTask({ id: '805800000000101', name: 'shared-card', status: 2, progress: 0.1 });
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id });
    const responseId = `shared-${task.id}`;
    const http = await postSigned(
      t.eventsUrl,
      SIGNING_SECRET,
      messageButtonBody({
        actionId: 'resource.pause',
        value,
        channelId: CHANNEL,
        messageTs: '1700000000.000999',
        responseUrl: t.fakeSlack.responseUrl(responseId),
      }),
      FORM,
    );
    expect(http.status).toBe(200);
    const answer = await t.answer(responseId);
    expect(messageText(answer)).toContain('paused by <@U0ALICE01>');
    expect(answer.replace_original).toBeFalsy();
    expect(answer.response_type).toBe('ephemeral');
    await t.settled();
    expect(t.fakeSlack.responsesTo(responseId)).toHaveLength(1);
    expect(t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === '1700000000.000999')).toEqual([]);
  });
});
