import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import { channelOnly, oneChannelAtMost, refuseShare } from '../../slack/command-text.js';
import { isChannelWord, parseChannel } from '../../slack/mentions.js';
import type { Subscriptions } from './following.js';
import {
  listSubscriptions,
  type SubscribeRequest,
  subscribeChannel,
  unsubscribeChannel,
} from './subscribe-channel.js';
import { renderSubscribed, renderSubscriptionList, renderUnsubscribed } from './subscription-blocks.js';
import { FOLLOW_MODES, type FollowMode } from './subscriptions.js';
import { SUBSCRIPTIONS_WORDS, type SubscriptionsKey } from './words.js';

type StateOf = (ctx: HandlerContext) => Subscriptions;

const TARGET = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})(?::([A-Za-z0-9-]{1,64}))?$/;

/** `<connection | connection:group-id> [mode] [#channel]`, in any order after the target. */
function parseSubscribeArgs(
  name: string,
  args: string[],
  share: boolean,
  withMode: boolean,
): SubscribeRequest {
  refuseShare(name, share);
  const usage = withMode
    ? '`/migrate subscribe <connection | connection:group-id> [failures | endings | all] [#channel]`'
    : '`/migrate unsubscribe <connection | connection:group-id> [#channel]`';
  const channels = args.filter(isChannelWord);
  const modes = args.filter((w) => (FOLLOW_MODES as readonly string[]).includes(w.toLowerCase()));
  const rest = args.filter((w) => !isChannelWord(w) && !modes.includes(w));
  const refuse = (key: SubscriptionsKey, values: Record<string, string> = {}) =>
    InvalidInputError.in(SUBSCRIPTIONS_WORDS, key, { usage, ...values });
  if (channels.length > 1) throw oneChannelAtMost(name);
  if (modes.length > 0 && !withMode) throw refuse('subscriptions.subscribe.error.noMode');
  if (modes.length > 1) throw refuse('subscriptions.subscribe.error.oneMode');
  // `subscribe hw-prod sometimes`: the second word was meant as the mode.
  if (withMode && rest.length === 2 && TARGET.exec(rest[0]!) && !rest[1]!.startsWith('<'))
    throw refuse('subscriptions.subscribe.error.badMode', { typed: rest[1]!.slice(0, 40) });
  if (rest.length > 1) {
    const words = rest.slice(1).join(' ');
    throw refuse('subscriptions.subscribe.error.targetExtra', { words });
  }
  if (rest.length === 0) throw refuse('subscriptions.subscribe.error.target');
  const match = TARGET.exec(rest[0]!);
  if (!match) throw refuse('subscriptions.subscribe.error.badTarget', { typed: rest[0]!.slice(0, 80) });
  return {
    connection: match[1]!,
    ...(match[2] ? { groupId: match[2] } : {}),
    mode: (modes[0]?.toLowerCase() as FollowMode | undefined) ?? 'failures',
    ...(channels[0] ? { channel: parseChannel(channels[0]) } : {}),
  };
}

export const subscribeCommand = (stateOf: StateOf) =>
  defineSubcommand<SubscribeRequest>({
    name: 'subscribe',
    needs: 'operate',
    aliases: [],
    usage: '/migrate subscribe <connection | connection:group-id> [failures | endings | all] [#channel]',
    summary: SUBSCRIPTIONS_WORDS.en['help.summary.subscribe'],
    words: SUBSCRIPTIONS_WORDS,
    example: (f) => `/migrate subscribe ${f.connection() ?? '<connection>'} failures`,
    related: ['unsubscribe', 'subscriptions', 'watch'],
    parse: (args, share) => parseSubscribeArgs('subscribe', args, share, true),
    async run(ctx, request) {
      await ctx.reply(
        renderSubscribed(await subscribeChannel(ctx, stateOf(ctx), request), await ctx.translator()),
      );
    },
  });

export const unsubscribeCommand = (stateOf: StateOf) =>
  defineSubcommand<SubscribeRequest>({
    name: 'unsubscribe',
    needs: 'operate',
    aliases: [],
    usage: '/migrate unsubscribe <connection | connection:group-id> [#channel]',
    summary: SUBSCRIPTIONS_WORDS.en['help.summary.unsubscribe'],
    words: SUBSCRIPTIONS_WORDS,
    example: (f) => `/migrate unsubscribe ${f.connection() ?? '<connection>'}`,
    related: ['subscribe', 'subscriptions'],
    parse: (args, share) => parseSubscribeArgs('unsubscribe', args, share, false),
    async run(ctx, request) {
      await ctx.reply(
        renderUnsubscribed(await unsubscribeChannel(ctx, stateOf(ctx), request), await ctx.translator()),
      );
    },
  });

export const subscriptionsCommand = (stateOf: StateOf) =>
  defineSubcommand<{ channel?: string; share: boolean }>({
    name: 'subscriptions',
    needs: 'view',
    aliases: [],
    usage: '/migrate subscriptions [#channel]',
    summary: SUBSCRIPTIONS_WORDS.en['help.summary.subscriptions'],
    words: SUBSCRIPTIONS_WORDS,
    example: () => '/migrate subscriptions',
    related: ['subscribe', 'watches'],
    parse: (args, share) =>
      channelOnly(args, share, () => InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.error.args')),
    async run(ctx, { channel, share }) {
      const tr = await ctx.translator(share ? 'channel' : 'person');
      const subscriptions = await listSubscriptions(ctx, stateOf(ctx), channel);
      // The whole workspace's use against its caps, whichever channel the list is narrowed to.
      const use = await ctx.deps.watcher.usage(ctx.teamId);
      await ctx.reply({ ...renderSubscriptionList(subscriptions, channel, tr, use), share });
    },
  });
