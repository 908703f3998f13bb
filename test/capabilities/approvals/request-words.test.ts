import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { messageText, TestBot } from '../../harness/test-bot.js';

/**
 * Issue 39 item 6, words: an approval request says what it will create in plain words, through
 * signed requests and the fake Slack. A list task read "AWS us-east-1 · src-bucket list
 * my-lists/objects.txt": the list file ran into the source as if "list" were part of the bucket.
 */
const t = new TestBot();
const ix = new Interactions(t);
let views: ViewTracker;
const OPERATOR = 'U0OPER001';
const APPROVALS = 'C0APPROVE';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
});
afterAll(async () => {
  views?.stop();
  await t.stop();
});

describe('an approval request in words', () => {
  it('names a list task’s list file as a detail of its own, not inside the source', async () => {
    await t.command('create hw-prod task', { userId: OPERATOR });
    const form = await t.fakeSlack.waitFor(() =>
      views.shown.find((v) => v.view.callback_id === 'migrate_create.form'),
    );
    const since = t.fakeSlack.calls.length;
    const submitted = await ix.submit(
      form,
      {
        task_type: 'list',
        src_cloud: 'AWS',
        src_region: 'us-east-1',
        src_bucket: 'src-bucket',
        list_file: 'my-lists/objects.txt',
        dst_region: 'cn-north-4',
        dst_bucket: 'dst-bucket',
        description: 'listed photos',
      },
      { userId: OPERATOR },
    );
    expect(submitted.body).toBeUndefined();
    const posted = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls
        .slice(since)
        .find((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS),
    );
    const text = messageText(posted.body);
    expect(text).toMatch(/AWS us-east-1 · src-bucket(?! list)/);
    expect(text).not.toContain('src-bucket list');
    // A field: its label, a line break, its value (JSON-escaped in the blocks).
    expect(text.replaceAll('\\n', ' ')).toMatch(/List file\* my-lists\/objects\.txt/);
  });
});
