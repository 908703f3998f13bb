import { WORKSPACE } from '../../../access/policy.js';
import type { HandlerContext } from '../../../contract/handler-context.js';
import { code, context, truncate } from '../../blocks/mrkdwn.js';
import { kindWords, renderResourceCard } from '../../blocks/resource-card.js';
import { type ButtonArgs, buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { publishHome } from '../../home/publish-home.js';
import { decodeResourceButton } from '../../resource-button.js';

/** Refresh: the tab drawn again (a failure to draw it is answered on the tab, as every Home click). */
export function homeRefresh(deps: AppDeps) {
  return buttonHandler((ctx, args) => publishHome(deps, args.client, ctx.teamId, ctx.userId));
}

/**
 * Home-tab buttons have no response_url, so Open shows the card in a modal, in the viewer's
 * language; acting on it is done from a channel, where the outcome is visible to others. What went
 * wrong (no right to see, a provider that fails) is said on the tab.
 */
export function homeOpen(deps: AppDeps) {
  return buttonHandler(async (ctx: HandlerContext, args: ButtonArgs) => {
    await ctx.require('view', WORKSPACE, 'see migrations');
    const target = decodeResourceButton(args.action.value);
    const [{ provider, resource }, tr] = await Promise.all([
      deps.resources.resolver.fetch(ctx.teamId, target.connection, target.kind, target.id),
      ctx.translator('person'),
    ]);
    const blocks = renderResourceCard(resource, provider.actionsFor(resource), {
      withActions: false,
      now: deps.clock.now(),
      tr,
    });
    const ref = code(`/migrate status ${resource.connection}:${resource.id}`);
    blocks.push(context(tr.t('home.actFromChannel', { ref })));
    await deps.slack.sender.to(ctx.teamId, { client: args.client }).openView(args.body.trigger_id, {
      type: 'modal',
      title: { type: 'plain_text', text: truncate(kindWords(resource.kind, tr), 24) },
      close: { type: 'plain_text', text: tr.t('modal.close') },
      blocks,
    });
  });
}
