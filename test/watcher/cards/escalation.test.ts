import { beforeAll, describe, expect, it } from 'vitest';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { answeredPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 48 item 3: escalation, per channel or workspace, off by default. A failure nobody claims in
// N minutes gets a reminder in its thread; after M minutes the approvers (or a named user group) are
// mentioned; a claim older than H hours on a failure still failing asks its owner "Still on it?"
// with Keep and Hand back. Each step once, through signed requests, with the watcher's clock moved.
const CHANNEL = 'C0ESCALAT';
const QUIET = 'C0ESCQUIE';
const OPERATOR = 'U0ESCOPER';
const APPROVER = 'U0ESCAPPR';
const MIN = 60_000;
const clock = new TestClock();
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });
const replies = answeredPosts(t);

beforeAll(async () => {
  await t.ask(`access grant <@${OPERATOR}> operator`);
  await t.ask(`access grant <@${APPROVER}> approver`);
});

const of = (id: string, step: string) =>
  replies.filter((r) => r.key.includes(id) && r.key.endsWith(`:${step}`));

/** Runs a few cycles at the clock's time now (each delivers what the one before enqueued). */
async function cycles(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await t.bot.deps.watcher.runCycle();
}

async function failedWatch(name: string, channel: string): Promise<string> {
  const task = t.oms.addTask(failingTask(name));
  await t.ask(`watch ${task.id} <#${channel}|ops>`);
  t.oms.clock.advance(120_000);
  for (let i = 0; i < 20 && of(task.id, 'failed').length === 0; i++) await cycles(1);
  expect(of(task.id, 'failed')).toHaveLength(1);
  return task.id;
}

