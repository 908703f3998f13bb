import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { findResource, type ResourceTarget, type UseCaseContext } from './context.js';

export interface Shown {
  resource: MigrationResource;
  /** What its state allows now. */
  actions: ResourceAction[];
}

/** Status: `/migrate status`, a card's Refresh, Open from a list, a picker or the Home tab. */
export async function showResource(ctx: UseCaseContext, target: ResourceTarget): Promise<Shown> {
  await ctx.require('view', 'see migrations');
  const { provider, resource } = await findResource(ctx, target);
  return { resource, actions: provider.actionsFor(resource) };
}
