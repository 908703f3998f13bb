import type { BlockAction, ButtonAction } from '@slack/bolt';
import { buttonHandler } from '../../slack/button-handler.js';
import type { HandlerContext } from '../../slack/context.js';
import type { ListenerRoutes } from '../../slack/listeners/router.js';
import { approvePlan, rejectPlan, submitPlan } from './plan-approval.js';
import { APPROVAL_ACTIONS } from './plan-approval-post.js';
import { findPlan } from './plan-command.js';
import type { PlansState } from './plan-service.js';

/** Submit for approval on the card (the owner); Approve and Reject on the plan's approval request. */
export const SUBMIT_ACTION = 'plan.submit';

type StateOf = (ctx: HandlerContext) => PlansState;

export function planApprovalButtons(routes: ListenerRoutes, stateOf: StateOf): void {
  routes.action<BlockAction<ButtonAction>>(
    SUBMIT_ACTION,
    buttonHandler(async (ctx, args) => {
      const s = stateOf(ctx);
      const plan = await findPlan(ctx, s, String(args.action.value ?? '').slice(0, 20));
      const text = await submitPlan(ctx, s, plan, await ctx.translator('person'));
      await ctx.reply({ text, replaceOriginal: false });
    }),
  );
  for (const [name, decide] of [
    [APPROVAL_ACTIONS.approve, approvePlan],
    [APPROVAL_ACTIONS.reject, rejectPlan],
  ] as const)
    routes.action<BlockAction<ButtonAction>>(
      name,
      buttonHandler(async (ctx, args) => {
        const s = stateOf(ctx);
        const [id = '', round = ''] = String(args.action.value ?? '').split(':');
        const plan = await findPlan(ctx, s, id.slice(0, 20));
        const text = await decide(ctx, s, plan, Number(round.slice(0, 6)), await ctx.translator('person'));
        await ctx.reply({ text, replaceOriginal: false });
      }),
    );
}
