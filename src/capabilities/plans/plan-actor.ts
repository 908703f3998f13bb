import { randomUUID } from 'node:crypto';
import { channelScope } from '../../access/policy.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import type { CapabilityCore } from '../capability.js';
import type { Plan } from './plan-types.js';

/**
 * A plan acts as its owner, through the same use case as their own buttons (`actOnResource`):
 * the policy is asked again each time in the plan's channel (an owner whose role was taken away no
 * longer starts anything through their plan), and the audit log records each start as theirs,
 * naming the plan and its wave. Its provider calls are the use case's own.
 */
export function planActor(core: CapabilityCore) {
  function contextOf(plan: Plan, wave: number): UseCaseContext {
    const opId = randomUUID().slice(0, 8);
    const logger = core.logger.child({ op: opId, team: plan.teamId, plan: plan.id });
    let allowed = false;
    const said = `plan ${plan.id} (${plan.name}), wave ${wave}`;
    return {
      teamId: plan.teamId,
      userId: plan.owner,
      channelId: plan.channel,
      opId,
      logger,
      deps: {
        clock: core.clock,
        resolver: core.resolver,
        watcher: core.watcher,
        lastActions: core.lastActions,
      },
      here: channelScope(plan.channel),
      async require(capability, scope, what) {
        const role = await core.access.require(
          { teamId: plan.teamId, userId: plan.owner },
          capability,
          scope,
          what,
        );
        allowed = true;
        return role;
      },
      async audited(action, target, work) {
        if (!allowed) throw new Error(`"${action}" reached the audit log without a policy decision`);
        const entry = {
          team: plan.teamId,
          user: plan.owner,
          channel: plan.channel,
          action,
          target,
          op: opId,
        };
        try {
          const result = await work();
          await core.audit.record({ ...entry, result: 'ok', detail: said });
          return result;
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          await core.audit
            .record({ ...entry, result: 'failed', detail: `${said}: ${why}`.slice(0, 500) })
            .catch(() => undefined);
          throw error;
        }
      },
    };
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
