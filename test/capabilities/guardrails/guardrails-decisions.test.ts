import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { openRejectModal } from '../../harness/approval-requests.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { guardedReplicas, guardSuffix } from './guardrails-rig.js';
import { guardedRequests } from './guardrails-world.js';

// Issues 73 (6, 7, 9) and 74 (4, 15): what the guardrails decide at an approval, through signed
// requests on two replicas sharing one Redis: a per-connection limit taken at the approval, a size
// rule on a lower bound, the change ticket in the audit, and every Approve confirmation compared
// with what its click then does (creates, or only counts a vote).
const { suffix, low } = guardSuffix();
const TEAM = `T0GD${suffix}`;
const CHANNEL = 'C0GUARDD1';
const OPERATOR = 'U0GDOPER1';
const APPROVER = 'U0GDAPPR1';
const SECOND = 'U0GDAPPR2';
const C = {
  conn: `gd-c-${low}`,
  size: `gd-s-${low}`,
  ticket: `gd-t-${low}`,
  two: `gd-2-${low}`,
  region: `gd-r-${low}`,
};
const KOREAN = 'U0GDKOR01';
const CHINESE = 'U0GDZHO01';

const POLICIES = `policies:
  - id: two-per-connection
    scope: { connections: [${C.conn}] }
    quota: { concurrentPerConnection: 2 }
  - id: big-needs-two
    scope: { connections: [${C.size}] }
    approvals: { approvers: 2, above: { size: 40TiB } }
  - id: change-ticket
    scope: { connections: [${C.ticket}] }
    ticket: CHG-\\d+
  - id: always-two
    scope: { connections: [${C.two}] }
    approvals: { approvers: 2 }
  - id: two-regions
    scope: { connections: [${C.region}] }
    regions: { allow: [cn-north-4, ap-southeast-1] }
`;

const { a, b, ixA, ixB } = guardedReplicas({
  env: 'GD',
  team: TEAM,
  suffix,
  names: Object.values(C),
  policies: POLICIES,
  // Now: a request's expiry stays ahead of any bot's sweep on the same store (which runs on real time).
  base: Date.now(),
  operator: OPERATOR,
  approvers: [APPROVER, SECOND],
  ready: (a) => {
    a.fakeSlack.locales.set(KOREAN, 'ko-KR');
    a.fakeSlack.locales.set(CHINESE, 'zh-CN');
  },
});

const { request, posted, press } = guardedRequests({
  team: TEAM,
  channel: CHANNEL,
  requester: OPERATOR,
  tag: 'gd',
  name: 'decided',
  source: { bucket: 'gd-bucket', prefix: 'p/', objects: 10 },
  a,
  ixA,
  ixB,
});
const NONE_RUNNING = { running: 0, waiting: 0, more: false };

/** The Approve button's confirmation, as Slack shows it before the click. */
function approveDialog(message: Record<string, unknown>): { text: string; confirm: string } {
  const approve = buttons(message).find((x) => x.action_id === 'approval.approve');
  expect(approve?.confirm, 'Approve asks for a confirmation').toBeDefined();
  const confirm = approve!.confirm as { text: { text: string }; confirm: { text: string } };
  return { text: confirm.text.text, confirm: confirm.confirm.text };
}
/** The request message as the fake Slack last drew it (posted, or edited since). */
function requestNow(p: { ts: string; message: Record<string, unknown> }): Record<string, unknown> {
  const edits = a.fakeSlack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === p.ts);
  return edits.at(-1)?.body ?? p.message;
}
async function audited(action: string, detail: RegExp): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 500);
  return entries.filter((e) => e.action === action && detail.test(e.detail ?? '')).length;
}

describe('a per-connection limit, counted where it is taken (issue 73, item 6)', () => {
  it('four requests under a limit of 2, approved at once on two replicas, create 2', async () => {
    const before = a.oms.tasks.size;
    const asked = [];
    for (let i = 0; i < 4; i++) asked.push(await posted(C.conn, { running: NONE_RUNNING }));
    const told = await Promise.all(
      asked.map((r, i) => press(i % 2 ? b : a, r.posted, i % 2 ? SECOND : APPROVER)),
    );
    expect(
      told.filter((t) => t.includes('already has 2 approved migrations that have not ended')),
    ).toHaveLength(2);
    expect(a.oms.tasks.size - before).toBe(2);
    // Full: a new request is refused as it is asked, nothing posted.
    const early = await request(C.conn, { running: NONE_RUNNING }).catch((e: Error) => e);
    expect((early as Error).message).toContain('Refused by guardrail `two-per-connection`');
  });
});

