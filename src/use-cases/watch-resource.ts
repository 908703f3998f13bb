import type { MigrationResource } from '../domain/migration-resource.js';
import { approvalRequester } from '../watcher/records/watch-origin.js';
import { watchesOf } from '../watcher/watch-notes.js';
import type { WatchResult } from '../watcher/watcher.js';
import { findResource, operateIn, type ResourceTarget, titleOf, type UseCaseContext } from './context.js';

export interface Watched {
  resource: MigrationResource;
  channelId: string;
  result: WatchResult;
  /** The title its requester typed, where the provider named it itself. */
  title?: string;
}

/**
 * Follow a resource in a channel: `/migrate watch <id> [#channel]` and a card's Watch button. Needs
 * `operate` where the command is typed and in the channel named.
 */
export async function watchResource(
  ctx: UseCaseContext,
  target: ResourceTarget,
  channel?: string,
): Promise<Watched> {
  const channelId = await operateIn(ctx, channel, 'watch migrations', {
    key: 'watch.error.noChannel',
    values: { usage: '/migrate watch <id> #channel' },
  });
  const { resource } = await findResource(ctx, target);
  // A resource an approval created under a name the provider made up: the watch's card and every
  // post lead with the requester's title, as where it was created.
  const title = await titleOf(ctx, resource);
  const requester = await requesterOf(ctx, resource);
  const origin = { ...(title ? { title } : {}), ...(requester ? { requester } : {}) };
  const result = await ctx.audited('watch', `${resource.connection}:${resource.id}`, () =>
    ctx.deps.watcher.watch({
      teamId: ctx.teamId,
      channelId,
      connection: resource.connection,
      kind: resource.kind,
      id: resource.id,
      by: ctx.userId,
      resource,
      ...(title || requester ? { origin } : {}),
    }),
  );
  return { resource, channelId, result, title };
}

/**
 * Who asked for the resource on an approved request, as its other watches say: the new watch
 * carries it, so its verification post names them and they may not sign it off here either (the
 * watch's `by` is whoever typed this). Undefined without one, or when the store does not answer:
 * the sign-off reads every watch of the resource again anyway.
 */
async function requesterOf(ctx: UseCaseContext, resource: MigrationResource): Promise<string | undefined> {
  const target = {
    teamId: ctx.teamId,
    connection: resource.connection,
    kind: resource.kind,
    id: resource.id,
  };
  const watches = await watchesOf(ctx.deps.watcher.store, target).catch(() => []);
  return watches.map((w) => approvalRequester(w.record)).find((by) => by !== undefined);
}
