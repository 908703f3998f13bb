import { defineSubcommand } from '../../../../contract/subcommand.js';
import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { showResource } from '../../../../use-cases/show-resource.js';
import { renderShown } from '../../../blocks/use-case-replies.js';
import { parseRef } from '../../../command-text.js';

export const status = defineSubcommand<{ ref: ResourceRef; share: boolean }>({
  name: 'status',
  needs: 'view',
  aliases: ['show', 'get'],
  usage: '/migrate status <id>',
  summary: 'Show a card. A unique prefix of 4+ characters is enough; `connection:id` picks a connection.',
  example: (f) => `/migrate status ${f.id() ?? '<id>'}`,
  related: ['list', 'watch', 'explain'],
  parse: (args, share) => ({ ref: parseRef('status', args), share }),
  async run(ctx, { ref, share }) {
    const shown = await showResource(ctx, { ref });
    // A shared card is read by the channel: its language; otherwise the asker's.
    const tr = await ctx.translator(share ? 'channel' : 'person');
    await ctx.reply({
      ...renderShown(shown, { shared: share, tr, now: ctx.deps.clock.now(), drawing: ctx.deps.capabilities }),
      share,
    });
  },
});
