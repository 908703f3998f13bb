import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Decision } from '../../../approvals/approval-service.js';
import { InvalidInputError } from '../../../errors.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { APPROVE_ACTION, outcomeLine, REJECT_ACTION } from '../../blocks/approval-request.js';
import { code } from '../../blocks/mrkdwn.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import type { ListenerRoutes } from '../router.js';

const approvalId = z.string().regex(/^[a-f0-9]{10}$/);

/** Approve / Reject on an approval request. The confirm dialog already ran on the client. */
export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.action<BlockAction<ButtonAction>>(APPROVE_ACTION, decisionButton(deps, 'approve'));
  routes.action<BlockAction<ButtonAction>>(REJECT_ACTION, decisionButton(deps, 'reject'));
}

export function decisionButton(deps: AppDeps, mode: 'approve' | 'reject') {
  return buttonHandler(deps, async (ctx, args) => {
    const id = approvalId.safeParse(args.action.value);
    if (!id.success) throw new InvalidInputError('This button is from an older version of the bot.');
    const input = { team: ctx.teamId, id: id.data, by: ctx.userId, channel: ctx.channelId, op: ctx.opId };
    const decision =
      mode === 'approve' ? await deps.approvals.approve(input) : await deps.approvals.reject(input);
    // Only the clicker sees it: their language, not the channel's.
    await ctx.reply({ text: decisionReply(decision, ctx.userId, await ctx.translator('person')) });
  });
}

/** What the person who clicked is told (only them). */
export function decisionReply(decision: Decision, clicker: string, tr: Translator = ENGLISH): string {
  const r = decision.record;
  const requester = `<@${r.requester}>`;
  switch (decision.outcome) {
    case 'created':
      return tr.t('approval.decided.created', {
        ref: code(`${r.connection}:${r.resourceId ?? ''}`),
        channel: `<#${r.channel}>`,
        requester,
      });
    case 'failed':
      return tr.t(r.failure?.outcomeUnknown ? 'approval.decided.unknown' : 'approval.decided.failed', {
        requester,
      });
    case 'rejected':
      return tr.t('approval.decided.rejected', { requester });
    case 'expired':
      return tr.t('approval.decided.expired', { id: code(r.id), requester });
    case 'already-decided':
      return tr.t(r.decidedBy === clicker ? 'approval.decided.byYou' : 'approval.decided.already', {
        id: code(r.id),
        outcome: outcomeLine(r, tr),
      });
  }
}
