import { z } from 'zod';
import { UNDER_WAY_STATES } from '../../../domain/migration-resource.js';
import { RESOURCE_ACTIONS, type ResourceAction } from '../../../providers/types.js';
import { type Acted, actOnResource } from '../../../use-cases/act-on-resource.js';
import { refreshResource } from '../../../use-cases/refresh-resource.js';
import { showResource } from '../../../use-cases/show-resource.js';
import { cardFacts } from '../../../watcher/outbox/notification.js';
import { cardIn, pressedOnTheirs, redrawnOn } from '../../../watcher/watch-notes.js';
import { renderActed, renderShown } from '../../blocks/use-case-replies.js';
import { renderParentCard } from '../../blocks/watch-notifications.js';
import { buttonHandler, postedOn } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';
import { answerStale } from './action-follow-up.js';

/**
 * Pause / Resume / Retry / Delete / Cancel on a card or a picker (the confirm dialog already ran on
 * the client): the same use case as `/migrate pause`. A watched card is redrawn by the one editor;
 * a private card is answered in place, once; nothing here edits a channel message.
 */
export function resourceActionButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const action = z
      .enum(RESOURCE_ACTIONS)
      .parse(args.action.action_id.slice('resource.'.length).split(':')[0]) as ResourceAction;
    const exact = decodeResourceButton(args.action.value);
    // The card is answered in place: a card the channel sees in its language, a private one in the clicker's.
    const container = (args.body as { container?: { is_ephemeral?: boolean } }).container;
    const shared = container?.is_ephemeral === false;
    let acted: Acted;
    try {
      acted = await actOnResource(ctx, { exact }, action);
    } catch (error) {
      // An out-of-date post's button does nothing and says so, in the channel.
      if (shared && (await answerStale(deps, ctx, action, exact, error))) return;
      throw error;
    }
    const tr = await ctx.translator(shared ? 'channel' : 'person');
    // Pressed on the watcher's card or one of its posts: the one editor has redrawn them (who
    // asked, the state under way) and redraws them again as the provider settles. The presser is
    // told in words only when the edit budget left that for later.
    const post = postedOn(args.body);
    const watches = acted.watches ?? [];
    if (pressedOnTheirs(watches, post)) {
      if (!redrawnOn(watches, post)) {
        const said = renderActed(acted, ctx, await ctx.translator('person'), ctx.deps.clock.now());
        await ctx.reply({ text: said.text, replaceOriginal: false });
      }
      return;
    }
    // A card of the presser's own (an answer only they see) is drawn again in place, once: what
    // follows the change is the watcher's card. Any other channel message (a card someone shared)
    // is never replaced: the presser is answered privately beside it.
    await ctx.reply({ ...renderActed(acted, ctx, tr, ctx.deps.clock.now()), replaceOriginal: !shared });
    // "Pausing… requested" on a card only the presser sees: nothing watches it, so it is read
    // again after each re-check delay while the provider says the change is under way, and
    // drawn once more in place when it settles (a bounded number of reads, none if it settled).
    if (!shared && acted.after && UNDER_WAY_STATES.has(acted.after.state))
      ctx.deps.watcher.settleSoon(async () => {
        // Gone meanwhile (a delete finished): the card's "Deleting… requested" stays; nothing to read.
        const shown = await showResource(ctx, { exact }).catch(() => undefined);
        if (!shown) return true;
        if (UNDER_WAY_STATES.has(shown.resource.state)) return false;
        const now = ctx.deps.clock.now();
        const card = renderShown(shown, { tr, now, drawing: ctx.deps.capabilities });
        await ctx.reply({ ...card, replaceOriginal: !shared });
        return true;
      });
  });
}

/**
 * Refresh on a message the channel sees (a watch's card, one of its posts) asks the one editor to
 * redraw it from a fresh read; the presser is answered privately, with the card as the watch
 * draws it, only when that redraw is not what they see (an event post, a spent edit budget).
 * Nothing replaces the message. On the presser's own card (an answer only they see) the card is
 * drawn again in place; Open (from a list or an ambiguous prefix) shows a new card.
 */
export function resourceViewButton(mode: 'refresh' | 'open') {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const container = (args.body as { container?: { is_ephemeral?: boolean } }).container;
    if (mode === 'refresh' && container?.is_ephemeral === false) {
      const refreshed = await refreshResource(ctx, { exact });
      if (redrawnOn(refreshed.watches, postedOn(args.body))) return;
      const tr = await ctx.translator('person');
      const now = ctx.deps.clock.now();
      const watch = cardIn(refreshed.watches, ctx.channelId);
      const facts = watch && cardFacts(watch);
      const card = facts
        ? renderParentCard(facts, tr, now, [], ctx.deps.capabilities)
        : renderShown(refreshed, { tr, now, drawing: ctx.deps.capabilities });
      await ctx.reply({ ...card, replaceOriginal: false });
      return;
    }
    // A private card offers the asker's own buttons (Open always answers privately).
    const shown = await showResource(ctx, { exact });
    const tr = await ctx.translator('person');
    await ctx.reply({
      ...renderShown(shown, { tr, now: ctx.deps.clock.now(), drawing: ctx.deps.capabilities }),
      replaceOriginal: mode === 'refresh',
    });
  });
}
