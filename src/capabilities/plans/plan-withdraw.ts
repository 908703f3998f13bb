import { SKIP } from '../../store/atomic-kv.js';
import { drawApproval } from './plan-approval-post.js';
import { CAPABILITY, drawCard, type PlansState } from './plan-service.js';
import type { Plan } from './plan-types.js';

/** The plan changed by `fn`, its approval withdrawn if it was submitted or approved (pure). */
export function withdrawing(p: Plan, by: string, what: string, now: number): Plan {
  const a = p.approval;
  if (!a || (a.state !== 'pending' && a.state !== 'approved')) return p;
  return { ...p, approval: { ...a, state: 'withdrawn', withdrawn: { by, at: now, what } } };
}

/**
 * Changes the plan by compare-and-set as `fn` says; an edit of a submitted or approved plan
 * withdraws its approval in the same write. `withdrew` says whether this write did.
 */
export async function editPlan(
  s: PlansState,
  teamId: string,
  id: string,
  edit: { by: string; what: string },
  fn: (plan: Plan) => Plan | typeof SKIP,
): Promise<{ plan: Plan | undefined; withdrew: boolean }> {
  let withdrew = false;
  const now = s.core.clock.now();
  const plan = await s.store.change(teamId, id, (p) => {
    withdrew = false;
    const next = fn(p);
    if (next === SKIP) return SKIP;
    const after = withdrawing(next, edit.by, edit.what, now);
    withdrew = after !== next;
    return after;
  });
  return { plan, withdrew: withdrew && plan !== undefined };
}

/**
 * Says a withdrawal where it matters, through the one outbox: the approval request's post is
 * redrawn (withdrawn, no buttons), each approver who had approved it is told in a direct message,
 * and the card says it needs submitting again.
 */
export async function toldWithdrawn(s: PlansState, plan: Plan): Promise<void> {
  const a = plan.approval;
  if (a?.state !== 'withdrawn' || !a.withdrawn) return;
  await drawApproval(s, plan);
  for (const approver of a.votes ?? []) {
    try {
      await s.posts.show(
        plan.teamId,
        { capability: CAPABILITY, id: `${plan.id}-withdrawn-${a.round}-${approver}`, channel: approver },
        {
          kind: 'withdrawn',
          id: plan.id,
          name: plan.name,
          channel: plan.channel,
          by: a.withdrawn.by,
          what: a.withdrawn.what,
        },
      );
    } catch (error) {
      s.core.logger.warn({ err: error, plan: plan.id }, 'an approver was not told of the withdrawal');
    }
  }
  await s.core.audit
    .record({
      team: plan.teamId,
      user: a.withdrawn.by,
      channel: plan.channel,
      action: 'plan.withdraw',
      target: plan.id,
      result: 'ok',
      detail: `approval withdrawn: ${a.withdrawn.what}`.slice(0, 500),
      op: `plan-${plan.id}`,
    })
    .catch(() => undefined);
  await drawCard(s, plan);
}
