import type { MigrationResource } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { WatchResult } from '../watcher/watcher.js';
import { findResource, type ResourceTarget, type UseCaseContext } from './context.js';

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
  await ctx.require('operate', 'watch migrations');
  const channelId = channel ?? ctx.channelId;
  if (!channelId) throw new InvalidInputError('Name a channel to watch in: `/migrate watch <id> #channel`.');
  if (channelId !== ctx.channelId)
    await ctx.deps.access.require(
      { teamId: ctx.teamId, userId: ctx.userId, channelId },
      'operate',
      'watch migrations',
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
