import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { renderResourceCard } from '../../../blocks/resource-card.js';
import { parseRef, refuseShare } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { defineSubcommand } from '../subcommand.js';

/** `/migrate delete <id>` never deletes: it shows the card with only the Delete button, behind a confirm. */
export async function offerDelete(ctx: HandlerContext, ref: ResourceRef): Promise<void> {
  await ctx.require('delete', 'delete or cancel migrations');
  const { provider, resource } = await ctx.deps.resolver.resolve(ctx.teamId, ref);
  const actions = provider.actionsFor(resource);
  const name = escapeMrkdwn(resource.name);
  const destructive = actions.find((a) => a === 'delete' || a === 'cancel');
  if (destructive) {
    await ctx.reply({
      text: `${destructive === 'delete' ? 'Delete' : 'Cancel'} ${name}? Press the button on the card to confirm.`,
      blocks: renderResourceCard(resource, [destructive], {
        watch: false,
        notice: `:wastebasket: Press *${destructive === 'delete' ? 'Delete' : 'Cancel'}* below to confirm. Nothing has changed yet.`,
      }),
    });
    return;
  }
  await ctx.reply({
    text: `${name} cannot be deleted while ${resource.state}.`,
    blocks: renderResourceCard(resource, actions, {
      notice: `:warning: ${name} is ${resource.state} and cannot be deleted now${actions.includes('pause') ? ': pause it first' : ''}.`,
    }),
  });
}

export const del = defineSubcommand<{ ref: ResourceRef }>({
  name: 'delete',
  aliases: ['remove', 'rm', 'cancel'],
  usage: '/migrate delete <id>',
  summary: 'Shows the card with a Delete (or Cancel) button behind a confirmation; never deletes at once.',
  parse: (args, share) => {
    refuseShare('delete', share);
    return { ref: parseRef('delete', args) };
  },
  run: (ctx, { ref }) => offerDelete(ctx, ref),
});
