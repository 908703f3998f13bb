import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { postedApproval } from '../../harness/approval-requests.js';
import { ConnectBot } from '../../harness/connect-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { Interactions } from '../../harness/interactions.js';
import { buttons, messageText, omsConnection } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 74, the dialogs of dialogs-say-what-happens.test.ts that need a connection added from Slack,
// a request approved to start later or a claimed failure: Disconnect, Cancel start, Take over and
// Release. Each is drawn through the real
// bot, read, pressed, and its effect checked against its words.
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0DLGREQ1';
const APPROVER = 'U0DLGAPR1';
const OPER_A = 'U0DLGOPRA';
const OPER_B = 'U0DLGOPRB';
const CHANNEL = 'C0DLGREQS';
const TEAM = 'T0FAKE001';
const GiB = 1024 ** 3;
const clock = new TestClock();
const c = new ConnectBot();
const t = c.t;
const ix = new Interactions(t);

beforeAll(async () => {
  await c.start({ clock, connections: (omsUrl) => [omsConnection('hw-prod', omsUrl)] });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  for (const user of [OPER_A, OPER_B]) await t.ask(`access grant <@${user}> operator`);
  // Many presses within one 10 s edit window.
  t.bot.deps.watcher.options.editBudget = { windowMs: 10_000, max: 1_000 };
}, 60_000);
afterAll(async () => {
  await c.stop();
});

type Dialog = { title: string; text: string; confirm: string };
function dialogOf(button: { confirm?: Record<string, unknown> } | undefined): Dialog {
  expect(button?.confirm, 'a confirm dialog').toBeDefined();
  const d = button!.confirm as Record<string, { text: string }>;
  return { title: d.title!.text, text: d.text!.text, confirm: d.confirm!.text };
}

/** Calls of the watch's card (its post and edits) so far. */
const cardCalls = (ts: string) =>
  t.fakeSlack.calls.filter((call) => call.method === 'chat.update' && call.body.ts === ts).length;

/** The watch's card as Slack took it: the first post in CHANNEL that names `id`. */
async function watchedCard(ref: string, id: string): Promise<RecordedCall> {
  await t.ask(`watch ${ref} <#${CHANNEL}|ops>`);
  const card = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.postMessage')
      .find(
        (call) =>
          call.body.channel === CHANNEL &&
          !call.body.thread_ts &&
          messageText(call.body).includes(id) &&
          call.ts,
      ),
  );
  await t.settled();
  return card;
}

/** The card as its last edit drew it. */
function cardNow(card: RecordedCall & { ts: string }): Record<string, unknown> {
  const edits = t.fakeSlack.callsTo('chat.update').filter((call) => call.body.ts === card.ts);
  return (edits.at(-1) ?? card).body;
}

/** The claim the on-call capability holds for a task of hw-prod. */
const claimOf = (id: string) =>
  onCallState(t.bot.deps).claims.get('T0FAKE001', { connection: 'hw-prod', kind: 'task', id });

/** A watched OMS task that has just failed, and its card. */
async function failedCard(name: string) {
  const task = t.oms.addTask(failingTask(name, { totalSize: GiB }));
  t.oms.clock.advance(120_000);
  // Its footer names `hw-prod:<id>`: the other simulator numbers its tasks the same way.
  const card = await watchedCard(`hw-prod:${task.id}`, `hw-prod:${task.id}`);
  await t.bot.deps.watcher.runCycle();
  return { id: task.id, card: card as RecordedCall & { ts: string } };
}

async function answerTo(click: { action_id: string; value: string }, userId: string) {
  return (await t.click(click.action_id, click.value, { userId, channelId: CHANNEL })).answer();
}

