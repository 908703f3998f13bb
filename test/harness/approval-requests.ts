import { expect } from 'vitest';
import type { Interactions } from './interactions.js';
import { buttons, type TestBot } from './test-bot.js';

type Json = Record<string, unknown>;

/**
 * The approval request the bot posted in `channel` after `since` recorded calls: its id (the
 * Approve button's value), its ts once the record has it, and the message as posted.
 */
export async function postedApproval(
  t: TestBot,
  where: { team: string; channel: string },
  since: number,
): Promise<{ id: string; ts: string; message: Json }> {
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .filter((c) => c.method === 'chat.postMessage' && c.body.channel === where.channel)
      .at(-1),
  );
  const approve = buttons(call.body).find((b) => b.action_id === 'approval.approve');
  expect(approve).toBeDefined();
  // The record learns the message's ts right after the post.
  for (let i = 0; i < 100; i++) {
    const record = await t.bot.deps.approvals.get(where.team, approve!.value);
    if (record.message) return { id: approve!.value, ts: record.message.ts, message: call.body };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the approval record never got its message ts');
}

let clicks = 0;

/** Clicks Approve or Reject on the request as `userId` (signed); resolves with what the clicker was told. */
export async function decideApproval(
  t: TestBot,
  ix: Interactions,
  request: { id: string; ts: string; channel: string },
  action: 'approve' | 'reject',
  userId: string,
): Promise<string> {
  const responseId = `approval-click-${++clicks}`;
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
  return String((await t.answer(responseId)).text ?? '');
}
