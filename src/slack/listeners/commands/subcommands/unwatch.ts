import { defineSubcommand } from '../../../../contract/subcommand.js';
import { InvalidInputError, NotFoundError } from '../../../../errors.js';
import { code, escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { parseWatchArgs, type WatchArgs, watchChannel } from './watch.js';

export const unwatchCommand = defineSubcommand<WatchArgs>({
  name: 'unwatch',
  needs: 'operate',
  aliases: ['unfollow'],
  usage: '/migrate unwatch <id> [#channel]',
  summary: 'Stop following a migration in a channel (the card stays, it is no longer updated).',
  // What `help watch` names: the example undoes that one.
  example: (f) =>
    `/migrate unwatch ${f.id({ states: ['running', 'queued', 'retrying', 'monitoring'] }) ?? '<id>'}`,
  related: ['watch', 'watches'],
  parse: (args, share) => parseWatchArgs('unwatch', args, share),
  async run(ctx, { ref, channel }) {
    const channelId = await watchChannel(ctx, channel, 'unwatch migrations');
    // Matched against the watches, not the provider: a resource that is gone can still be unwatched.
    const matches = await ctx.deps.watcher.find(ctx.teamId, channelId, ref);
    const id = ref.id.slice(0, 60);
    if (matches.length === 0)
      throw NotFoundError.of('unwatch.error.none', { id, channel: `<#${channelId}>` });
    if (matches.length > 1) {
      const watches = matches
        .slice(0, 5)
        .map((m) => code(`${m.watch.connection}:${m.watch.id}`))
        .join(', ');
      throw InvalidInputError.of('unwatch.error.many', {
        id,
        n: matches.length,
        channel: `<#${channelId}>`,
        watches,
      });
    }
    const record = matches[0]!;
    const target = `${record.watch.connection}:${record.watch.id}`;
    await ctx.audited('unwatch', target, () => ctx.deps.watcher.unwatch(record.watch));
    const tr = await ctx.translator('person');
    await ctx.reply({
      text: tr.t('unwatch.done', {
        name: escapeMrkdwn(record.snapshot.name),
        target: code(target),
        channel: `<#${channelId}>`,
      }),
    });
  },
});
