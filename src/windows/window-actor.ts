import { randomUUID } from 'node:crypto';
import type { AccessControl } from '../access/access-control.js';
import { channelScope, WORKSPACE } from '../access/policy.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import type { Logger } from '../logger.js';
import type { ResourceAction } from '../providers/types.js';
import type { LastActions, WindowActed } from '../resources/last-actions.js';
import type { ResourceResolver } from '../resources/resolve-resource.js';
import { actOnResource } from '../use-cases/act-on-resource.js';
import type { UseCaseContext } from '../use-cases/context.js';
import type { Watcher } from '../watcher/watcher.js';
import type { TimeWindow } from './window-store.js';

export interface WindowActorDeps {
  access: AccessControl;
  audit: AuditLog;
  resolver: ResourceResolver;
  watcher: Watcher;
  lastActions: LastActions;
  logger: Logger;
  clock: Clock;
}

/**
 * A window acts as the person who set it, through the same use case as their button: the policy
 * is asked again each time (someone whose operator role was taken away no longer pauses anything
 * through a window they set), and the audit log records it as theirs, naming the window.
 */
export function windowActor(deps: WindowActorDeps) {
  return async (
    w: TimeWindow,
    teamId: string,
    r: MigrationResource,
    action: ResourceAction,
    note: WindowActed,
  ): Promise<void> => {
    const opId = randomUUID().slice(0, 8);
    const logger = deps.logger.child({ op: opId, team: teamId, window: w.id });
    let allowed = false;
    const ctx: UseCaseContext = {
      teamId,
      userId: w.by,
      channelId: w.channelId,
      opId,
      logger,
      deps: {
        clock: deps.clock,
        resolver: deps.resolver,
        watcher: deps.watcher,
        lastActions: deps.lastActions,
      },
      here: w.channelId ? channelScope(w.channelId) : WORKSPACE,
      window: note,
      async require(capability, scope, what) {
        const role = await deps.access.require({ teamId, userId: w.by }, capability, scope, what);
        allowed = true;
        return role;
      },
      async audited(action, target, work) {
        if (!allowed) throw new Error(`"${action}" reached the audit log without a policy decision`);
        const entry = { team: teamId, user: w.by, channel: w.channelId, action, target, op: opId };
        const detail = `window ${w.id} (${w.name})`;
        try {
          const result = await work();
          await deps.audit.record({ ...entry, result: 'ok', detail });
          return result;
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          await deps.audit
            .record({ ...entry, result: 'failed', detail: `${detail}: ${why}`.slice(0, 500) })
            .catch(() => undefined);
          throw error;
        }
      },
    };
    await actOnResource(ctx, { exact: { connection: r.connection, kind: r.kind, id: r.id } }, action);
  };
}
