import { beforeEach, describe, expect, it } from 'vitest';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { failingTask } from '../../harness/failing-task.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';
import { claimBot, editOf as editAfter, pressOnMessage } from './claim-rig.js';

// Issue 39 item 2: a failure post offers "I'm on it"; the person who presses it is shown on the post
// (edited in place), the card and the Home tab; they can hand it back; the audit has both; a viewer
// is refused; a recovery closes it.
const CHANNEL = 'C0CLAIM01';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0OPER001';
const VIEWER = 'U0VIEW001';
const t = claimBot([OPERATOR]);
beforeEach(() => {
  t.fakeSlack.clear();
});

/** Runs watcher cycles (bounded) until the watched resource's failure is posted; its body and ts. */
async function failurePost(): Promise<{ body: Record<string, unknown>; ts: string }> {
  const posted = async () => {
    const failed = notifications(t.fakeSlack).find((n) => n.event === 'failed');
    // Pressed on the message as posted (the ts Slack answered with): the one editor edits it.
    if (failed?.ts) return { body: failed.body, ts: failed.ts };
    await t.bot.deps.watcher.runCycle();
    return undefined;
  };
  return until(posted, { what: 'the failure posted', timeoutMs: 20_000, checks: 40 });
}

/** A task watched in the channel that fails with TRF.0015 at 14 %, and its failure post. */
async function watchedFailure(name: string) {
  const task = t.oms.addTask(failingTask(name, { progress: 0.12, failAt: 0.14 }));
  await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
  t.oms.clock.advance(60_000);
  return { task, post: await failurePost() };
}

/** A click on the post's claim button as Slack sends it: with the message it is on, in its channel. */
async function pressOnPost(post: { body: Record<string, unknown>; ts: string }, userId: string) {
  const claim = buttons(post.body).find((b) => b.action_id === 'failure.claim')!;
  const click = { message: post.body, ts: post.ts, channel: CHANNEL, button: claim, blockId: 'resource:x' };
  return { before: await pressOnMessage(t, { ...click, userId, tag: 'claim' }) };
}

/** The claimed resource's key, as the claims store reads it. */
const exact = (id: string) => ({ connection: 'hw-prod', kind: 'task' as const, id });

const editOf = (ts: string, before: number) => editAfter(t, ts, before);

async function home(user: string): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user, channel: 'D0001', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
  return mrkdwnTexts((call.body.view as Record<string, unknown>) ?? {});
}

