import type { HandlerContext } from '../../../../contract/handler-context.js';
import { defineSubcommand } from '../../../../contract/subcommand.js';
import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { operateIn } from '../../../../use-cases/context.js';
import { watchResource } from '../../../../use-cases/watch-resource.js';
import { renderWatched } from '../../../blocks/use-case-replies.js';
import { oneChannelAtMost, parseRef, refuseShare } from '../../../command-text.js';
import { isChannelWord, parseChannel } from '../../../mentions.js';

export interface WatchArgs {
  ref: ResourceRef;
  /** `#channel` given, else the channel the command was typed in. */
  channel?: string;
}

/** `<id> [#channel]` in any order; shared by watch and unwatch. */
export function parseWatchArgs(name: string, args: string[], share: boolean): WatchArgs {
  refuseShare(name, share);
  const channels = args.filter(isChannelWord);
  if (channels.length > 1) throw oneChannelAtMost(name);
  const ref = parseRef(
    name,
    args.filter((w) => !isChannelWord(w)),
  );
  return channels[0] ? { ref, channel: parseChannel(channels[0]) } : { ref };
}

/** The channel a watch command is about; checks the caller may operate there too. */
export function watchChannel(
  ctx: HandlerContext,
  channel: string | undefined,
  what: string,
): Promise<string> {
  return operateIn(ctx, channel, what, {
    key: 'error.channelMissing',
    values: { usage: `/migrate ${what.split(' ')[0]} <id> #channel` },
  });
}

export const watchCommand = defineSubcommand<WatchArgs>({
  name: 'watch',
  needs: 'operate',
  aliases: ['follow'],
  usage: '/migrate watch <id> [#channel]',
  summary:
    'Follow a migration in a channel: one card kept current, events in its thread, failure and completion also in the channel.',
  example: (f) =>
    `/migrate watch ${f.id({ states: ['running', 'queued', 'retrying', 'monitoring'] }) ?? '<id>'}`,
  related: ['unwatch', 'watches', 'subscribe'],
  parse: (args, share) => parseWatchArgs('watch', args, share),
  async run(ctx, { ref, channel }) {
    const watched = await watchResource(ctx, { ref }, channel);
    await ctx.reply(renderWatched(watched, await ctx.translator('person')));
  },
});
