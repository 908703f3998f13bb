import { InvalidInputError } from '../../../errors.js';
import { code, escapeMrkdwn } from '../../blocks/mrkdwn.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';

/** Watch on a card: follow the resource in the channel the card is in (needs `operate`). */
export function watchButton(deps: AppDeps) {
  return buttonHandler(deps, async (ctx, args) => {
    const target = decodeResourceButton(args.action.value);
    await ctx.require('operate', 'watch migrations');
    const channelId = ctx.channelId;
    if (!channelId)
      throw new InvalidInputError('Watch works on a card in a channel; use `/migrate watch <id> #channel`.');
    const { resource } = await deps.resolver.fetch(ctx.teamId, target.connection, target.kind, target.id);
    const ref = `${resource.connection}:${resource.id}`;
    const result = await ctx.audited('watch', ref, () =>
      deps.watcher.watch({
        teamId: ctx.teamId,
        channelId,
        connection: resource.connection,
        kind: resource.kind,
        id: resource.id,
        by: ctx.userId,
        resource,
      }),
    );
    const what = `*${escapeMrkdwn(resource.name)}* ${code(ref)}`;
    await ctx.reply({
      text: result.created
        ? `:eyes: Watching ${what} in <#${channelId}>: one card kept up to date, events in its thread.`
        : `:eyes: ${what} is already watched in <#${channelId}>.`,
      replaceOriginal: false,
    });
  });
}
