import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { renderResourceCard } from '../../../blocks/resource-card.js';
import { parseRef } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { defineSubcommand } from '../subcommand.js';

export const status = defineSubcommand<{ ref: ResourceRef; share: boolean }>({
  name: 'status',
  aliases: ['show', 'get'],
  usage: '/migrate status <id>',
  summary: 'Show a card. A unique prefix of 4+ characters is enough; `connection:id` picks a connection.',
  parse: (args, share) => ({ ref: parseRef('status', args), share }),
  async run(ctx: HandlerContext, { ref, share }) {
    await ctx.require('view', 'see migrations');
    const { provider, resource } = await ctx.deps.resolver.resolve(ctx.teamId, ref);
    await ctx.reply({
      text: `${escapeMrkdwn(resource.name)}: ${resource.state}`,
      blocks: renderResourceCard(resource, provider.actionsFor(resource)),
      share,
    });
  },
});
