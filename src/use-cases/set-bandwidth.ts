import type { Role } from '../access/roles.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { BandwidthWindow, MigrationProvider } from '../providers/types.js';
import { findResource, type ResourceTarget, type UseCaseContext } from './context.js';

/**
 * What changing a resource's bandwidth rules needs of the policy: operate, where it is asked. A
 * person's `/migrate bandwidth` and a time window's cap (as the person who set it) ask the same.
 */
export function requireBandwidth(ctx: UseCaseContext): Promise<Role> {
  return ctx.require('operate', ctx.here, 'change bandwidth limits');
}

/**
 * Sets the bandwidth rules of an OMS task or task group (none: no limits), after the policy
 * allowed it, audited. `/migrate bandwidth` and time windows come here.
 */
export async function setBandwidth(
  ctx: UseCaseContext,
  target: ResourceTarget,
  rules: readonly BandwidthWindow[],
): Promise<{ provider: MigrationProvider; resource: MigrationResource }> {
  await requireBandwidth(ctx);
  const { provider, resource } = await findResource(ctx, target);
  if (!provider.setBandwidth) {
    throw InvalidInputError.of('bandwidth.error.notOffered', {
      provider: provider.id,
      kind: resource.kind,
    });
  }
  const set = provider.setBandwidth.bind(provider);
  await ctx.audited('bandwidth', `${resource.connection}:${resource.id}`, () =>
    set(resource.kind, resource.id, [...rules]),
  );
  return { provider, resource };
}