describe('claiming a failure', () => {
  it('shows who is on it on the post, the card and the Home tab, hands it back, and audits both', async () => {
    const { task, post } = await watchedFailure('claimed-copy');
    expect(buttons(post.body).map((b) => b.text)).toContain("I'm on it");

    const claimed = await pressOnPost(post, OPERATOR);
    const edited = await editOf(post.ts, claimed.before);
    expect(edited.channel).toBe(CHANNEL);
    expect(mrkdwnTexts(edited)).toMatch(/<@U0OPER001> is on it · <!date\^\d+\^\{ago\}/);
    expect(buttons(edited).find((b) => b.action_id === 'failure.claim')?.text).toBe('Hand back');
    // The rest of the post is as it was.
    expect(mrkdwnTexts(edited)).toContain(
      mrkdwnTexts({ blocks: (post.body.blocks as unknown[]).slice(0, 1) }),
    );

    expect(mrkdwnTexts(await t.ask(`status ${task.id}`, { channelId: CHANNEL }))).toContain(
      '<@U0OPER001> is on it',
    );
    expect(await home(ADMIN)).toContain('<@U0OPER001> is on it');

    // Someone else cannot take it from them; the claimant hands it back.
    const other = await pressOnPost({ ...post, body: edited }, ADMIN);
    await t.settled();
    expect((await onCallState(t.bot.deps).claims.get('T0FAKE001', exact(task.id)))?.by).toBe(OPERATOR);
    expect(
      t.fakeSlack
        .callsTo('chat.update')
        .slice(other.before)
        .filter((c) => c.body.ts === post.ts),
    ).toEqual([]);
    const back = await pressOnPost({ ...post, body: edited }, OPERATOR);
    const returned = await editOf(post.ts, back.before);
    expect(mrkdwnTexts(returned)).not.toContain('is on it');
    expect(buttons(returned).find((b) => b.action_id === 'failure.claim')?.text).toBe("I'm on it");
    expect(mrkdwnTexts(await t.ask(`status ${task.id}`, { channelId: CHANNEL }))).not.toContain('is on it');

    const log = messageText(await t.ask('audit 10'));
    expect(log).toMatch(new RegExp(`<@${OPERATOR}> \\*claim\\* \`hw-prod:${task.id}\`.* · ok`));
    expect(log).toMatch(new RegExp(`<@${OPERATOR}> \\*hand-back\\* \`hw-prod:${task.id}\`.* · ok`));
  });

  it('shows who is on it on the watcher’s channel card, and takes it off when handed back', async () => {
    const { post } = await watchedFailure('card-claimed');
    /** The card's latest edit since `before` (its text is "<name>: <state>"), once `shows` it. */
    const cardEdit = async (before: number, shows: (text: string) => boolean) => {
      const edited = async () => {
        const edit = t.fakeSlack
          .callsTo('chat.update')
          .slice(before)
          .filter((c) => String(c.body.text).startsWith('card-claimed:') && c.body.ts !== post.ts)
          .at(-1);
        if (edit && shows(mrkdwnTexts(edit.body))) return edit.body;
        await t.bot.deps.watcher.runCycle();
        return undefined;
      };
      return until(edited, { what: 'the card edited', timeoutMs: 20_000, everyMs: 25, checks: 20 });
    };
    const claimed = await pressOnPost(post, OPERATOR);
    const card = await cardEdit(claimed.before, (text) => text.includes('is on it'));
    expect(card.channel).toBe(CHANNEL);
    expect(mrkdwnTexts(card)).toMatch(/<@U0OPER001> is on it · <!date\^\d+\^\{ago\}/);
    expect(buttons(card).find((b) => b.action_id === 'failure.claim')?.text).toBe('Hand back');

    const back = await pressOnPost({ ...post, body: await editOf(post.ts, claimed.before) }, OPERATOR);
    const returned = await cardEdit(back.before, (text) => !text.includes('is on it'));
    expect(mrkdwnTexts(returned)).not.toContain('is on it');
    expect(buttons(returned).find((b) => b.action_id === 'failure.claim')?.text).toBe("I'm on it");
  });

  it('refuses a viewer and changes nothing', async () => {
    const { task, post } = await watchedFailure('viewer-tries');
    const press = await pressOnPost(post, VIEWER);
    await t.settled();
    expect(await onCallState(t.bot.deps).claims.get('T0FAKE001', exact(task.id))).toBeUndefined();
    expect(
      t.fakeSlack
        .callsTo('chat.update')
        .slice(press.before)
        .filter((c) => c.body.ts === post.ts),
    ).toEqual([]);
    expect(mrkdwnTexts(await t.ask(`status ${task.id}`, { channelId: CHANNEL }))).not.toContain('is on it');
    expect(messageText(await t.ask('audit 5'))).toMatch(/<@U0VIEW001> \*take on failures\*.* · refused/);
  });

  it('is closed when the task recovers', async () => {
    const { task, post } = await watchedFailure('recovers');
    const press = await pressOnPost(post, OPERATOR);
    await editOf(post.ts, press.before);
    expect(await home(ADMIN)).toContain('<@U0OPER001> is on it');
    const sim = t.oms.task(task.id)!;
    sim.failAt = undefined;
    sim.status = 2;
    await t.bot.deps.watcher.runCycle();
    expect(mrkdwnTexts(await t.ask(`status ${task.id}`, { channelId: CHANNEL }))).not.toContain('is on it');
    expect(await home(ADMIN)).not.toContain('is on it');
  });
  it("keeps within Slack's edit budget: a spent budget leaves the edit for later and tells the presser", async () => {
    const { task, post } = await watchedFailure('budget-spent');
    const options = t.bot.deps.watcher.options;
    const generous = options.editBudget;
    // Every edit this workspace may make in this window is made (the claim used to skip the count).
    options.editBudget = { windowMs: 10_000, max: 0 };
    try {
      const press = await pressOnPost(post, OPERATOR);
      const answer = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.responses.find((r) => r.method.startsWith(`response:claim-${OPERATOR}`)),
      );
      expect(String(answer.body.text)).toMatch(/<@U0OPER001> is on it/);
      expect(answer.body.replace_original).not.toBe(true);
      await t.bot.deps.watcher.runCycle();
      expect(t.fakeSlack.callsTo('chat.update').slice(press.before)).toEqual([]);
    } finally {
      options.editBudget = generous;
    }
    // The claim is recorded: the card drawn now says so, and the post stays due for its edit.
    expect(mrkdwnTexts(await t.ask(`status ${task.id}`, { channelId: CHANNEL }))).toContain(
      '<@U0OPER001> is on it',
    );
    await pressOnPost(post, OPERATOR); // hands it back, for the next test
  });
});
