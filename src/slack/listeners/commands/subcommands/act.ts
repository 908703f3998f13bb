import { defineSubcommand, type Subcommand } from '../../../../contract/subcommand.js';
import type { NormalizedState, ResourceRef } from '../../../../domain/migration-resource.js';
import { actOnResource } from '../../../../use-cases/act-on-resource.js';
import { renderActed } from '../../../blocks/use-case-replies.js';
import { parseRef, refuseShare } from '../../../command-text.js';

/** `/migrate pause|resume|retry <id>`: typed intent, so it runs, then shows the card as it is now. */
function actionSubcommand(
  action: 'pause' | 'resume' | 'retry',
  aliases: string[],
  summary: string,
  help: { states: readonly NormalizedState[]; related: readonly string[] },
): Subcommand {
  return defineSubcommand<{ ref: ResourceRef }>({
    name: action,
    needs: 'operate',
    aliases,
    usage: `/migrate ${action} <id>`,
    summary,
    // The example names something in a state the action applies to, so it runs here as shown.
    example: (f) => `/migrate ${action} ${f.id({ states: help.states }) ?? '<id>'}`,
    related: help.related,
    parse: (args, share) => {
      refuseShare(action, share);
      return { ref: parseRef(action, args) };
    },
    run: async (ctx, { ref }) => {
      const acted = await actOnResource(ctx, { ref }, action);
      await ctx.reply(renderActed(acted, ctx, await ctx.translator('person'), ctx.deps.clock.now()));
    },
  });
}

export const pause = actionSubcommand('pause', ['stop'], 'Pause a running migration.', {
  states: ['running', 'queued', 'retrying', 'monitoring'],
  related: ['resume', 'status', 'watch'],
});
export const resume = actionSubcommand('resume', ['start'], 'Resume a paused or failed migration.', {
  states: ['paused', 'failed'],
  related: ['pause', 'retry', 'status'],
});
export const retry = actionSubcommand(
  'retry',
  [],
  'Restart only the failed objects of a failed task (or a failed task group).',
  { states: ['failed'], related: ['resume', 'status', 'explain'] },
);
