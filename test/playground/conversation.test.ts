import { describe, expect, it } from 'vitest';
import { Conversation, type ConversationChange } from '../../dev/playground/conversation.js';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const CHANNEL = 'C0FAKE001';
const card = (title: string) => [{ type: 'header', text: { type: 'plain_text', text: title } }];

function withChanges() {
  const conversation = new Conversation();
  const changes: ConversationChange[] = [];
  conversation.onChange((c) => changes.push(c));
  return { conversation, changes };
}

describe('the playground conversation, rebuilt from what the bot sends', () => {
  it('posts, threads, broadcasts, edits and deletes channel messages', () => {
    const { conversation } = withChanges();
    conversation.applyWebApiCall(
      'chat.postMessage',
      { channel: CHANNEL, text: 'task failed', blocks: card('invoices') },
      { ok: true, ts: '1.000001' },
    );
    conversation.applyWebApiCall(
      'chat.postMessage',
      { channel: CHANNEL, text: 'why', thread_ts: '1.000001', reply_broadcast: true },
      { ok: true, ts: '1.000002' },
    );
    conversation.applyWebApiCall(
      'chat.update',
      { channel: CHANNEL, ts: '1.000001', text: 'task failed (TRF.0015)', blocks: card('invoices ✗') },
      { ok: true },
    );
    const [parent, reply] = conversation.snapshot().messages;
    expect(parent).toMatchObject({ text: 'task failed (TRF.0015)', edited: true, version: 2 });
    expect(parent?.threadTs).toBeUndefined();
    expect(reply).toMatchObject({ threadTs: '1.000001', replyBroadcast: true });

    conversation.applyWebApiCall('chat.delete', { channel: CHANNEL, ts: '1.000002' }, { ok: true });
    expect(conversation.snapshot().messages.map((m) => m.ts)).toEqual(['1.000001']);
  });

  it('keeps ephemeral messages for one user and direct messages in their DM channel', () => {
    const { conversation } = withChanges();
    conversation.applyWebApiCall(
      'chat.postEphemeral',
      { channel: CHANNEL, user: BOB, text: 'only Bob' },
      { ok: true, message_ts: '1.000003' },
    );
    conversation.applyWebApiCall(
      'chat.postMessage',
      { channel: BOB, text: 'dm' },
      { ok: true, ts: '1.000004' },
    );
    const [ephemeral, direct] = conversation.snapshot().messages;
    expect(ephemeral).toMatchObject({ visibleTo: BOB, channel: CHANNEL });
    expect(direct).toMatchObject({ channel: 'D0BOB0001' });
  });

  it('answers on response_url as ephemeral by default, in_channel when asked, and replaces the source', () => {
    const { conversation } = withChanges();
    const command = conversation.newResponse({ userId: ALICE, channel: CHANNEL, command: '/migrate list' });
    expect(conversation.applyResponsePost(command, { text: 'list', blocks: card('Migrations') })).toBe(true);
    const [answer] = conversation.snapshot().messages;
    expect(answer).toMatchObject({ visibleTo: ALICE, command: '/migrate list', requestedBy: ALICE });

    const click = conversation.newResponse({ userId: ALICE, channel: CHANNEL, sourceTs: answer!.ts });
    conversation.applyResponsePost(click, { replace_original: true, text: 'paused', blocks: card('paused') });
    expect(conversation.snapshot().messages).toHaveLength(1);
    expect(conversation.message(answer!.ts)).toMatchObject({ text: 'paused', visibleTo: ALICE, version: 2 });

    const shared = conversation.newResponse({ userId: ALICE, channel: CHANNEL });
    conversation.applyResponsePost(shared, { response_type: 'in_channel', text: 'for everyone' });
    expect(conversation.snapshot().messages.at(-1)?.visibleTo).toBeUndefined();

    conversation.applyResponsePost(click, { delete_original: true });
    expect(conversation.message(answer!.ts)).toBeUndefined();
    expect(conversation.applyResponsePost('unknown', { text: 'x' })).toBe(false);
  });

  it('replaces the message a command produced when its response_url answers with replace_original', () => {
    const { conversation } = withChanges();
    const command = conversation.newResponse({
      userId: ALICE,
      channel: CHANNEL,
      command: '/migrate status x',
    });
    conversation.applyResponsePost(command, {
      text: ':hourglass_flowing_sand: *hw-prod* is not answering yet',
    });
    const [interim] = conversation.snapshot().messages;
    conversation.applyResponsePost(command, { replace_original: true, text: 'the card', blocks: card('x') });
    expect(conversation.snapshot().messages).toHaveLength(1);
    expect(conversation.message(interim!.ts)).toMatchObject({
      text: 'the card',
      visibleTo: ALICE,
      version: 2,
    });
  });

  it('opens modals for the user whose trigger it was, updates them and applies submission answers', () => {
    const { conversation } = withChanges();
    const trigger = conversation.newTrigger(BOB);
    const view = {
      type: 'modal',
      callback_id: 'create',
      title: { type: 'plain_text', text: 'New' },
      blocks: [],
    };
    conversation.applyWebApiCall(
      'views.open',
      { trigger_id: trigger, view },
      { ok: true, view: { id: 'V1' } },
    );
    expect(conversation.snapshot().modals[BOB]?.map((v) => v.id)).toEqual(['V1']);
    expect(conversation.snapshot().modals[ALICE]).toBeUndefined();

    const firstHash = conversation.view(BOB, 'V1')?.hash;
    conversation.applyWebApiCall(
      'views.update',
      { view_id: 'V1', view: { ...view, title: { type: 'plain_text', text: 'Step 2' } } },
      { ok: true, view: { id: 'VOTHER' } },
    );
    expect(conversation.view(BOB, 'V1')?.view.title).toEqual({ type: 'plain_text', text: 'Step 2' });
    expect(conversation.view(BOB, 'V1')?.hash).not.toBe(firstHash);

    conversation.applyViewSubmissionAck(
      BOB,
      'V1',
      JSON.stringify({ response_action: 'errors', errors: { bucket: 'No such bucket' } }),
    );
    expect(conversation.snapshot().modals[BOB]?.[0]?.errors).toEqual({ bucket: 'No such bucket' });

    conversation.applyViewSubmissionAck(BOB, 'V1', JSON.stringify({ response_action: 'push', view }));
    expect(conversation.snapshot().modals[BOB]).toHaveLength(2);
    conversation.applyViewSubmissionAck(BOB, 'V1', '');
    expect(conversation.snapshot().modals[BOB]).toBeUndefined();
  });

  it('publishes each user their own Home tab and reports calls Slack refused', () => {
    const { conversation } = withChanges();
    conversation.applyWebApiCall(
      'views.publish',
      { user_id: ALICE, view: { type: 'home', blocks: card('Home') } },
      { ok: true, view: { id: 'VHOME' } },
    );
    expect(conversation.home(ALICE)?.id).toBe('VHOME');
    expect(conversation.home(BOB)).toBeUndefined();

    conversation.applyWebApiCall(
      'chat.postMessage',
      { channel: CHANNEL, blocks: [] },
      { ok: false, error: 'invalid_blocks', errors: ['blocks[0]: too long'] },
    );
    const [notice] = conversation.snapshot().messages;
    expect(notice).toMatchObject({ notice: true, author: 'USLACKBOT' });
    expect(notice?.text).toContain('invalid_blocks');
  });
});
