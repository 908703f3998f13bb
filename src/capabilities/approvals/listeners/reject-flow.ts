import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { HandlerContext } from '../../../contract/handler-context.js';
import { type ButtonArgs, whoClicked } from '../../../slack/button-handler.js';
import { type AppDeps, modalContext } from '../../../slack/context.js';
import { homeContext } from '../../../slack/home/home-context.js';
import { runSafely } from '../../../slack/intake/run-safely.js';
import { approvalScope } from '../approval-scope.js';
import { approvalsOf } from '../approvals-state.js';
import {
  decodeRejectMetadata,
  REASON_ACTION,
  REASON_BLOCK,
  type RejectMetadata,
  renderRejectModal,
} from '../blocks/approval-reject.js';
import { APPROVAL_WORDS } from '../words.js';
import { decisionReply } from './decision-reply.js';
import { requestIdOf } from './request-id.js';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Reject, on the request message or the Home tab: the policy is asked first (an operator is told
 * at once, not after typing a reason), then a modal asks why. A request already decided is
 * answered as its Approve would be.
 */
export function openRejectModal(deps: AppDeps, from: RejectMetadata['from']) {
  return async (ctx: HandlerContext, args: ButtonArgs): Promise<void> => {
    const record = await approvalsOf(deps).get(ctx.teamId, requestIdOf(args.action.value));
    const tr = await ctx.translator('person');
    if (record.status !== 'pending') {
      await ctx.reply(decisionReply({ outcome: 'already-decided', record }, ctx.userId, tr));
      return;
    }
    // Where the answer goes: beside the request message, or the Home tab (which has no channel).
    const channel = from === 'message' ? (ctx.channelId ?? record.channel) : record.channel;
    // Asked as the service will ask it on submission (`approvalScope`), so a refusal comes now.
    await ctx.require('approve', approvalScope(record), 'reject migration requests');
    await deps.slack.sender
      .to(ctx.teamId, { client: args.client })
      .openView(args.body.trigger_id, renderRejectModal(record, { id: record.id, channel, from }, tr));
  };
}

/**
 * The reason was given: the modal closes at once, the service rejects (asking the policy where
 * the request is decided, as for the message's buttons) and the approver is answered where they
 * clicked.
 */
export function rejectSubmission(deps: AppDeps) {
  return async ({ ack, body, view, client }: SubmitArgs): Promise<void> => {
    const { teamId, userId } = whoClicked(body);
    const tr = await deps.slack.locales.translatorForUser(teamId, userId);
    const reason = view.state.values[REASON_BLOCK]?.[REASON_ACTION]?.value?.trim();
    if (!reason) {
      await deps.slack.sender.to(teamId).ack(ack, {
        response_action: 'errors',
        errors: { [REASON_BLOCK]: tr.with(APPROVAL_WORDS).t('approval.rejectModal.missing') },
      });
      return;
    }
    let meta: RejectMetadata;
    try {
      meta = decodeRejectMetadata(view.private_metadata);
    } catch (error) {
      await ack();
      deps.logger.warn({ err: error }, 'a reject modal came back without its request');
      return;
    }
    await ack();
    // Where the approver clicked: the Home tab redrawn, or an ephemeral beside the request.
    const what = 'approval.reject';
    const ctx =
      meta.from === 'home'
        ? homeContext(deps, { teamId, userId, what }, client)
        : modalContext(deps, { teamId, userId, channelId: meta.channel, what });
    await runSafely(ctx, async () => {
      const decision = await approvalsOf(deps).reject({
        team: teamId,
        id: meta.id,
        by: userId,
        channel: meta.channel,
        op: ctx.opId,
        reason,
      });
      await ctx.reply(decisionReply(decision, userId, tr));
    });
  };
}