describe('a size rule on a lower bound (issue 73, item 7)', () => {
  it('fails closed: 10 TiB with 50 objects unsized needs both approvers, and the request says why', async () => {
    const before = a.oms.tasks.size;
    const { posted: p } = await posted(C.size, { tib: 10, unsized: 50 });
    const record = await approvalsOf(a.bot.deps).get(TEAM, p.id);
    expect(record.needs).toMatchObject({ rule: 'big-needs-two', approvers: 2 });
    expect(messageText(p.message)).toContain('not fully known (only a lower bound, or nothing)');
    expect(await press(a, p, APPROVER)).toContain('1 of 2 approvals');
    expect(a.oms.tasks.size).toBe(before);
    expect(await press(b, p, SECOND)).toContain('Approved');
    expect(a.oms.tasks.size).toBe(before + 1);
  });

  it('policy test says why it asks for approvers when the size is not known', async () => {
    const who = { teamId: TEAM, channelId: CHANNEL };
    const unknown = messageText(await a.ask(`policy test ${C.size}`, who));
    expect(unknown).toContain(
      'passes, with 2 approvals from different people, because the size is not fully known',
    );
    const measured = messageText(await a.ask(`policy test ${C.size} size=50TiB`, who));
    expect(measured).toContain(
      '`big-needs-two` (from the file): passes, with 2 approvals from different people',
    );
    expect(measured).not.toContain('not fully known');
  });

  it('a measured size below the threshold still needs one approver', async () => {
    const before = a.oms.tasks.size;
    const { posted: p } = await posted(C.size, { tib: 10 });
    expect((await approvalsOf(a.bot.deps).get(TEAM, p.id)).needs).toBeUndefined();
    expect(await press(a, p, APPROVER)).toContain('Approved');
    expect(a.oms.tasks.size).toBe(before + 1);
  });
});

describe('the change ticket a rule requires (issue 73, item 9)', () => {
  it('is shown on the request and written in the audit of the request and the approval', async () => {
    const ticket = `CHG-${Date.now() % 100_000}`;
    const { posted: p } = await posted(C.ticket, { description: `${ticket} move the photos` });
    expect(messageText(p.message)).toContain(`Change ticket: \`${ticket}\``);
    expect(await press(b, p, APPROVER)).toContain('Approved');
    const said = new RegExp(`change ticket ${ticket}`);
    expect(await audited('create.request', said)).toBe(1);
    expect(await audited('create.approve', said)).toBe(1);
  });
});

describe('what Approve says, and what it then does (issue 74, items 4 and 15)', () => {
  it('the first of two approvers is told it counts a vote, the second that it creates; each click does that', async () => {
    const before = a.oms.tasks.size;
    const since = a.fakeSlack.calls.length;
    const { posted: p } = await posted(C.two);
    // Each approver's direct message says two are needed.
    const dms = await until(
      () => {
        const sent = a.fakeSlack.calls
          .slice(since)
          .filter(
            (c: RecordedCall) =>
              c.method === 'chat.postMessage' && (c.body.channel === APPROVER || c.body.channel === SECOND),
          );
        return sent.length === 2 ? sent : undefined;
      },
      { what: 'both approvers’ direct messages', timeoutMs: 10_000 },
    );
    for (const dm of dms) {
      expect(messageText(dm.body)).toContain('needs 2 approvals from different people');
      expect(approveDialog(dm.body).text).toContain('This counts as approval 1 of 2: nothing is created yet');
    }
    // The first: the dialog says one vote, and the click counts one vote.
    const first = approveDialog(requestNow(p));
    expect(first.text).toContain('This counts as approval 1 of 2: nothing is created yet');
    expect(first.confirm).toBe('Approve (1 of 2)');
    expect(await press(a, p, APPROVER)).toContain('1 of 2 approvals');
    expect(a.oms.tasks.size).toBe(before);
    // The second (the message redrawn with the vote): the dialog says it creates, and it does.
    const second = await until(
      () => {
        const d = approveDialog(requestNow(p));
        return d.text.includes('right away') ? d : undefined;
      },
      { what: 'the request redrawn after the first vote', timeoutMs: 10_000 },
    );
    expect(second.text).toContain('is created on');
    expect(second.confirm).toBe('Approve and create');
    // The DM of the approver still to decide is redrawn the same way.
    const secondDm = await until(
      () => {
        const edit = a.fakeSlack.calls
          .filter((c) => c.method === 'chat.update' && c.body.channel === SECOND)
          .at(-1);
        return edit && approveDialog(edit.body).text.includes('right away') ? edit : undefined;
      },
      { what: 'the second approver’s direct message redrawn', timeoutMs: 10_000 },
    );
    expect(messageText(secondDm.body)).toContain(`1 of 2 approvals: <@${APPROVER}>`);
    // The first approver's own message no longer offers an Approve that would only be refused.
    const firstDm = a.fakeSlack.calls
      .filter((c) => c.method === 'chat.update' && c.body.channel === APPROVER)
      .at(-1);
    expect(messageText(firstDm!.body)).toContain(
      'You have approved; 1 more approval is needed before it is created.',
    );
    expect(buttons(firstDm!.body).map((x) => x.action_id)).toEqual(['approval.reject']);
    expect(await press(b, p, SECOND)).toContain('Approved');
    expect(a.oms.tasks.size).toBe(before + 1);
  });

  it('Reject, after one vote, asks why and says nothing is created; its submission creates nothing', async () => {
    const before = a.oms.tasks.size;
    const { posted: p } = await posted(C.two);
    expect(await press(a, p, APPROVER)).toContain('1 of 2 approvals');
    // Reject has no confirmation of its own: its modal is the dialog, and says what it does.
    const reject = buttons(requestNow(p)).find((x) => x.action_id === 'approval.reject');
    expect(reject?.confirm).toBeUndefined();
    const modal = await openRejectModal(
      a,
      ixA,
      { ...p, channel: CHANNEL },
      { userId: SECOND, teamId: TEAM },
      'gd-reject',
    );
    expect(messageText(modal.view)).toContain('Nothing is created');
    await ixA.submit(modal, { reason: 'Not before the audit.' }, { userId: SECOND, teamId: TEAM });
    await until(
      async () => (await approvalsOf(a.bot.deps).get(TEAM, p.id)).status === 'rejected' || undefined,
      { what: 'the rejection' },
    );
    expect(a.oms.tasks.size).toBe(before);
  });
});

