import { describe, expect, it } from 'vitest';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { failingTask } from '../../harness/failing-task.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';
import { claimBot, editOf, pressOnMessage } from './claim-rig.js';

// Issue 48 item 3: nobody is left alone with a failure. Anyone who may operate takes over a claimed
// failure, behind a confirm that names the current owner; an admin releases a claim. Before, only
// the claimer could hand back, so a failure claimed by someone who went to sleep was locked.
const CHANNEL = 'C0TAKEOVR';
const ADMIN = 'U0ALICE01';
const OPER_A = 'U0OPERAAA';
const OPER_B = 'U0OPERBBB';
const OPER_C = 'U0OPERCCC';
const VIEWER = 'U0VIEWERX';
const t = claimBot([OPER_A, OPER_B, OPER_C]);

async function failedTask(name: string): Promise<string> {
  const task = t.oms.addTask(failingTask(name, { totalSize: 1024 ** 3 }));
  t.oms.clock.advance(120_000);
  return task.id;
}

const buttonValueOf = (id: string) => encodeResourceButton({ connection: 'hw-prod', kind: 'task', id });

async function press(actionId: string, value: string, userId: string): Promise<Record<string, unknown>> {
  return (await t.click(actionId, value, { userId, channelId: CHANNEL })).answer();
}

