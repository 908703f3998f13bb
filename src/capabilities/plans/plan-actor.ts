import type { CapabilityCore } from '../../contract/capability.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { backgroundActor } from '../../use-cases/act-in-background.js';
import type { Plan } from './plan-types.js';

/**
 * A plan acts as its owner through the background actor windows use (ADR 0014): the policy is
 * asked again each time in the plan's channel (an owner whose role was taken away no longer starts
 * anything through their plan), the audit log records each start as theirs, naming the plan and
 * its wave, and the next cycle draws what it did. The start rules are asked once, by the gate pass.
 */
export function planActor(core: CapabilityCore) {
  const background = backgroundActor(core);
  return {
    /** Starts (resumes) one resource of wave `wave`, as the plan's owner. */
    async act(
      plan: Plan,
      wave: number,
      r: { connection: string; kind: ResourceKind; id: string },
      action: ResourceAction,
    ): Promise<void> {
      await background.act(
        {
          teamId: plan.teamId,
          userId: plan.owner,
          channelId: plan.channel,
          said: `plan ${plan.id} (${plan.name}), wave ${wave}`,
          log: { plan: plan.id },
        },
        { connection: r.connection, kind: r.kind, id: r.id },
        action,
      );
    },
  };
}

export type PlanActor = ReturnType<typeof planActor>;