describe('Disconnect, Cancel start, Take over and Release say what their button does', () => {
  it('connection.disconnect: the connection and its keys go; its watches stay, no longer updated', async () => {
    const view = await c.openConnect('connect');
    expect((await c.submit(view, c.omsValues('hw-gone'))).body?.response_action).toBe('update');
    await t.settled();
    const task = c.oms.addTask({ name: 'dlg-on-gone', status: 2, progress: 0.1, totalSize: 10 * GiB });
    await t.ask(`watch hw-gone:${task.id} <#${CHANNEL}|ops>`);
    const card = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.postMessage')
        .find(
          (call) =>
            call.body.channel === CHANNEL && messageText(call.body).includes(`hw-gone:${task.id}`) && call.ts,
        ),
    );
    await t.settled();
    expect(messageText(await t.ask(`subscribe hw-gone failures <#${CHANNEL}|ops>`))).not.toContain(
      'No connection',
    );
    const pause = buttons(card.body).find((b) => b.action_id === 'resource.pause')!;

    const prompt = await t.ask('disconnect hw-gone');
    const button = buttons(prompt).find((b) => b.action_id === 'connection.disconnect');
    const said = dialogOf(button);
    expect(said).toEqual({
      title: 'Disconnect hw-gone?',
      text: 'The bot forgets `hw-gone` and its credentials in this workspace. Its watches and subscriptions stay listed but are no longer updated, and their buttons are refused. Migrations at the provider keep running.',
      confirm: 'Disconnect',
    });
    await (await t.click(button!.action_id, button!.value, ADMIN)).answer();
    await t.settled();
    // "forgets it and its credentials": not listed, and nothing can act through it.
    expect(messageText(await t.ask('connections'))).not.toContain('hw-gone');
    expect(messageText(await t.ask(`status hw-gone:${task.id}`))).toContain('No connection named "hw-gone"');
    // Its card's buttons are refused, and the migration at the provider keeps running.
    const refused = await (
      await t.click(pause.action_id, pause.value, { userId: ADMIN, channelId: CHANNEL })
    ).answer();
    expect(messageText(refused)).toContain('No connection named "hw-gone"');
    expect(c.oms.task(task.id)?.status).toBe(2);
    // The watch and the subscription stay listed; the card is no longer updated, however the task moves.
    const edits = cardCalls(String(card.ts));
    for (let i = 0; i < 3; i++) {
      c.oms.clock.advance(60_000);
      clock.advance(60_000);
      await t.bot.deps.watcher.runCycle();
    }
    expect(cardCalls(String(card.ts))).toBe(edits);
    expect(messageText(await t.ask(`watches <#${CHANNEL}|ops>`))).toContain(task.id);
    expect(messageText(await t.ask('subscriptions'))).toContain('hw-gone');
  });

  it('approval.cancelStart: nothing is created on the connection, and the request ends', async () => {
    const since = t.fakeSlack.calls.length;
    const startAt = new Date(clock.now() + 3 * 3_600_000).toISOString();
    const before = t.oms.tasks.size;
    await approvalsOf(t.bot.deps).request({
      team: TEAM,
      requester: OPERATOR,
      channel: CHANNEL,
      connection: 'hw-prod',
      kind: 'task',
      request: {
        task_type: 'prefix',
        src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'dlg-photos', object_key: ['2024/'] },
        dst_node: { region: 'cn-north-4', bucket: 'dlg-photos-obs' },
        description: 'dialog start later',
      },
      op: 'dlgstart1',
      startAt,
    });
    const posted = await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const approve = async (action: string, userId: string) => {
      const responseId = `dlg-${action}-${t.fakeSlack.calls.length}`;
      const res = await ix.clickMessage(
        {
          actionId: action,
          value: posted.id,
          channelId: CHANNEL,
          messageTs: posted.ts,
          responseUrl: t.fakeSlack.responseUrl(responseId),
        },
        { userId, teamId: TEAM },
      );
      expect(res.status).toBe(200);
      return String((await t.answer(responseId)).text ?? '');
    };
    await approve('approval.approve', APPROVER);
    const edit = t.fakeSlack.calls
      .filter((call) => call.method === 'chat.update' && call.body.ts === posted.ts)
      .at(-1)!;
    const button = buttons(edit.body).find((b) => b.action_id === 'approval.cancelStart');
    const said = dialogOf(button);
    expect(said).toEqual({
      title: 'Cancel the scheduled start?',
      text: 'Nothing will be created on hw-prod. The request ends here; ask again to run it later.',
      confirm: 'Cancel start',
    });
    expect(await approve('approval.cancelStart', OPERATOR)).toContain('Start cancelled');
    // "The request ends here": cancelled, and its start no longer due.
    expect((await approvalsOf(t.bot.deps).get(TEAM, posted.id)).status).toBe('cancelled');
    // "Nothing will be created": past its start time, the cycles create no task.
    clock.advance(4 * 3_600_000);
    for (let i = 0; i < 3; i++) await t.bot.deps.watcher.runCycle();
    expect(t.oms.tasks.size).toBe(before);
  });

  it('claim.takeover and claim.release: the claim moves to the presser, then to nobody', async () => {
    const { id, card } = await failedCard('dlg-claimed');
    const claimButton = buttons(cardNow(card)).find((b) => b.action_id === 'failure.claim')!;
    await answerTo(claimButton, OPER_A);
    const offer = buttons(await answerTo(claimButton, OPER_B));
    const takeOver = offer.find((b) => b.action_id === 'failure.takeover')!;
    const said = dialogOf(takeOver);
    expect(said.title).toBe('Take this failure over?');
    expect(said.text).toMatch(
      new RegExp(
        `^<@${OPER_A}> is on it \\(<!date\\^\\d+\\^\\{ago\\}\\|[^>]+>\\)\\. Take it over\\? The post will say you have it now, taken over from them\\.$`,
      ),
    );
    expect(said.confirm).toBe('Take over');
    await answerTo(takeOver, OPER_B);
    // The claim names the presser, taken from the owner the dialog named; the card says so.
    expect(await claimOf(id)).toMatchObject({ by: OPER_B, from: OPER_A });
    await t.settled();
    expect(messageText(cardNow(card))).toContain(`<@${OPER_B}> is on it (took over from <@${OPER_A}>)`);

    // An admin pressing the claim button is offered Release, whose dialog names the owner.
    const release = buttons(await answerTo(claimButton, ADMIN)).find(
      (b) => b.action_id === 'failure.release',
    )!;
    const released = dialogOf(release);
    expect(released).toEqual({
      title: 'Release this claim?',
      text: `<@${OPER_B}> is on it. Release it, so that nobody is on it and anyone can take it?`,
      confirm: 'Release',
    });
    await answerTo(release, ADMIN);
    expect(await claimOf(id)).toBeUndefined();
    await t.settled();
    // "anyone can take it": the card offers I'm on it again, and another operator takes it.
    const again = buttons(cardNow(card)).find((b) => b.action_id === 'failure.claim')!;
    expect(again.text).toBe("I'm on it");
    await answerTo(again, OPER_A);
    expect((await claimOf(id))?.by).toBe(OPER_A);
  });
});
