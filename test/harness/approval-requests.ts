import { expect } from 'vitest';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import type { ApprovalRecord } from '../../src/capabilities/shared/approval-record.js';
import type { Interactions, ShownView } from './interactions.js';
import { buttons, type TestBot } from './test-bot.js';
import { until } from './until.js';

type Json = Record<string, unknown>;

/**
 * A prefix task to `hw-prod` asked straight of the approvals (no form), returned once its request
 * is posted in `where.channel`.
 */
export async function askedTaskRequest(
  t: TestBot,
  where: { team: string; channel: string; requester: string },
  op: string,
): Promise<ApprovalRecord> {
  const since = t.fakeSlack.calls.length;
  const record = await approvalsOf(t.bot.deps).request({
    team: where.team,
    requester: where.requester,
    channel: where.channel,
    connection: 'hw-prod',
    kind: 'task',
    request: {
      task_type: 'prefix',
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'acme-photos', object_key: ['2024/'] },
      dst_node: { region: 'cn-north-4', bucket: 'photos-obs' },
    },
    op,
  });
  await postedApproval(t, where, since);
  return record;
}

/**
 * The approval request the bot posted in `channel` after `since` recorded calls: its id (the
 * Approve button's value), its ts once the record has it, and the message as posted.
 */
export async function postedApproval(
  t: TestBot,
  where: { team: string; channel: string },
  since: number,
): Promise<{ id: string; ts: string; message: Json }> {
  // A request's pre-flight reads the provider (up to a few seconds on a loaded machine) first.
  const call = await t.fakeSlack.waitFor(
    () =>
      t.fakeSlack.calls
        .slice(since)
        .filter((c) => c.method === 'chat.postMessage' && c.body.channel === where.channel)
        .at(-1),
    15_000,
  );
  const approve = buttons(call.body).find((b) => b.action_id === 'approval.approve');
  expect(approve).toBeDefined();
  // The record learns the message's ts right after the post.
  const ts = await until(
    async () => (await approvalsOf(t.bot.deps).get(where.team, approve!.value)).message?.ts,
    {
      what: 'the approval record’s message ts',
      everyMs: 20,
    },
  );
  return { id: approve!.value, ts, message: call.body };
}

let clicks = 0;

/**
 * Clicks Approve or Reject on the request as `userId` (signed); resolves with what the clicker was
 * told. Reject opens a modal asking why: it is submitted with `reason`, and the answer is the
 * ephemeral beside the request. A refusal (wrong role, already decided) comes on the response_url.
 */
export async function decideApproval(
  t: TestBot,
  ix: Interactions,
  request: { id: string; ts: string; channel: string },
  action: 'approve' | 'reject',
  userId: string,
  reason = 'Not this quarter: the destination is being moved.',
): Promise<string> {
  const responseId = `approval-click-${++clicks}`;
  const since = t.fakeSlack.calls.length;
  const res = await ix.clickMessage(
    {
      actionId: `approval.${action}`,
      value: request.id,
      channelId: request.channel,
      messageTs: request.ts,
      responseUrl: t.fakeSlack.responseUrl(responseId),
    },
    { userId },
  );
  expect(res.status).toBe(200);
  if (action === 'approve') return String((await t.answer(responseId)).text ?? '');
  const next = await t.fakeSlack.waitFor((): { text: string } | { modal: ShownView } | undefined => {
    const answered = t.fakeSlack.responsesTo(responseId)[0];
    if (answered) return { text: String(answered.body.text ?? '') };
    const modal = rejectModalSince(t, since);
    return modal ? { modal } : undefined;
  });
  if ('modal' in next) return submitRejectReason(t, ix, next.modal, reason, userId);
  return next.text;
}

/** The reject modal the bot opened after `since` recorded calls, as `ix.submit` takes it. */
export function rejectModalSince(t: TestBot, since: number): ShownView | undefined {
  const call = t.fakeSlack.calls
    .slice(since)
    .find(
      (c) =>
        c.method === 'views.open' &&
        (c.body.view as { callback_id?: string } | undefined)?.callback_id === 'approval.reject.reason',
    );
  return call
    ? { id: `V${call.at}`, hash: 'hash-reject', view: call.body.view as Json, method: 'views.open', call }
    : undefined;
}

/**
 * Clicks Reject on the request's message as `who` (signed, as Slack sends it); resolves with the
 * modal that asks why, as `ix.submit` takes it. `tag` names the click's response URL.
 */
export async function openRejectModal(
  t: TestBot,
  ix: Interactions,
  request: { id: string; ts: string; channel: string },
  who: { userId: string; teamId?: string },
  tag: string,
): Promise<ShownView> {
  const since = t.fakeSlack.calls.length;
  const click = await ix.clickMessage(
    {
      actionId: 'approval.reject',
      value: request.id,
      channelId: request.channel,
      messageTs: request.ts,
      responseUrl: t.fakeSlack.responseUrl(tag),
    },
    who,
  );
  expect(click.status).toBe(200);
  return t.fakeSlack.waitFor(() => rejectModalSince(t, since));
}

/** Submits the reject modal with `reason`; resolves with the ephemeral the approver gets beside the request. */
export async function submitRejectReason(
  t: TestBot,
  ix: Interactions,
  modal: ShownView,
  reason: string,
  userId: string,
): Promise<string> {
  const since = t.fakeSlack.calls.length;
  const submitted = await ix.submit(modal, { reason }, { userId });
  expect(submitted.status).toBe(200);
  expect(submitted.body).toBeUndefined(); // the modal closes
  const told = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls.slice(since).find((c) => c.method === 'chat.postEphemeral' && c.body.user === userId),
  );
  return String(told.body.text ?? '');
}

/** The OMS prefix task's create form as a test fills it (its field names, the modal's values). */
export const OMS_TASK_FORM: Readonly<Record<string, string>> = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'src-bucket',
  src_objects: 'photos/',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
};
