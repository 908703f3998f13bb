import type { MigrationResource } from '../domain/migration-resource.js';
import type { WatchResult } from '../watcher/watcher.js';
import { findResource, operateIn, type ResourceTarget, type UseCaseContext } from './context.js';

export interface Watched {
  resource: MigrationResource;
  channelId: string;
  result: WatchResult;
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
  const channelId = await operateIn(
    ctx,
    channel,
    'watch migrations',
    'Name a channel to watch in: `/migrate watch <id> #channel`.',
  );
  const { resource } = await findResource(ctx, target);
  const result = await ctx.audited('watch', `${resource.connection}:${resource.id}`, () =>
    ctx.deps.watcher.watch({
      teamId: ctx.teamId,
      channelId,
      connection: resource.connection,
      kind: resource.kind,
      id: resource.id,
      by: ctx.userId,
      resource,
    }),
  );
  return { resource, channelId, result };
}
