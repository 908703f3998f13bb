import { WORKSPACE } from '../access/policy.js';
import { roleAllows } from '../access/roles.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import type { LastAction } from '../resources/last-actions.js';
import { capabilityFor, scopeFor } from '../resources/perform-action.js';
import { findResource, type ResourceTarget, titleOf, type UseCaseContext } from './context.js';

export interface Shown {
  resource: MigrationResource;
  /** What its state allows now. */
  actions: ResourceAction[];
  /** Of those, what the person asking may do (a reply only they see offers only these). */
  mayUse: ResourceAction[];
  /** Whether they may watch it (needs operate). */
  mayWatch: boolean;
  /** Whether they may fix its connection's keys (admins). */
  mayManage?: boolean;
  /** Who last acted on it through the bot ("Paused by @Bob · 2 min ago"). */
  lastAction?: LastAction;
  /** The title its requester typed, when an approval created it under a name the provider made up. */
  title?: string;
  /**
   * The capabilities' facts of it, by capability name (`StartedCapabilities.factsOf`), as its watched
   * card has them on its record: the windows covering it, who is on its failure.
   */
  facts?: Readonly<Record<string, unknown>>;
}

/** Status: `/migrate status`, a card's Refresh, Open from a list, a picker or the Home tab. */
export async function showResource(ctx: UseCaseContext, target: ResourceTarget): Promise<Shown> {
  const role = await ctx.require('view', ctx.here, 'see migrations');
  const { provider, resource } = await findResource(ctx, target);
  const actions = provider.actionsFor(resource);
  // Delete and Cancel are decided for the workspace: a channel's admin is not offered them.
  const destroys = actions.some((a) => scopeFor(a, ctx.here) !== ctx.here);
  const workspaceRole =
    destroys && roleAllows(role, 'delete') && ctx.here !== WORKSPACE
      ? await ctx.require('view', WORKSPACE, 'see migrations')
      : role;
  return shownWith(ctx, resource, {
    actions,
    mayUse: actions.filter((a) =>
      roleAllows(scopeFor(a, ctx.here) === ctx.here ? role : workspaceRole, capabilityFor(a)),
    ),
    mayWatch: roleAllows(role, 'operate'),
    mayManage: roleAllows(role, 'manage'),
  });
}

/**
 * A resource read already (by an action's refusal, say), with what the bot knows about it beside
 * the provider: who last acted, its title, who is on its failure, the windows covering it (the capabilities' facts).
 * Asks no provider.
 */
export async function shownWith(
  ctx: UseCaseContext,
  resource: MigrationResource,
  may: Pick<Shown, 'actions' | 'mayUse' | 'mayWatch' | 'mayManage'>,
): Promise<Shown> {
  const { capabilities, resources } = ctx.deps;
  const ref = `${resource.connection}:${resource.id}`;
  const [lastAction, title, facts] = await Promise.all([
    resources.lastActions.get(ctx.teamId, resource).catch(() => undefined),
    titleOf(ctx, resource),
    capabilities?.factsOf
      ? capabilities
          .factsOf(ctx.teamId, [resource], ctx.deps.clock.now())
          .then((byRef) => byRef.get(ref))
          .catch(() => undefined)
      : undefined,
  ]);
  return { lastAction, title, resource, ...(facts ? { facts } : {}), ...may };
}
