import { WORKSPACE } from '../access/policy.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { findResource, type ResourceTarget, titleOf, type UseCaseContext } from './context.js';

export interface DeletePlan {
  resource: MigrationResource;
  actions: ResourceAction[];
  /** `delete` or `cancel` when the state allows one; undefined when it must be paused first. */
  destructive: 'delete' | 'cancel' | undefined;
  /** The title its requester typed, where the provider named it itself. */
  title?: string;
}

/**
 * `/migrate delete <id>` never deletes: it finds what would be deleted and whether the state
 * allows it; the deletion itself is `actOnResource(…, 'delete')`, behind a confirmation.
 */
export async function planDelete(ctx: UseCaseContext, target: ResourceTarget): Promise<DeletePlan> {
  // Destroying a resource of a shared connection is decided for the workspace (see `scopeFor`).
  await ctx.require('delete', WORKSPACE, 'delete or cancel migrations');
  const { provider, resource } = await findResource(ctx, target);
  const actions = provider.actionsFor(resource);
  const destructive = actions.find((a): a is 'delete' | 'cancel' => a === 'delete' || a === 'cancel');
  return { resource, actions, destructive, title: await titleOf(ctx, resource) };
}
