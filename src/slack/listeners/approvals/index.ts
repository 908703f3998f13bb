import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Decision } from '../../../approvals/approval-service.js';
import { InvalidInputError } from '../../../errors.js';
import { APPROVE_ACTION, outcomeLine, REJECT_ACTION } from '../../blocks/approval-request.js';
import { code } from '../../blocks/mrkdwn.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';

const approvalId = z.string().regex(/^[a-f0-9]{10}$/);

/** Approve / Reject on an approval request. The confirm dialog already ran on the client. */
export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, decisionButton(deps, 'approve'));
  app.action<BlockAction<ButtonAction>>(REJECT_ACTION, decisionButton(deps, 'reject'));
}

export function decisionButton(deps: AppDeps, mode: 'approve' | 'reject') {
  return buttonHandler(deps, async (ctx, args) => {
    const id = approvalId.safeParse(args.action.value);
    if (!id.success) throw new InvalidInputError('This button is from an older version of the bot.');
    const input = { team: ctx.teamId, id: id.data, by: ctx.userId, channel: ctx.channelId, op: ctx.opId };
    const decision =
      mode === 'approve' ? await deps.approvals.approve(input) : await deps.approvals.reject(input);
    await ctx.reply({ text: decisionReply(decision, ctx.userId) });
  });
}

/** What the person who clicked is told (only them). */
export function decisionReply(decision: Decision, clicker: string): string {
  const r = decision.record;
  switch (decision.outcome) {
    case 'created':
      return `:white_check_mark: Approved. Created ${code(`${r.connection}:${r.resourceId ?? ''}`)}; its card is in <#${r.channel}> and <@${r.requester}> was told.`;
    case 'failed':
      return `:x: Approved, but creating failed; the request message says why. <@${r.requester}> was told.`;
    case 'rejected':
      return `:no_entry_sign: Rejected. Nothing was created, and <@${r.requester}> was told.`;
    case 'expired':
      return `:hourglass: Request ${code(r.id)} had expired, so nothing was created. <@${r.requester}> was told and can ask again.`;
    case 'already-decided':
      return r.decidedBy === clicker
        ? `You already decided on request ${code(r.id)}: ${outcomeLine(r)}`
        : `Request ${code(r.id)} was already decided: ${outcomeLine(r)}`;
  }
}