describe('refusals say what would pass and whom to ask (issue 74, item 6)', () => {
  it('a region refusal names the allowed regions and the file’s owners, in the asker’s language', async () => {
    const refused = await request(C.region, { region: 'eu-west-101' }).catch((e: Error) => e);
    expect((refused as Error).message).toContain(
      'the destination region `eu-west-101` is not allowed here; allowed: cn-north-4, ap-southeast-1.',
    );
    expect((refused as Error).message).toContain(
      'To get an exception, ask the owners of the connections file.',
    );
    const ko = messageText(
      await a.ask(`policy test ${C.region} region=eu-west-101`, {
        teamId: TEAM,
        userId: KOREAN,
        channelId: CHANNEL,
      }),
    );
    expect(ko).toContain('허용: cn-north-4, ap-southeast-1.');
    expect(ko).toContain('예외가 필요하면 연결 파일 관리자에게 문의하세요.');
    expect(ko).not.toContain('owners of the connections file');
  });

  it('policy test names whom to ask for a Slack rule without an exception, in every language', async () => {
    const who = { teamId: TEAM, channelId: CHANNEL };
    expect(
      messageText(await a.ask(`policy add no-eu deny-regions=eu-* connections=${C.region}`, who)),
    ).toContain('no-eu');
    const line = `policy test ${C.region} region=eu-west-101`;
    const en = messageText(await a.ask(line, who));
    expect(en).toContain('is not allowed here. To get an exception, ask a workspace admin.');
    expect(en).not.toMatch(/ask:\s*["\\\n]/);
    const zh = messageText(await a.ask(line, { ...who, userId: CHINESE }));
    expect(zh).toContain('如需例外，请联系工作区管理员。');
    expect(zh).not.toContain('a workspace admin');
    const ko = messageText(await a.ask(line, { ...who, userId: KOREAN }));
    expect(ko).toContain('예외가 필요하면 워크스페이스 관리자에게 문의하세요.');
    expect(ko).not.toContain('a workspace admin');
  });
});

describe('policy list in the reader’s words (issue 74, item 7)', () => {
  it('says each rule in words, sizes as sizes, and its last match in Korean and Chinese', async () => {
    const ko = messageText(await a.ask('policy list', { teamId: TEAM, userId: KOREAN, channelId: CHANNEL }));
    expect(ko).not.toMatch(/\\"(regions|approvals|quota|scope)\\"/);
    expect(ko).not.toContain(String(40 * 2 ** 40));
    expect(ko).not.toContain(TEAM);
    expect(ko).toContain('40.0 TiB 초과 시 승인자 2명');
    expect(ko).toContain('리전 `eu-*` 금지');
    // `two-regions` last refused a request (the test above); said in Korean, not English.
    expect(ko).toMatch(/마지막 일치: [^\n]* UTC, 요청 시: 거부됨/);
    expect(ko).not.toContain('last matched');
    const zh = messageText(await a.ask('policy list', { teamId: TEAM, userId: CHINESE, channelId: CHANNEL }));
    expect(zh).toContain('超过 40.0 TiB 时需 2 位审批人');
    expect(zh).toMatch(/最近一次匹配：[^\n]* UTC，提出请求时：已拒绝/);
    expect(zh).not.toContain('last matched');
  });
});
