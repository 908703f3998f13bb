import type { BlockAction, ButtonAction } from '@slack/bolt';
import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { InvalidInputError } from '../../errors.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { openCreate } from '../../slack/listeners/views/create-flow.js';
import { approvePlan, rejectPlan, submitPlan } from './plan-approval.js';
import { APPROVAL_ACTIONS } from './plan-approval-post.js';
import { findPlan } from './plan-command.js';
import { PLAN_FIELD } from './plan-planned.js';
import type { PlansState } from './plan-service.js';

/** Submit for approval on the card (the owner); Approve and Reject on the plan's approval request. */
export const SUBMIT_ACTION = 'plan.submit';
export const NEW_MIGRATION_ACTION = 'plan.newMigration';

type StateOf = (ctx: HandlerContext) => PlansState;

export function planApprovalButtons(routes: ListenerRoutes, stateOf: StateOf): void {
  // New migration in this plan: the create form, its Plan field filled (the plan's channel).
  routes.action<BlockAction<ButtonAction>>(
    NEW_MIGRATION_ACTION,
    buttonHandler(async (ctx, args) => {
      const plan = await findPlan(ctx, stateOf(ctx), String(args.action.value ?? '').slice(0, 20));
      await ctx.require('operate', channelScope(plan.channel), 'plan migrations in a plan');
      await ctx.require('create', channelScope(plan.channel), 'ask for new migrations');
      const triggerId = args.body.trigger_id;
      if (!triggerId) throw InvalidInputError.of('create.error.noTrigger');
      const tr = await ctx.translator('person');
      const asked = { teamId: ctx.teamId, userId: ctx.userId, channelId: plan.channel, tr };
      await openCreate(
        ctx.deps,
        { ...asked, values: { [PLAN_FIELD]: plan.name } },
        triggerId,
        [],
        ctx.logger,
      );
    }),
  );
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
