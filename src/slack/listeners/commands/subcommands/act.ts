import type { ResourceRef } from '../../../../domain/migration-resource.js';
import { actOnResource } from '../../../../use-cases/act-on-resource.js';
import { renderActed } from '../../../blocks/use-case-replies.js';
import { parseRef, refuseShare } from '../../../command-text.js';
import { defineSubcommand, type Subcommand } from '../subcommand.js';

/** `/migrate pause|resume|retry <id>`: typed intent, so it runs, then shows the card as it is now. */
function actionSubcommand(
  action: 'pause' | 'resume' | 'retry',
  aliases: string[],
  summary: string,
): Subcommand {
  return defineSubcommand<{ ref: ResourceRef }>({
    name: action,
    needs: 'operate',
    aliases,
    usage: `/migrate ${action} <id>`,
    summary,
    parse: (args, share) => {
      refuseShare(action, share);
      return { ref: parseRef(action, args) };
    },
    run: async (ctx, { ref }) => {
      const acted = await actOnResource(ctx, { ref }, action);
      await ctx.reply(renderActed(acted, ctx, await ctx.translator('person')));
    },
  });
}

export const pause = actionSubcommand('pause', ['stop'], 'Pause a running migration.');
export const resume = actionSubcommand('resume', ['start'], 'Resume a paused or failed migration.');
export const retry = actionSubcommand(
  'retry',
  [],
  'Restart only the failed objects of a failed task (or a failed task group).',
);
