import type { AccessControl } from '../../access/access-control.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../clock.js';
import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { ForbiddenError, InvalidInputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { BandwidthWindow, ResourceAction } from '../../providers/types.js';
import { backgroundActor } from '../../use-cases/act-in-background.js';
import { type ActingFor, actingAs } from '../../use-cases/acting-as.js';
import type { ResourceServices, UseCaseContext } from '../../use-cases/context.js';
import { requireBandwidth } from '../../use-cases/set-bandwidth.js';
import type { Watcher } from '../../watcher/watcher.js';
import { viaWindow, type WindowActed } from './window-acted.js';
import { capRules } from './window-cap.js';
import type { TimeWindow } from './window-store.js';

export interface WindowActorDeps {
  access: AccessControl;
  audit: AuditLog;
  resources: ResourceServices;
  watcher: Watcher;
  connections: ConnectionRegistry;
  logger: Logger;
  clock: Clock;
}

/**
 * A window acts as the person who set it, asking the policy what their own commands ask: a pause
 * or resume as their button (through the background actor all timed work shares), a cap or its
 * lifting as their `/migrate bandwidth` (`requireBandwidth`). Someone whose role was taken away no longer pauses or caps
 * anything through a window they set; the audit log records each as theirs, naming the window.
 * Its calls are on the background lane, and it reads nothing after them (the cycle does).
 */
export function windowActor(deps: WindowActorDeps) {
  const background = backgroundActor(deps);
  function who(w: TimeWindow, teamId: string, note?: WindowActed, detail?: string): ActingFor {
    return {
      teamId,
      userId: w.by,
      channelId: w.channelId,
      said: `window ${w.id} (${w.name})${detail ? `: ${detail}` : ''}`,
      log: { window: w.id },
      ...(note ? { extra: { via: viaWindow(note) } } : {}),
    };
  }
  const contextOf = (w: TimeWindow, teamId: string, note?: WindowActed, detail?: string): UseCaseContext =>
    actingAs(deps, who(w, teamId, note, detail));

  return {
    /** Pauses or resumes `r`, as the window's setter, through the background actor (its fact says which window). */
    async act(
      w: TimeWindow,
      teamId: string,
      r: MigrationResource,
      action: ResourceAction,
      note: WindowActed,
    ): Promise<void> {
      await background.act(who(w, teamId, note), r, action);
    },

    /**
     * Caps `r` at `bytesPerSecond` for the whole day, or lifts the cap (undefined): back to
     * `restore`, the rules a person had set before it. Both ask the policy as `/migrate bandwidth`
     * does. A lift the policy refuses is still made: it only puts back what was there before the
     * window capped it, while a cap left in place would throttle every day in the name of someone
     * who may no longer change it, with nobody's window left to lift it.
     */
    async limit(
      w: TimeWindow,
      teamId: string,
      r: MigrationResource,
      bytesPerSecond: number | undefined,
      restore: readonly BandwidthWindow[] = [],
    ): Promise<void> {
      const detail =
        bytesPerSecond !== undefined
          ? `${bytesPerSecond} B/s`
          : restore.length > 0
            ? `lifted; ${restore.length} rule(s) set by hand put back`
            : 'lifted';
      const rules = bytesPerSecond === undefined ? [...restore] : capRules(bytesPerSecond);
      try {
        // As `/migrate bandwidth` asks the policy and audits it, on the background lane, with no
        // read first: the window has the resource from its own list.
        const ctx = contextOf(w, teamId, undefined, detail);
        await requireBandwidth(ctx);
        const provider = deps.connections.provider(deps.connections.get(teamId, r.connection), 'background');
        const set = provider.setBandwidth?.bind(provider);
        if (!set)
          throw InvalidInputError.of('bandwidth.error.notOffered', { provider: provider.id, kind: r.kind });
        await ctx.audited('bandwidth', `${r.connection}:${r.id}`, () => set(r.kind, r.id, rules));
      } catch (error) {
        if (bytesPerSecond !== undefined || !(error instanceof ForbiddenError)) throw error;
        const connection = deps.connections.get(teamId, r.connection);
        await deps.connections.provider(connection, 'background').setBandwidth?.(r.kind, r.id, rules);
        await deps.audit.record({
          team: teamId,
          user: w.by,
          ...(w.channelId ? { channel: w.channelId } : {}),
          action: 'bandwidth',
          target: `${r.connection}:${r.id}`,
          result: 'ok',
          detail: `window ${w.id} (${w.name}): ${detail}, though its setter may no longer change bandwidth limits (only what was there before the cap is put back)`,
          op: `win-${w.id}`,
        });
      }
    },
  };
}

/** What a window does through its setter's commands (see `windowActor`). */
export type WindowActor = ReturnType<typeof windowActor>;
