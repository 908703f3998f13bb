import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { HandlerContext } from '../../../contract/handler-context.js';
import type { ListenerRoutes } from '../../../contract/listeners.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../../slack/button-handler.js';
import type { AppDeps } from '../../../slack/context.js';
import { approvalsOf } from '../approvals-state.js';
import {
  HOME_APPROVE_ACTION,
  HOME_CANCEL_START_ACTION,
  HOME_REJECT_ACTION,
} from '../blocks/approval-home.js';
import { REJECT_REASON_VIEW } from '../blocks/approval-reject.js';
import { APPROVE_ACTION, CANCEL_START_ACTION, REJECT_ACTION } from '../blocks/approval-request.js';
import { requesterWords } from '../blocks/approval-words.js';
import { POLICY_CHECK_ACTION } from '../create-form.js';
import { APPROVAL_WORDS } from '../words.js';
import { decisionReply } from './decision-reply.js';
import { policyCheck } from './policy-check.js';
import { openRejectModal, rejectSubmission } from './reject-flow.js';
import { requestIdOf } from './request-id.js';

export { decisionReply } from './decision-reply.js';

/**
 * Approve and Reject, on the request message and on the approver's Home tab. Approve ran its
 * confirm dialog on the client; Reject opens a modal asking why. Every decision goes through the
 * approval service, which asks the policy for `approve` in the request's channel. And the create
 * form's "Check against policy", a dry run of the request as typed.
 */
export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.action<BlockAction<ButtonAction>>(APPROVE_ACTION, approveButton(deps));
  routes.action<BlockAction<ButtonAction>>(REJECT_ACTION, buttonHandler(openRejectModal(deps, 'message')));
  routes.action<BlockAction<ButtonAction>>(HOME_APPROVE_ACTION, homeApproveButton(deps));
  routes.action<BlockAction<ButtonAction>>(HOME_REJECT_ACTION, buttonHandler(openRejectModal(deps, 'home')));
  routes.view<ViewSubmitAction>(REJECT_REASON_VIEW, rejectSubmission(deps));
  routes.action<BlockAction<ButtonAction>>(
    CANCEL_START_ACTION,
    buttonHandler((ctx, args) => cancelStart(deps, ctx, args.action.value)),
  );
  routes.action<BlockAction<ButtonAction>>(
    HOME_CANCEL_START_ACTION,
    buttonHandler((ctx, args) => cancelStart(deps, ctx, args.action.value)),
  );
  routes.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: POLICY_CHECK_ACTION },
    policyCheck(deps),
  );
}

/** "Cancel start" on a request approved to start later: the service lets its requester or an admin. */
async function cancelStart(deps: AppDeps, ctx: HandlerContext, value: string | undefined): Promise<void> {
  const record = await approvalsOf(deps).cancelStart({
    team: ctx.teamId,
    id: requestIdOf(value),
    by: ctx.userId,
    channel: ctx.channelId,
    op: ctx.opId,
  });
  const tr = await ctx.translator('person');
  await ctx.reply({
    text: tr
      .with(APPROVAL_WORDS)
      .t('approval.cancelStart.done', { id: code(record.id), requester: requesterWords(record, tr) }),
  });
}

function approveButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const id = requestIdOf(args.action.value);
    const input = { team: ctx.teamId, id, by: ctx.userId, channel: ctx.channelId, op: ctx.opId };
    const decision = await approvalsOf(deps).approve(input);
    // Only the clicker sees it: their language, not the channel's.
    await ctx.reply(decisionReply(decision, ctx.userId, await ctx.translator('person')));
  });
}

/** Approve on the Home tab: the service decides it where the message's button would (`approvalScope`). */
function homeApproveButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const record = await approvalsOf(deps).get(ctx.teamId, requestIdOf(args.action.value));
    const decision = await approvalsOf(deps).approve({
      team: ctx.teamId,
      id: record.id,
      by: ctx.userId,
      channel: record.channel,
      op: ctx.opId,
    });
    await ctx.reply(decisionReply(decision, ctx.userId, await ctx.translator('person')));
  });
}
