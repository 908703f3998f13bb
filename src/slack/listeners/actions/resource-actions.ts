import { z } from 'zod';
import { RESOURCE_ACTIONS, type ResourceAction } from '../../../providers/types.js';
import { actOnResource } from '../../../use-cases/act-on-resource.js';
import { showResource } from '../../../use-cases/show-resource.js';
import { renderActed, renderShown } from '../../blocks/use-case-replies.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';
import { answerStale, settleAfter } from './action-follow-up.js';

/**
 * Pause / Resume / Retry / Delete / Cancel on a card or a picker (the confirm dialog already ran on
 * the client): the same use case as `/migrate pause`, answered on the card in place.
 */
export function resourceActionButton(deps: AppDeps) {
  return buttonHandler(deps, async (ctx, args) => {
    const action = z
      .enum(RESOURCE_ACTIONS)
      .parse(args.action.action_id.slice('resource.'.length).split(':')[0]) as ResourceAction;
    const exact = decodeResourceButton(args.action.value);
    // The card is answered in place: a card the channel sees in its language, a private one in the clicker's.
    const container = (args.body as { container?: { is_ephemeral?: boolean } }).container;
    const shared = container?.is_ephemeral === false;
    // An out-of-date post's button does nothing and says so, in the channel (issue #39).
    if (await answerStale(deps, ctx, args, action, { exact })) return;
    const tr = await ctx.translator(shared ? 'channel' : 'person');
    const acted = await actOnResource(ctx, { exact }, action);
    await ctx.reply({ ...renderActed(acted, ctx, tr), replaceOriginal: true });
    settleAfter(deps, ctx, args, acted, { exact }, tr, shared);
  });
}

/** Refresh redraws the card in place; Open (from a list or an ambiguous prefix) shows a new card. */
export function resourceViewButton(deps: AppDeps, mode: 'refresh' | 'open') {
  return buttonHandler(deps, async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    // Refreshing a card the whole channel sees keeps every button; a private card offers the
    // asker's own (Open always answers privately).
    const container = (args.body as { container?: { is_ephemeral?: boolean } }).container;
    const shared = mode === 'refresh' && container?.is_ephemeral === false;
    const shown = await showResource(ctx, { exact });
    const tr = await ctx.translator(shared ? 'channel' : 'person');
    await ctx.reply({
      ...renderShown(shown, { shared, tr }),
      replaceOriginal: mode === 'refresh',
    });
  });
}
