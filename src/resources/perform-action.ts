import { type Scope, WORKSPACE } from '../access/policy.js';
import type { Capability } from '../access/roles.js';
import type { MigrationResource, ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError, NotFoundError, ProviderError } from '../errors.js';
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
  if (!allowed.includes(action)) throw refusedIn(resource, action, allowed, instead);
  await run(resource.kind, resource.id);
  if (action === 'delete') return undefined;
  return provider.get(resource.kind, resource.id);
}

/** Actions that destroy something: decided on a fresh read, never left to the provider's refusal. */
export function destroys(action: ResourceAction): boolean {
  return capabilityFor(action) === 'delete';
}

/**
 * The provider refused an action its resource's state does not allow (someone acted first, or the
 * button was out of date): `resource` is the resource as it is now, read once after the refusal.
 */
export class ActionRefusedError extends InvalidInputError {
  resource!: MigrationResource;
  /** What its state allows now, and of those what the person may do. */
  actions!: ResourceAction[];
  mayUse!: ResourceAction[];
}

/**
 * Runs a pause, resume or retry on a resource known by its id (a button carries it) before reading
 * it: the provider refuses what the state does not allow (OMS.0065, OMS.0066, …), and only then is
 * the resource read, once, to say why. A click costs the action and one read, where a guard would
 * read before it as well. Returns the resource as the provider shows it afterwards.
 */
export async function performOnId(
  provider: MigrationProvider,
  target: { kind: ResourceKind; id: string },
  action: ResourceAction,
  mayDo: (action: ResourceAction) => boolean = () => true,
): Promise<MigrationResource> {
  const run = provider[action]?.bind(provider);
  if (!run || destroys(action)) {
    throw InvalidInputError.of('action.error.notOffered', {
      provider: provider.id,
      kind: target.kind,
      action,
    });
  }
  await runOrSayWhy(provider, target, action, run, mayDo);
  return provider.get(target.kind, target.id);
}

/**
 * A delete or cancel decided on the watcher's own last read of the resource (`seen`: its state
 * allows the action, as the card showed it), not on a read of its own: the action, then one read,
 * which the watches take. A refusal reads once and says why, as `performOnId` does. Returns the
 * resource as the provider shows it afterwards; `gone` once it no longer knows it.
 */
export async function performOnSeen(
  provider: MigrationProvider,
  seen: MigrationResource,
  action: ResourceAction,
  mayDo: (action: ResourceAction) => boolean = () => true,
): Promise<MigrationResource | 'gone'> {
  const run = provider[action]?.bind(provider);
  if (!run) {
    throw InvalidInputError.of('action.error.notOffered', { provider: provider.id, kind: seen.kind, action });
  }
  await runOrSayWhy(provider, seen, action, run, mayDo);
  return provider.get(seen.kind, seen.id).catch((error: unknown) => {
    if (isGone(error)) return 'gone' as const;
    throw error;
  });
}

async function runOrSayWhy(
  provider: MigrationProvider,
  target: { kind: ResourceKind; id: string },
  action: ResourceAction,
  run: (kind: ResourceKind, id: string) => Promise<void>,
  mayDo: (action: ResourceAction) => boolean,
): Promise<void> {
  try {
    await run(target.kind, target.id);
  } catch (error) {
    if (!refused(error)) throw error;
    // Gone since: the read's 404 says so; any other failure of the read leaves the refusal as it came.
    const now = await provider.get(target.kind, target.id).catch((readError: unknown) => {
      throw isGone(readError) ? readError : error;
    });
    const allowed = provider.actionsFor(now);
    // The state allows it: the provider refused for a reason of its own, told in its words.
    if (allowed.includes(action)) throw error;
    throw refusedIn(now, action, allowed, allowed.filter(mayDo));
  }
}

function isGone(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ProviderError && error.httpStatus === 404);
}

/** A request the provider turned down as a request (not unavailable, not a throttle, not our keys). */
function refused(error: unknown): boolean {
  if (error instanceof NotFoundError) return true;
  if (!(error instanceof ProviderError) || error.httpStatus === undefined) return false;
  return (
    error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 401 && error.httpStatus !== 429
  );
}

function refusedIn(
  resource: MigrationResource,
  action: ResourceAction,
  actions: ResourceAction[],
  mayUse: ResourceAction[],
): ActionRefusedError {
  const values = { name: resource.name, state: resource.state, action };
  const refusal =
    mayUse.length > 0
      ? ActionRefusedError.of('action.error.stateInstead', { ...values, actions: mayUse.join(', ') })
      : ActionRefusedError.of('action.error.state', values);
  Object.assign(refusal, { resource, actions, mayUse });
  return refusal;
}
