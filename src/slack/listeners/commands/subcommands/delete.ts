import { defineSubcommand } from '../../../../contract/subcommand.js';
import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { planDelete } from '../../../../use-cases/plan-delete.js';
import { renderDeletePlan } from '../../../blocks/use-case-replies.js';
import { parseRef, refuseShare } from '../../../command-text.js';

/** `/migrate delete <id>` never deletes: it shows the card with only the Delete button, behind a confirm. */
export const del = defineSubcommand<{ ref: ResourceRef }>({
  name: 'delete',
  needs: 'delete',
  aliases: ['remove', 'rm', 'cancel'],
  usage: '/migrate delete <id>',
  summary: 'Shows the card with a Delete (or Cancel) button behind a confirmation; never deletes at once.',
  example: (f) =>
    `/migrate delete ${f.id({ states: ['succeeded', 'failed', 'cancelled', 'paused'] }) ?? '<id>'}`,
  related: ['pause', 'status'],
  parse: (args, share) => {
    refuseShare('delete', share);
    return { ref: parseRef('delete', args) };
  },
  run: async (ctx, { ref }) => {
    const plan = await planDelete(ctx, { ref });
    await ctx.reply(renderDeletePlan(plan, await ctx.translator('person'), ctx.deps.clock.now()));
  },
});
