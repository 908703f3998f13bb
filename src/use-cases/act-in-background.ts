import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { ResourceAction } from '../providers/types.js';
import { capabilityFor, destroys, scopeFor } from '../resources/perform-action.js';
import { type ActingAsDeps, type ActingFor, actingAs } from './acting-as.js';

/** What the background actor is made from: a background context's deps and the connections. */
export interface BackgroundActorDeps extends ActingAsDeps {
  connections: ConnectionRegistry;
}

/**
 * The one way timed work (a window's edge, a plan's wave) pauses or resumes a migration (ADR
 * 0014): as the person who set it up, the policy asked as their button would, the action audited
 * as theirs, on the background lane, and nothing read after it. The watches of the resource note
 * who asked; the watcher's next cycle observes what the action did and draws each card once.
 * A start's rules (a freeze) are the caller's to ask, once, before it calls.
 */
export function backgroundActor(deps: BackgroundActorDeps) {
  return {
    async act(
      who: ActingFor,
      r: { connection: string; kind: ResourceKind; id: string },
      action: ResourceAction,
    ): Promise<void> {
      const ctx = actingAs(deps, who);
      await ctx.require(capabilityFor(action), scopeFor(action, ctx.here), `${action} migrations`);
      const provider = deps.connections.provider(
        deps.connections.get(who.teamId, r.connection),
        'background',
      );
      const run = provider[action]?.bind(provider);
      if (!run || destroys(action))
        throw InvalidInputError.of('action.error.notOffered', {
          provider: provider.id,
          kind: r.kind,
          action,
        });
      await ctx.audited(action, `${r.connection}:${r.id}`, () => run(r.kind, r.id));
      const via = who.extra?.via;
      const requested = { action, by: who.userId, at: deps.clock.now(), ...(via ? { via } : {}) };
      await deps.resources.lastActions.note(who.teamId, r, requested);
      await deps.watcher.notes.requested(who.teamId, r, requested);
    },
  };
}

export type BackgroundActor = ReturnType<typeof backgroundActor>;
