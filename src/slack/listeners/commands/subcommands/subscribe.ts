import { InvalidInputError } from '../../../../errors.js';
import {
  listSubscriptions,
  type SubscribeRequest,
  subscribeChannel,
  unsubscribeChannel,
} from '../../../../use-cases/subscribe-channel.js';
import { FOLLOW_MODES, type FollowMode } from '../../../../watcher/subscriptions.js';
import {
  renderSubscribed,
  renderSubscriptionList,
  renderUnsubscribed,
} from '../../../blocks/subscriptions.js';
import { refuseShare } from '../../../command-text.js';
import { isChannelWord, parseChannel } from '../../../mentions.js';
import { defineSubcommand } from '../subcommand.js';

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
  if (channels.length > 1) throw new InvalidInputError(`\`/migrate ${name}\` takes one channel at most.`);
  if (modes.length > 0 && !withMode) throw new InvalidInputError(`Unsubscribing takes no mode: ${usage}.`);
  if (modes.length > 1) throw new InvalidInputError(`Choose one mode (failures, endings or all): ${usage}.`);
  // `subscribe hw-prod sometimes`: the second word was meant as the mode.
  if (withMode && rest.length === 2 && TARGET.exec(rest[0]!) && !rest[1]!.startsWith('<'))
    throw new InvalidInputError(
      `\`${rest[1]!.slice(0, 40)}\` is not a mode: choose failures (the default), endings or all. ${usage}.`,
    );
  if (rest.length !== 1) {
    const extra = rest.length > 1 ? ` I could not read \`${rest.slice(1).join(' ')}\`.` : '';
    throw new InvalidInputError(`Name one connection, or a connection and a task group: ${usage}.${extra}`);
  }
  const match = TARGET.exec(rest[0]!);
  if (!match)
    throw new InvalidInputError(
      `\`${rest[0]!.slice(0, 80)}\` is not a connection name or \`connection:group-id\`: ${usage}.`,
    );
  return {
    connection: match[1]!,
    ...(match[2] ? { groupId: match[2] } : {}),
    mode: (modes[0]?.toLowerCase() as FollowMode | undefined) ?? 'failures',
    ...(channels[0] ? { channel: parseChannel(channels[0]) } : {}),
  };
}

export const subscribeCommand = defineSubcommand<SubscribeRequest>({
  name: 'subscribe',
  aliases: [],
  usage: '/migrate subscribe <connection | connection:group-id> [failures | endings | all] [#channel]',
  summary:
    'Follow every migration of a connection (or an OMS task group) in a channel: failures (default), endings, or all as cards.',
  parse: (args, share) => parseSubscribeArgs('subscribe', args, share, true),
  async run(ctx, request) {
    await ctx.reply(renderSubscribed(await subscribeChannel(ctx, request), await ctx.translator()));
  },
});

export const unsubscribeCommand = defineSubcommand<SubscribeRequest>({
  name: 'unsubscribe',
  aliases: [],
  usage: '/migrate unsubscribe <connection | connection:group-id> [#channel]',
  summary: 'Stop a channel following a connection or task group (watches asked for by name stay).',
  parse: (args, share) => parseSubscribeArgs('unsubscribe', args, share, false),
  async run(ctx, request) {
    await ctx.reply(renderUnsubscribed(await unsubscribeChannel(ctx, request), await ctx.translator()));
  },
});

export const subscriptionsCommand = defineSubcommand<{ channel?: string; share: boolean }>({
  name: 'subscriptions',
  aliases: [],
  usage: '/migrate subscriptions [#channel]',
  summary: 'Which channels follow which connections and groups, and in which mode.',
  parse: (args, share) => {
    if (args.length > 1 || (args[0] !== undefined && !isChannelWord(args[0])))
      throw new InvalidInputError(
        '`/migrate subscriptions` takes at most a channel, e.g. `/migrate subscriptions #ops`.',
      );
    return args[0] ? { channel: parseChannel(args[0]), share } : { share };
  },
  async run(ctx, { channel, share }) {
    const tr = await ctx.translator(share ? 'channel' : 'person');
    await ctx.reply({ ...renderSubscriptionList(await listSubscriptions(ctx, channel), channel, tr), share });
  },
});
