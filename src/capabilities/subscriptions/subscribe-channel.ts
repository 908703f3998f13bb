import { InvalidInputError } from '../../errors.js';
import { operateIn, type UseCaseContext } from '../../use-cases/context.js';
import type { Subscriptions } from './following.js';
import type { FollowMode, Subscription, SubscriptionTarget } from './subscriptions.js';
import { SUBSCRIPTIONS_WORDS } from './words.js';

const NAME_A_CHANNEL = {
  key: 'error.channelMissing',
  values: { usage: '/migrate subscribe <connection> #channel' },
} as const;

export interface SubscribeRequest {
  connection: string;
  groupId?: string;
  mode: FollowMode;
  /** `#channel` given, else the channel the command was typed in. */
  channel?: string;
}

export interface Subscribed {
  subscription: Subscription;
  /** The mode it had before, when it existed already. */
  before?: FollowMode;
  created: boolean;
}

/**
 * `/migrate subscribe <connection | connection:group-id> [failures | endings | all] [#channel]`: the
 * connection must exist, and a group must exist on it, before anything is stored.
 */
export async function subscribeChannel(
  ctx: UseCaseContext,
  subs: Subscriptions,
  request: SubscribeRequest,
): Promise<Subscribed> {
  const channelId = await operateIn(ctx, request.channel, 'subscribe channels', NAME_A_CHANNEL);
  const target = `${request.connection}${request.groupId ? `:${request.groupId}` : ''}`;
  return ctx.audited('subscribe', `${target} ${request.mode} <#${channelId}>`, async () => {
    if (request.groupId) {
      const { resource } = await ctx.deps.resources.resolver.fetch(
        ctx.teamId,
        request.connection,
        'task-group',
        request.groupId,
      );
      request.connection = resource.connection;
    }
    const subscription: Subscription = {
      teamId: ctx.teamId,
      channelId,
      connection: request.connection,
      ...(request.groupId ? { groupId: request.groupId } : {}),
      mode: request.mode,
      by: ctx.userId,
      createdAt: ctx.deps.clock.now(),
    };
    const result = await subs.subscribe(subscription);
    return { subscription, created: result.created, before: result.before?.mode };
  });
}

export interface Unsubscribed {
  subscription: Subscription;
  /** Watches only this subscription kept, now stopped. */
  watches: number;
}

export async function unsubscribeChannel(
  ctx: UseCaseContext,
  subs: Subscriptions,
  request: Omit<SubscribeRequest, 'mode'>,
): Promise<Unsubscribed> {
  const channelId = await operateIn(ctx, request.channel, 'unsubscribe channels', NAME_A_CHANNEL);
  const target: SubscriptionTarget = {
    teamId: ctx.teamId,
    channelId,
    connection: request.connection,
    ...(request.groupId ? { groupId: request.groupId } : {}),
  };
  const what = `${request.connection}${request.groupId ? `:${request.groupId}` : ''}`;
  return ctx.audited('unsubscribe', `${what} <#${channelId}>`, async () => {
    const { removed, watches } = await subs.unsubscribe(target);
    if (!removed)
      throw InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.unsubscribe.error.none', {
        channel: `<#${channelId}>`,
        target: what,
      });
    return { subscription: removed, watches };
  });
}

/** Everyone may see what the workspace follows. */
export async function listSubscriptions(
  ctx: UseCaseContext,
  subs: Subscriptions,
  channel?: string,
): Promise<Subscription[]> {
  await ctx.require('view', ctx.here, 'see subscriptions');
  return subs.store.list(ctx.teamId, channel);
}
