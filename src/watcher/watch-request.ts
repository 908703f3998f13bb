import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { cardOf } from './outbox/living-posts.js';
import {
  enqueue,
  parentEntry,
  type RequestedAction,
  type Watch,
  type WatchRecord,
  type WatchTarget,
} from './records/watch-store.js';
import { baseline } from './transitions.js';

/** What other flows call to watch a resource (e.g. creation with approval auto-watches). */
export interface WatchRequest extends WatchTarget {
  by: string;
  /** The creation request it came from (its card says so). */
  origin?: Watch['origin'];
  /** The resource as just read, to skip one `get`. */
  resource?: MigrationResource;
  /**
   * A watch without a card (as a subscription's): only these events are posted in the channel. A
   * capability that draws the resource on a post of its own asks for it (a plan's card, ADR 0017).
   */
  follow?: WatchRecord['follow'];
}

export interface WatchResult {
  created: boolean;
  key: string;
  /** The parent card is in the channel already (false: it is in the outbox, Slack was busy). */
  posted: boolean;
  /** It was broken (Slack refused its channel) and Slack takes posts there again. */
  repaired?: boolean;
}

/**
 * A new watch's record: the resource as read, its card in the outbox, and who last acted on the
 * resource (`requested`, from the bot's last actions), so the card says who holds it from the start.
 */
export function newWatchRecord(
  request: Pick<WatchRequest, 'by' | 'origin' | 'follow'>,
  target: WatchTarget,
  resource: MigrationResource,
  actions: ResourceAction[],
  requested: RequestedAction | undefined,
  now: number,
): WatchRecord {
  return {
    watch: {
      ...target,
      by: request.by,
      createdAt: now,
      ...(request.origin ? { origin: request.origin } : {}),
    },
    snapshot: resource,
    actions,
    ...(requested ? { requested } : {}),
    ...baseline(resource, now),
    movedAt: now,
    ...(request.follow ? { follow: request.follow } : { explicit: true }),
    outbox: request.follow ? [] : [parentEntry(target, now)],
    sent: [],
  };
}

/** The record with a card: no `follow` mode, and its parent card queued unless it has one. */
export function withCard(record: WatchRecord, target: WatchTarget, now: number): WatchRecord {
  const { follow: _cardless, ...rest } = record;
  const parent = parentEntry(target, now);
  if (cardOf(rest) || rest.outbox.some((e) => e.key === parent.key)) return rest;
  return enqueue(rest, [parent]);
}
