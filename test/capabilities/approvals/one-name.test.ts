import { beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval } from '../../harness/approval-requests.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';
import { APPROVALS, ASKED_IN, approvalsBot, TEAM } from './approvals-rig.js';

/**
 * Issue #51 item 2, "A task created through approval has two names": OMS names the task itself
 * (`task_1795715324194_8`), the requester typed "Quarterly invoices to OBS". Every surface calls it
 * by the title, with the provider's name beside its reference: the list, `/migrate watches`, a
 * picker, a watch made later in another channel, the completion post, the report and the replies
 * to an action.
 */
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0OPER002';
const APPROVER = 'U0APPR002';
const OTHER = 'C0OTHER02';
const TITLE = 'Quarterly invoices to OBS';

const { t, ix, requestTask } = approvalsBot({ roles: { [OPERATOR]: 'operator', [APPROVER]: 'approver' } });
let id = '';
let name = '';

beforeAll(async () => {
  // Asked through the form, approved with a signed click: OMS names the task itself.
  const request = await requestTask(TITLE, OPERATOR);
  await decideApproval(t, ix, { ...request, channel: APPROVALS }, 'approve', APPROVER);
  // Approve answers once the task is created.
  const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
  expect(record.status).toBe('approved');
  id = record.resourceId!;
  name = record.resourceName!;
  expect(name).toMatch(/^task_\d+_\d+$/);
}, 60_000);

/** The title leads in bold; the provider's name sits beside the reference, as on the list. */
function expectOneName(text: string): void {
  expect(text).toContain(`*${TITLE}*`);
  expect(text).toContain(`\`hw-prod:${id}\` \`${name}\``);
  expect(text).not.toContain(`*${name}*`);
}

function header(message: Record<string, unknown>): string | undefined {
  const blocks = message.blocks as { type: string; text?: { text: string } }[];
  return blocks.find((b) => b.type === 'header')?.text?.text;
}

describe('a task an approval created is called by its title everywhere', () => {
  it('in the list and in /migrate watches', async () => {
    expectOneName(messageText(await t.ask('list', { userId: OPERATOR })));
    const watches = messageText(await t.ask('watches', { userId: OPERATOR }));
    expect(watches).toContain(`• ${TITLE} \`hw-prod:${id}\` \`${name}\``);
    expect(watches).not.toContain(`• ${name}`);
  });

  it('in a picker, whose buttons name it so too', async () => {
    const other = t.oms.addTask({ name: `${name.slice(0, 10)}99`, status: 2, progress: 0.2 });
    await t.ask('list', { userId: OPERATOR });
    const picker = await t.ask(`status ${name.slice(0, 10)}`, { userId: OPERATOR });
    const text = mrkdwnTexts(picker);
    expectOneName(text);
    expect(text).toContain(`*${other.name}*`);
    expect(JSON.stringify(picker.blocks)).toContain(`"accessibility_label":"Open ${TITLE}"`);
  });

  it('in a watch made later in another channel: its card and the reply', async () => {
    const since = t.fakeSlack.calls.length;
    const watched = await t.ask(`watch hw-prod:${id} <#${OTHER}|other>`, { userId: OPERATOR });
    expectOneName(String(watched.text));
    const card = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls.slice(since).find((c) => c.method === 'chat.postMessage' && c.body.channel === OTHER),
    );
    expect(String(card.body.text)).toContain(TITLE);
    expect(JSON.stringify(card.body.blocks)).toContain(`"text":"${TITLE}"`);
    expect(messageText(card.body)).toContain(`Named \`${name}\` by the provider`);
  });

  it('in the completion post and the report', async () => {
    const done = () =>
      notifications(t.fakeSlack).filter(
        (n) => n.event === 'succeeded' && n.key.includes(`:${id}:`) && n.body.channel === ASKED_IN,
      );
    const elsewhere = () =>
      notifications(t.fakeSlack).find(
        (n) => n.event === 'succeeded' && n.key.includes(`:${id}:`) && n.body.channel === OTHER,
      );
    // Cycles until both channels' posts are out: the other channel's may wait for the next
    // cycle's delivery (paced), which a loaded machine does not reach within a real-time wait.
    for (let i = 0; i < 30 && (done().length === 0 || !elsewhere()); i++) {
      t.oms.clock.advance(5_000);
      await t.bot.deps.watcher.runCycle();
    }
    const post = await t.fakeSlack.waitFor(() => done()[0]);
    expect(post.broadcast).toBe(true);
    expectOneName(mrkdwnTexts(post.body));
    const report = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.postMessage')
        .find((c) => c.body.channel === ASKED_IN && String(c.body.text).startsWith('Report for')),
    );
    expect(String(report.body.text)).toContain(`Report for ${TITLE}`);
    expect(mrkdwnTexts(report.body)).toContain(`\`hw-prod:${id}\` \`${name}\``);
    // The other channel's watch, made later, says the same.
    const there = await t.fakeSlack.waitFor(elsewhere);
    expectOneName(mrkdwnTexts(there.body));
  });

  it('in the replies to an action: the delete plan and the delete itself', async () => {
    const plan = await t.ask(`delete hw-prod:${id}`, { userId: ADMIN });
    expect(String(plan.text)).toContain(TITLE);
    expect(header(plan)).toBe(TITLE);
    const del = buttons(plan).find((b) => b.action_id === 'resource.delete')!;
    const deleted = await (await t.click(del.action_id, del.value, ADMIN)).answer();
    expect(String(deleted.text)).toContain(TITLE);
    expect(header(deleted)).toBe(TITLE);
  });
});
