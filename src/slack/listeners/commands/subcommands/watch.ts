import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { InvalidInputError } from '../../../../errors.js';
import { code, escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { parseRef, refuseShare } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { isChannelWord, parseChannel } from '../../../mentions.js';
import { defineSubcommand } from '../subcommand.js';

export interface WatchArgs {
  ref: ResourceRef;
  /** `#channel` given, else the channel the command was typed in. */
  channel?: string;
}

/** `<id> [#channel]` in any order; shared by watch and unwatch. */
export function parseWatchArgs(name: string, args: string[], share: boolean): WatchArgs {
  refuseShare(name, share);
  const channels = args.filter(isChannelWord);
  if (channels.length > 1) throw new InvalidInputError(`\`/migrate ${name}\` takes one channel at most.`);
  const ref = parseRef(
    name,
    args.filter((w) => !isChannelWord(w)),
  );
  return channels[0] ? { ref, channel: parseChannel(channels[0]) } : { ref };
}

/** The channel a watch command is about; checks the caller may operate there too. */
export async function watchChannel(
  ctx: HandlerContext,
  channel: string | undefined,
  what: string,
): Promise<string> {
  await ctx.require('operate', what);
  const channelId = channel ?? ctx.channelId;
  if (!channelId)
    throw new InvalidInputError(`Name a channel: \`/migrate ${what.split(' ')[0]} <id> #channel\`.`);
  if (channelId !== ctx.channelId)
    await ctx.deps.access.require({ teamId: ctx.teamId, userId: ctx.userId, channelId }, 'operate', what);
  return channelId;
}

export const watchCommand = defineSubcommand<WatchArgs>({
  name: 'watch',
  aliases: ['follow', 'subscribe'],
  usage: '/migrate watch <id> [#channel]',
  summary:
    'Follow a migration in a channel: one card kept current, events in its thread, failure and completion also in the channel.',
  parse: (args, share) => parseWatchArgs('watch', args, share),
  async run(ctx, { ref, channel }) {
    const channelId = await watchChannel(ctx, channel, 'watch migrations');
    const { resource } = await ctx.deps.resolver.resolve(ctx.teamId, ref);
    const target = `${resource.connection}:${resource.id}`;
    const result = await ctx.audited('watch', target, () =>
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
    const what = `*${escapeMrkdwn(resource.name)}* ${code(target)}`;
    const text = result.repaired
      ? `:white_check_mark: Watching ${what} in <#${channelId}> again: I can post there now, and what was held goes to the card's thread.`
      : result.created
        ? `:eyes: Watching ${what} in <#${channelId}>: one card kept up to date, events in its thread.` +
          (result.posted ? '' : ' Slack is busy; the card appears as soon as it takes it.')
        : `:eyes: ${what} is already watched in <#${channelId}>.`;
    await ctx.reply({ text });
  },
});