describe('escalation of a failure nobody takes on', () => {
  it('is off by default: a failure hours old gets no reminder', async () => {
    const id = await failedWatch('esc-default-off', CHANNEL);
    clock.advance(5 * 60 * MIN);
    await cycles();
    expect(
      replies.filter((r) => r.key.includes(id) && /unclaimed|escalated|still-on-it/.test(r.key)),
    ).toEqual([]);
  });

  it('reminds once, escalates once to the approvers, then asks the owner and restarts on Keep', async () => {
    const set = messageText(await t.ask('settings escalation remind 15 escalate 60 check 8'));
    expect(set).toContain('Updated the escalation.');
    expect(set).toContain('Escalation of failures nobody takes on: a reminder in the thread after 15 min');
    expect(set).toContain('the approvers mentioned after 1 h');
    expect(messageText(await t.ask(`settings escalation off <#${QUIET}|quiet>`))).toContain(
      `Escalation in <#${QUIET}>: off`,
    );
    const id = await failedWatch('esc-steps', CHANNEL);
    const quietId = await failedWatch('esc-quiet-channel', QUIET);

    clock.advance(14 * MIN);
    await cycles();
    expect(of(id, 'unclaimed')).toEqual([]);
    clock.advance(1 * MIN + 1_000);
    await cycles();
    expect(of(id, 'unclaimed')).toHaveLength(1);
    const reminder = of(id, 'unclaimed')[0]!.body;
    expect(reminder.thread_ts).toBeDefined();
    expect(mrkdwnTexts(reminder)).toMatch(/esc-steps.*has been failing for 15 min.*nobody is on it yet/);
    expect(buttons(reminder).map((b) => b.text)).toEqual(["I'm on it"]);
    await cycles();
    expect(of(id, 'unclaimed')).toHaveLength(1);

    clock.advance(45 * MIN);
    await cycles();
    const escalated = of(id, 'escalated');
    expect(escalated).toHaveLength(1);
    expect(mrkdwnTexts(escalated[0]!.body)).toContain(`<@${APPROVER}>`);
    expect(mrkdwnTexts(escalated[0]!.body)).toMatch(/has been failing for 1 h/);
    // The channel that turned it off heard nothing.
    expect(replies.filter((r) => r.key.includes(quietId) && /unclaimed|escalated/.test(r.key))).toEqual([]);

    // The operator takes it; eight hours later, still failing, they are asked.
    const claim = buttons(reminder)[0]!;
    await (await t.click(claim.action_id, claim.value, { userId: OPERATOR, channelId: CHANNEL })).answer();
    clock.advance(8 * 60 * MIN - MIN);
    await cycles();
    expect(of(id, 'still-on-it').length).toBe(0);
    clock.advance(2 * MIN);
    await cycles();
    const asked = replies.filter((r) => r.key.includes(id) && r.key.includes(':check'));
    expect(asked).toHaveLength(1);
    expect(mrkdwnTexts(asked[0]!.body)).toContain(`<@${OPERATOR}>, still on it?`);
    const [keep, handBack] = buttons(asked[0]!.body);
    expect([keep?.text, handBack?.text]).toEqual(['Keep', 'Hand back']);
    // Only the owner keeps it.
    expect(
      messageText(
        await (
          await t.click(keep!.action_id, keep!.value, { userId: APPROVER, channelId: CHANNEL })
        ).answer(),
      ),
    ).toContain(`Only <@${OPERATOR}>, who is on it, can keep it`);
    expect(
      messageText(
        await (
          await t.click(keep!.action_id, keep!.value, { userId: OPERATOR, channelId: CHANNEL })
        ).answer(),
      ),
    ).toContain('You are still on it');
    // Kept: the next question comes eight hours after the Keep, not at once.
    await cycles();
    expect(replies.filter((r) => r.key.includes(id) && r.key.includes(':check'))).toHaveLength(1);
    clock.advance(8 * 60 * MIN + MIN);
    await cycles();
    expect(replies.filter((r) => r.key.includes(id) && r.key.includes(':check'))).toHaveLength(2);
  });

  it("keeps what each escalation post's claim button is for, however often it is pressed", async () => {
    await t.ask('settings escalation remind 15 escalate 600 check 8');
    const owner = async (id: string) =>
      (await onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id }))
        ?.by;
    const press = async (b: { action_id: string; value: string }) =>
      messageText(
        await (await t.click(b.action_id, b.value, { userId: OPERATOR, channelId: CHANNEL })).answer(),
      );
    const id = await failedWatch('esc-double-press', CHANNEL);
    clock.advance(16 * MIN);
    await cycles();
    // "I'm on it" on the reminder, pressed twice (the post is not redrawn in between): still on it.
    const take = buttons(of(id, 'unclaimed')[0]!.body)[0]!;
    expect(await press(take)).toContain(`<@${OPERATOR}> is on it`);
    expect(await press(take)).toContain(`<@${OPERATOR}> is on it`);
    expect(await owner(id)).toBe(OPERATOR);
    // "Hand back" under "Still on it?", pressed twice: nobody is on it, it is not taken again.
    clock.advance(8 * 60 * MIN + MIN);
    await cycles();
    const asked = replies.filter((r) => r.key.includes(id) && r.key.includes(':check'));
    const handBack = buttons(asked[0]!.body).find((b) => b.text === 'Hand back')!;
    expect(await press(handBack)).toContain('You handed it back');
    expect(await press(handBack)).not.toContain(`<@${OPERATOR}> is on it`);
    expect(await owner(id)).toBeUndefined();
  });

  it('names a user group when one is set, and refuses a malformed setting without changing it', async () => {
    const before = messageText(await t.ask('settings'));
    expect(messageText(await t.ask('settings escalation remind soon'))).toMatch(
      /Use `\/migrate settings escalation remind <minutes>/,
    );
    expect(messageText(await t.ask('settings'))).toBe(before);
    expect(
      messageText(
        await t.ask('settings escalation remind 5 to <!subteam^S0ONCALL1|@oncall>', { userId: OPERATOR }),
      ),
    ).toMatch(/You need the admin role/);
    await t.ask('settings escalation escalate 10 to <!subteam^S0ONCALL1|@oncall>');
    const id = await failedWatch('esc-group', CHANNEL);
    clock.advance(11 * MIN);
    await cycles();
    expect(mrkdwnTexts(of(id, 'escalated')[0]!.body)).toContain('<!subteam^S0ONCALL1>');
  });
});
