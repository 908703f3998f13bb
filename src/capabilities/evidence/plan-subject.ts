import { NotFoundError } from '../../errors.js';
import type { PlanStore } from '../plans/plan-store.js';
import type { PlanSubject } from './evidence-bundle.js';

/** A plan's id as `/migrate plan` names it: `p` and six hex digits. */
export const PLAN_ID = /^p[0-9a-f]{6}$/;

/** The plan `id` of workspace `team` as a bundle's subject: its resources and the plan as stored. */
export async function planSubject(
  plans: Pick<PlanStore, 'get'>,
  team: string,
  id: string,
): Promise<PlanSubject> {
  const plan = PLAN_ID.test(id) ? await plans.get(team, id) : undefined;
  if (!plan) throw new NotFoundError(`No plan ${id} in this workspace.`);
  return { id: plan.id, resources: plan.resources, record: plan };
}
