import type { CapabilityCore } from '../../contract/capability.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import { actingAs } from '../../use-cases/acting-as.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import type { Plan } from './plan-types.js';

/**
 * A plan acts as its owner, through the same use case as their own buttons (`actOnResource`):
 * the policy is asked again each time in the plan's channel (an owner whose role was taken away no
 * longer starts anything through their plan), and the audit log records each start as theirs,
 * naming the plan and its wave. Its provider calls are the use case's own.
 */
export function planActor(core: CapabilityCore) {
  function contextOf(plan: Plan, wave: number): UseCaseContext {
    return actingAs(core, {
      teamId: plan.teamId,
      userId: plan.owner,
      channelId: plan.channel,
      said: `plan ${plan.id} (${plan.name}), wave ${wave}`,
      log: { plan: plan.id },
    });
  }

  return {
    /** Starts (resumes) one resource of wave `wave`, as the plan's owner. */
    async act(
      plan: Plan,
      wave: number,
      r: { connection: string; kind: ResourceKind; id: string },
      action: ResourceAction,
    ): Promise<void> {
      await actOnResource(
        contextOf(plan, wave),
        { exact: { connection: r.connection, kind: r.kind, id: r.id } },
        action,
      );
    },
  };
}

export type PlanActor = ReturnType<typeof planActor>;
