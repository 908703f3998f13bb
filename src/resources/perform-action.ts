import { type Scope, WORKSPACE } from '../access/policy.js';
import type { Capability } from '../access/roles.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { MigrationProvider, ResourceAction } from '../providers/types.js';

/** Deleting and cancelling need the admin role; the other actions an operator may take. */
export function capabilityFor(action: ResourceAction): Capability {
  return action === 'delete' || action === 'cancel' ? 'delete' : 'operate';
}

/**
 * What an action changes, for the policy. Pausing, resuming and retrying act for the channel they
 * are taken in (a channel's operators run their migrations from it); deleting or cancelling
 * destroys a resource of a connection the whole workspace shares, so only a workspace-level role
 * decides it, wherever it is pressed.
 */
export function scopeFor(action: ResourceAction, here: Scope): Scope {
  return capabilityFor(action) === 'delete' ? WORKSPACE : here;
}

/**
 * Runs an action if the provider offers it for the resource's current state; otherwise says why
 * not, naming what can be done instead. Returns the resource as it is afterwards (undefined once deleted).
 */
export async function performAction(
  provider: MigrationProvider,
  resource: MigrationResource,
  action: ResourceAction,
  /** Whether the person may take an action (their role): a refusal offers only those instead. */
  mayDo: (action: ResourceAction) => boolean = () => true,
): Promise<MigrationResource | undefined> {
  const allowed = provider.actionsFor(resource);
  const instead = allowed.filter(mayDo);
  const run = provider[action]?.bind(provider);
  if (!run) {
    throw InvalidInputError.of('action.error.notOffered', {
      provider: provider.id,
      kind: resource.kind,
      action,
    });
  }
  if (!allowed.includes(action)) {
    const values = { name: resource.name, state: resource.state, action };
    throw instead.length > 0
      ? InvalidInputError.of('action.error.stateInstead', { ...values, actions: instead.join(', ') })
      : InvalidInputError.of('action.error.state', values);
  }
  await run(resource.kind, resource.id);
  if (action === 'delete') return undefined;
  return provider.get(resource.kind, resource.id);
}