describe('taking over a claimed failure', () => {
  it('offers Take over to another operator, with a confirm naming the owner, and moves the claim', async () => {
    const id = await failedTask('take-over-me');
    await press('failure.claim', buttonValueOf(id), OPER_A);
    const offer = await press('failure.claim', buttonValueOf(id), OPER_B);
    expect(messageText(offer)).toContain(`<@${OPER_A}> is on it already`);
    const offered = buttons(offer);
    // An operator is offered Take over only; Release is an admin's.
    expect(offered.map((b) => b.text)).toEqual(['Take over']);
    const takeOver = offered[0]!;
    expect(JSON.stringify(takeOver.confirm)).toContain(`<@${OPER_A}> is on it`);

    const taken = await press(takeOver.action_id, takeOver.value, OPER_B);
    expect(messageText(taken)).toContain(`You took it over from <@${OPER_A}>`);
    const claim = await onCallState(t.bot.deps).claims.get('T0FAKE001', {
      connection: 'hw-prod',
      kind: 'task',
      id,
    });
    expect(claim).toMatchObject({ by: OPER_B, from: OPER_A });
    const audit = messageText(await t.ask('audit 5'));
    expect(audit).toContain('claim.take-over');
  });

  it('refuses a take-over confirmed against an owner who no longer has it, and a viewer', async () => {
    const id = await failedTask('take-over-stale');
    await press('failure.claim', buttonValueOf(id), OPER_A);
    const offer = await press('failure.claim', buttonValueOf(id), OPER_B);
    const stale = buttons(offer)[0]!;
    // Meanwhile C takes it over from A; B's confirm still named A.
    const offerC = await press('failure.claim', buttonValueOf(id), OPER_C);
    await press(buttons(offerC)[0]!.action_id, buttons(offerC)[0]!.value, OPER_C);
    const refused = await press(stale.action_id, stale.value, OPER_B);
    expect(messageText(refused)).toContain(`<@${OPER_C}> has it now, not <@${OPER_A}>`);
    expect(
      (await onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id }))
        ?.by,
    ).toBe(OPER_C);
    const viewer = await press(stale.action_id, buttons(offerC)[0]!.value, VIEWER);
    expect(messageText(viewer)).toMatch(/You need the operator role/);
  });

  it('is a plain take when the owner it names handed the failure back meanwhile: no "took over from"', async () => {
    const id = await failedTask('take-over-handed-back');
    await press('failure.claim', buttonValueOf(id), OPER_A);
    const offer = await press('failure.claim', buttonValueOf(id), OPER_B);
    const takeOver = buttons(offer)[0]!;
    // A hands it back before B confirms the take-over that named A.
    expect(messageText(await press('failure.claim', buttonValueOf(id), OPER_A))).toContain(
      'You handed it back',
    );
    const taken = messageText(await press(takeOver.action_id, takeOver.value, OPER_B));
    expect(taken).toContain(`<@${OPER_B}> is on it`);
    expect(taken).not.toContain('took it over');
    const claim = await onCallState(t.bot.deps).claims.get('T0FAKE001', {
      connection: 'hw-prod',
      kind: 'task',
      id,
    });
    expect(claim?.by).toBe(OPER_B);
    expect(claim?.from).toBeUndefined();
  });

  it('tells the owner pressing Take over on their own claim that they have it, and changes nothing', async () => {
    // Issue 59 item 6: a channel post is the same for everyone, so its owner sees Take over beside
    // Hand back. Pressed, it took the failure "over" from themselves: a new claim time and a
    // take-over in the audit, and an answer as if something had happened.
    const id = await failedTask('take-over-own');
    await press('failure.claim', buttonValueOf(id), OPER_A);
    const held = await onCallState(t.bot.deps).claims.get('T0FAKE001', {
      connection: 'hw-prod',
      kind: 'task',
      id,
    });
    // The Take over the post shows everyone while OPER_A has it (it names OPER_A as the owner).
    const takeOver = buttons(await press('failure.claim', buttonValueOf(id), OPER_B))[0]!;
    const answer = messageText(await press(takeOver.action_id, takeOver.value, OPER_A));
    expect(answer).toContain('You are on it already (you took it <!date^');
    expect(answer).toContain('nothing changed');
    expect(answer).not.toContain('took it over');
    expect(
      await onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id }),
    ).toEqual(held);
    expect(messageText(await t.ask('audit 20'))).not.toMatch(new RegExp(`claim\\.take-over[^\\n]*${id}`));
  });

  it('lets an admin release a claim, and nobody else', async () => {
    const id = await failedTask('release-me');
    await press('failure.claim', buttonValueOf(id), OPER_A);
    const offer = await press('failure.claim', buttonValueOf(id), ADMIN);
    expect(buttons(offer).map((b) => b.text)).toEqual(['Take over', 'Release']);
    const release = buttons(offer)[1]!;
    expect(JSON.stringify(release.confirm)).toContain(`<@${OPER_A}> is on it`);
    expect(messageText(await press(release.action_id, release.value, OPER_B))).toMatch(
      /You need the admin role/,
    );
    expect(
      (await onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id }))
        ?.by,
    ).toBe(OPER_A);
    expect(messageText(await press(release.action_id, release.value, ADMIN))).toContain(
      `You released the claim of <@${OPER_A}>`,
    );
    expect(
      await onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id }),
    ).toBeUndefined();
    // Free again: anyone may take it.
    expect(messageText(await press('failure.claim', buttonValueOf(id), OPER_B))).toContain(
      `<@${OPER_B}> is on it`,
    );
  });

  it('shows Take over on the claimed failure post, and who took over from whom once pressed', async () => {
    const task = t.oms.addTask(failingTask('post-take-over'));
    t.fakeSlack.clear();
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(120_000);
    let failed: { body: Record<string, unknown>; ts?: string } | undefined;
    for (let i = 0; i < 40 && !failed; i++) {
      await t.bot.deps.watcher.runCycle();
      failed = notifications(t.fakeSlack).find((n) => n.event === 'failed');
    }
    expect(failed?.ts).toBeDefined();
    // Pressed on the message as posted: the one editor redraws it with the claim.
    const post = { body: failed!.body, ts: failed!.ts! };
    const claimed = await pressOn(post, 'failure.claim', OPER_A);
    const takeOver = buttons(claimed).find((b) => b.action_id === 'failure.takeover');
    expect(takeOver?.text).toBe('Take over');
    const overtaken = await pressOn({ body: claimed, ts: post.ts }, 'failure.takeover', OPER_B);
    expect(mrkdwnTexts(overtaken)).toContain(`<@${OPER_B}> is on it (took over from <@${OPER_A}>)`);
    expect(buttons(overtaken).find((b) => b.action_id === 'failure.takeover')?.value).toContain(OPER_B);
  });
});

/** A press on a channel post as Slack sends it (with the message); resolves with the post as edited. */
async function pressOn(
  post: { body: Record<string, unknown>; ts: string },
  actionId: string,
  userId: string,
) {
  const { value } = buttons(post.body).find((b) => b.action_id === actionId)!;
  const click = { message: post.body, ts: post.ts, channel: CHANNEL, button: { action_id: actionId, value } };
  return editOf(t, post.ts, await pressOnMessage(t, { ...click, blockId: 'x', userId, tag: 'take' }));
}
