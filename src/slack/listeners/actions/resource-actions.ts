import { z } from 'zod';
import { RESOURCE_ACTIONS, type ResourceAction } from '../../../providers/types.js';
import { capabilityFor, pastTense, performAction } from '../../../resources/perform-action.js';
import { escapeMrkdwn } from '../../blocks/mrkdwn.js';
import { renderResourceCard } from '../../blocks/resource-card.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';

/** Pause / Resume / Retry / Delete / Cancel on a card: the confirm dialog already ran on the client. */
export function resourceActionButton(deps: AppDeps) {
  return buttonHandler(deps, async (ctx, args) => {
    const action = z
      .enum(RESOURCE_ACTIONS)
      .parse(args.action.action_id.slice('resource.'.length).split(':')[0]) as ResourceAction;
    const target = decodeResourceButton(args.action.value);
    await ctx.require(capabilityFor(action), `${action} migrations`);
    const { provider, resource } = await deps.resolver.fetch(
      ctx.teamId,
      target.connection,
      target.kind,
      target.id,
    );
    const after = await ctx.audited(action, `${resource.connection}:${resource.id}`, () =>
      performAction(provider, resource, action),
    );
    ctx.logger.info({ action, connection: resource.connection, id: resource.id }, 'resource action done');
    if (!after) await deps.resolver.index.forget(ctx.teamId, resource);
    await ctx.reply({
      text: `${escapeMrkdwn(resource.name)} ${pastTense(action)} by <@${ctx.userId}>`,
      blocks: renderResourceCard(after ?? resource, after ? provider.actionsFor(after) : [], {
        notice: `:white_check_mark: ${pastTense(action)} by <@${ctx.userId}> · op \`${ctx.opId}\``,
        withActions: after !== undefined,
      }),
      replaceOriginal: true,
    });
  });
}

/** Refresh redraws the card in place; Open (from a list or an ambiguous prefix) shows a new card. */
export function resourceViewButton(deps: AppDeps, mode: 'refresh' | 'open') {
  return buttonHandler(deps, async (ctx, args) => {
    const target = decodeResourceButton(args.action.value);
    await ctx.require('view', 'see migrations');
    const { provider, resource } = await deps.resolver.fetch(
      ctx.teamId,
      target.connection,
      target.kind,
      target.id,
    );
    await ctx.reply({
      text: `${escapeMrkdwn(resource.name)}: ${resource.state}`,
      blocks: renderResourceCard(resource, provider.actionsFor(resource)),
      replaceOriginal: mode === 'refresh',
    });
  });
}
