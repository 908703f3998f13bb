import { channelScope, type Scope } from '../access/policy.js';
import type { Capability, Role } from '../access/roles.js';
import type { Clock } from '../clock.js';
import type { StartedCapabilities } from '../contract/started.js';
import type { ResourceKind, ResourceRef } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { MessageKey, MessageValues } from '../i18n/english.js';
import type { Logger } from '../logger.js';
import type { ActedVia, LastActions } from '../resources/last-actions.js';
import type { ResourceResolver } from '../resources/resolve-resource.js';
import { titlesIn } from '../resources/resource-titles.js';
import type { Store } from '../store/create-store.js';
import type { Watcher } from '../watcher/watcher.js';

/**
 * What a use case needs from whoever calls it, whatever the surface (command, button, shortcut,
 * view, workflow step): who asks, in which workspace and channel, the services, and the two checks
 * every action makes (role, audit). Slack's HandlerContext satisfies it; use cases never see Slack.
 */
export interface UseCaseContext {
  teamId: string;
  userId: string;
  channelId: string | undefined;
  opId: string;
  logger: Logger;
  deps: {
    /** The bot's one clock: what a use case stamps (a request, a claim, a subscription). */
    clock: Clock;
    resources: ResourceServices;
    watcher: Watcher;
    /** Where the titles requesters gave what approvals created are kept (`titlesIn`). */
    store?: Store;
    /** The capabilities, whose facts status shows as the watched card does (absent: none). */
    capabilities?: Pick<StartedCapabilities, 'stateOf'> &
      Partial<Pick<StartedCapabilities, 'check' | 'factsOf'>>;
  };
  /** The scope of an action on the caller's channel (the workspace where there is none). */
  here: Scope;
  /** Set when a capability's timed work acts (for `userId`, who set it up): its actions are told as its. */
  via?: ActedVia;
  /** Asks the one policy about `capability` on `scope`; throws a ForbiddenError saying which role `what` needs. */
  require(capability: Capability, scope: Scope, what: string): Promise<Role>;
  /** Runs `work` and records it in the audit log as ok, refused or failed (then rethrows). */
  audited<T>(action: string, target: string | undefined, work: () => Promise<T>): Promise<T>;
}

/** A resource found from what was typed or exactly (`resolver`), and who last acted on it (`lastActions`). */
export interface ResourceServices {
  resolver: ResourceResolver;
  /** Who last acted on each resource through the bot: every card says "Paused by @Bob". */
  lastActions: LastActions;
}

/** Which resource: what a person typed (an id, a prefix, `connection:id`), or exactly (from a button). */
export type ResourceTarget =
  | { ref: ResourceRef }
  | { exact: { connection: string; kind: ResourceKind; id: string } };

export async function findResource(ctx: UseCaseContext, target: ResourceTarget) {
  return 'ref' in target
    ? ctx.deps.resources.resolver.resolve(ctx.teamId, target.ref)
    : ctx.deps.resources.resolver.fetch(
        ctx.teamId,
        target.exact.connection,
        target.exact.kind,
        target.exact.id,
      );
}

/**
 * The title its requester typed, where an approval created it under a name the provider made up:
 * every reply about it leads with it. Undefined without one, or when the store does not answer.
 */
export async function titleOf(
  ctx: UseCaseContext,
  resource: { connection: string; kind: ResourceKind; id: string },
): Promise<string | undefined> {
  return titlesIn(ctx.deps)
    ?.get(ctx.teamId, resource)
    .catch(() => undefined);
}

/**
 * The channel an operator's follow-up acts in (`#channel` given, else where they typed), checked
 * there too: operate where the command is typed and in the channel named.
 */
export async function operateIn(
  ctx: UseCaseContext,
  channel: string | undefined,
  what: string,
  /** The refusal when no channel is named nor typed in, by catalogue key. */
  missing: { key: MessageKey; values?: MessageValues },
): Promise<string> {
  await ctx.require('operate', ctx.here, what);
  const channelId = channel ?? ctx.channelId;
  if (!channelId) throw InvalidInputError.of(missing.key, missing.values);
  if (channelId !== ctx.channelId) await ctx.require('operate', channelScope(channelId), what);
  return channelId;
}
