import type { WatchRecord } from '../watcher/records/watch-store.js';
import type { ResourceTarget, UseCaseContext } from './context.js';
import { type Shown, showResource } from './show-resource.js';

export interface Refreshed extends Shown {
  /** The resource's watches once they took this read and the one editor redrew them. */
  watches: WatchRecord[];
}

/**
 * Refresh pressed where the channel sees it (a watch's card or post): one read of the resource,
 * which its watches take as their observation (no list, no second read), and the card of the
 * watch in the caller's channel is redrawn by the one editor. Nothing here draws a message.
 */
export async function refreshResource(ctx: UseCaseContext, target: ResourceTarget): Promise<Refreshed> {
  const shown = await showResource(ctx, target);
  const seen = { resource: shown.resource, actions: shown.actions, seenAt: ctx.deps.clock.now() };
  let watches: WatchRecord[] = [];
  try {
    watches = await ctx.deps.watcher.notes.refreshed(ctx.teamId, shown.resource, seen, ctx.channelId);
  } catch (error) {
    // The read stands: the person is answered with it, the cards wait for the next cycle.
    ctx.logger.warn({ err: error }, 'the watches could not take the refreshed read');
  }
  return { ...shown, watches };
}
