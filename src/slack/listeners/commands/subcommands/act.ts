import type { ResourceRef } from '../../../../domain/migration-resource.js';
import type { ResourceAction } from '../../../../providers/types.js';
import { capabilityFor, pastTense, performAction } from '../../../../resources/perform-action.js';
import { keepingTheVerb } from '../../../../resources/resolve-resource.js';
import { escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { renderResourceCard } from '../../../blocks/resource-card.js';
import { parseRef, refuseShare } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { defineSubcommand, type Subcommand } from '../subcommand.js';

/** `/migrate pause|resume|retry <id>`: typed intent, so it runs, then shows the card as it is now. */
export async function actOnResource(
  ctx: HandlerContext,
  ref: ResourceRef,
  action: ResourceAction,
): Promise<void> {
  await ctx.require(capabilityFor(action), `${action} migrations`);
  const { provider, resource } = await keepingTheVerb(action, () =>
    ctx.deps.resolver.resolve(ctx.teamId, ref),
  );
  const after = await ctx.audited(action, `${resource.connection}:${resource.id}`, () =>
    performAction(provider, resource, action),
  );
  ctx.logger.info({ action, connection: resource.connection, id: resource.id }, 'resource action done');
  const shown = after ?? resource;
  await ctx.reply({
    text: `${escapeMrkdwn(resource.name)} ${pastTense(action)}`,
    blocks: renderResourceCard(shown, after ? provider.actionsFor(after) : [], {
      notice: `:white_check_mark: ${pastTense(action)} by <@${ctx.userId}> · op \`${ctx.opId}\``,
      withActions: after !== undefined,
    }),
  });
}

function actionSubcommand(
  action: 'pause' | 'resume' | 'retry',
  aliases: string[],
  summary: string,
): Subcommand {
  return defineSubcommand<{ ref: ResourceRef }>({
    name: action,
    aliases,
    usage: `/migrate ${action} <id>`,
    summary,
    parse: (args, share) => {
      refuseShare(action, share);
      return { ref: parseRef(action, args) };
    },
    run: (ctx, { ref }) => actOnResource(ctx, ref, action),
  });
}

export const pause = actionSubcommand('pause', ['stop'], 'Pause a running migration.');
export const resume = actionSubcommand('resume', ['start'], 'Resume a paused or failed migration.');
export const retry = actionSubcommand(
  'retry',
  [],
  'Restart only the failed objects of a failed task (or a failed task group).',
);
