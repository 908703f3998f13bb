import { roleAllows } from '../access/roles.js';
import type { MigrationResource, ResourceKind } from '../domain/migration-resource.js';
import type { MigrationProvider, ResourceAction } from '../providers/types.js';
import {
  capabilityFor,
  destroys,
  performAction,
  performOnId,
  performOnSeen,
  scopeFor,
} from '../resources/perform-action.js';
import { keepingTheVerb } from '../resources/resolve-resource.js';
import type { WatchRecord } from '../watcher/records/watch-store.js';
import type { Observation } from '../watcher/transitions.js';
import { findResource, type ResourceTarget, titleOf, type UseCaseContext } from './context.js';
import { checkStartRules } from './start-rules.js';

export interface Acted {
  action: ResourceAction;
  /** As it was before; as it was after, when the action went first (a button's pause or resume). */
  resource: MigrationResource;
  /** As the provider shows it afterwards; undefined once it is gone (deleted). */
  after: MigrationResource | undefined;
  /** What its new state allows. */
  actions: ResourceAction[];
  /** The title its requester typed, where the provider named it itself (the card leads with it). */
  title?: string;
  /** The watches of it, once the one editor redrew their cards and posts with who asked. */
  watches?: WatchRecord[];
}

/**
 * Pause, resume, retry, delete or cancel: `/migrate pause <id>`, the card's buttons, a picker's
 * buttons and workflow steps all come here. The role is checked on the server, every attempt is
 * audited, and an ambiguous id answers with a picker that keeps the verb.
 */
export async function actOnResource(
  ctx: UseCaseContext,
  target: ResourceTarget,
  action: ResourceAction,
): Promise<Acted> {
  const role = await ctx.require(capabilityFor(action), scopeFor(action, ctx.here), `${action} migrations`);
  // A refusal names only what this person may do instead (never Delete to an operator). `role`
  // was decided in this action's scope: a workspace role holds in every channel too, a channel's
  // only for what is decided in that channel (a delete, decided for the workspace, is left out).
  const decidedFor = scopeFor(action, ctx.here).kind;
  const mayDo = (a: ResourceAction) =>
    roleAllows(role, capabilityFor(a)) &&
    (decidedFor === 'workspace' || scopeFor(a, ctx.here).kind === 'channel');
  const exact = 'exact' in target ? target.exact : undefined;
  const { provider, resource, after, gone } = !exact
    ? await readFirst(ctx, target, action, mayDo)
    : !destroys(action)
      ? await actFirst(ctx, exact, action, mayDo)
      : ((await onWatcherRead(ctx, exact, action, mayDo)) ?? (await readFirst(ctx, target, action, mayDo)));
  ctx.logger.info({ action, connection: resource.connection, id: resource.id }, 'resource action done');
  if (!after) await ctx.deps.resources.resolver.index.forget(ctx.teamId, resource);
  // Every card drawn later, and the thread of every channel watching it, will say who asked; the
  // watched cards take the read made after the action (a delete's are polled), so they say what
  // the provider says now.
  const requested = {
    action,
    by: ctx.userId,
    at: ctx.deps.clock.now(),
    ...(ctx.via ? { via: ctx.via } : {}),
  };
  const seen: Observation | undefined = after
    ? { resource: after, actions: provider.actionsFor(after), seenAt: ctx.deps.clock.now() }
    : gone
      ? { gone: true }
      : undefined;
  let watches: WatchRecord[] = [];
  try {
    await ctx.deps.resources.lastActions.note(ctx.teamId, resource, requested);
    watches = await ctx.deps.watcher.noteRequest(ctx.teamId, resource, requested, seen);
  } catch (error) {
    // The action is done; only the attribution on later cards is lost.
    ctx.logger.warn({ err: error }, 'could not note who asked for the action');
  }
  const title = await titleOf(ctx, resource);
  return { action, resource, after, actions: after ? provider.actionsFor(after) : [], title, watches };
}

interface Done {
  provider: MigrationProvider;
  /** As it was before (read first), or as it is after (acted first). */
  resource: MigrationResource;
  after: MigrationResource | undefined;
  /** A read after the action said the provider no longer knows it (the watches take that). */
  gone?: boolean;
}

/**
 * A pause, resume or retry on a resource a button names exactly: the action goes first and the
 * provider refuses what the state no longer allows (`performOnId`), so the click costs the action
 * and the one read after it, which the watches take too.
 */
async function actFirst(
  ctx: UseCaseContext,
  exact: { connection: string; kind: ResourceKind; id: string },
  action: ResourceAction,
  mayDo: (action: ResourceAction) => boolean,
): Promise<Done> {
  const provider = ctx.deps.resources.resolver.providerOf(ctx.teamId, exact.connection);
  const after = await ctx.audited(action, `${exact.connection}:${exact.id}`, async () => {
    await checkStartRules(ctx, provider, exact, action);
    return performOnId(provider, exact, action, mayDo);
  });
  return { provider, resource: after, after };
}

/**
 * A delete or cancel a button names exactly, decided on the watcher's own last read of it (what
 * its card shows) when that read allows it (`WatchNotes.lastSeen`): the action and one read after,
 * which the watches take. Undefined when no watch has such a read: the caller reads first.
 */
async function onWatcherRead(
  ctx: UseCaseContext,
  exact: { connection: string; kind: ResourceKind; id: string },
  action: ResourceAction,
  mayDo: (action: ResourceAction) => boolean,
): Promise<Done | undefined> {
  const watched = await ctx.deps.watcher.notes.lastSeen(ctx.teamId, exact).catch(() => undefined);
  if (!watched) return undefined;
  const provider = ctx.deps.resources.resolver.providerOf(ctx.teamId, exact.connection);
  if (!provider.actionsFor(watched.snapshot).includes(action)) return undefined;
  const now = await ctx.audited(action, `${exact.connection}:${exact.id}`, () =>
    performOnSeen(provider, watched.snapshot, action, mayDo),
  );
  if (now === 'gone') return { provider, resource: watched.snapshot, after: undefined, gone: true };
  return { provider, resource: watched.snapshot, after: now };
}

/**
 * What a person typed (an id, a prefix: an ambiguous one answers with a picker that keeps the
 * verb), and whatever destroys something: read first, so the state it is decided on is the newest.
 */
async function readFirst(
  ctx: UseCaseContext,
  target: ResourceTarget,
  action: ResourceAction,
  mayDo: (action: ResourceAction) => boolean,
): Promise<Done> {
  // Several matches: the picker offers only those the action can be taken on in their state.
  const { provider, resource } = await keepingTheVerb(
    action,
    () => findResource(ctx, target),
    (entry) => ctx.deps.resources.resolver.actionsFor(ctx.teamId, entry).includes(action),
  );
  const after = await ctx.audited(action, `${resource.connection}:${resource.id}`, async () => {
    await checkStartRules(ctx, provider, resource, action);
    return performAction(provider, resource, action, mayDo);
  });
  return { provider, resource, after };
}
