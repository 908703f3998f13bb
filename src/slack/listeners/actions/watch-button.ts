import { watchResource } from '../../../use-cases/watch-resource.js';
import { renderWatched } from '../../blocks/use-case-replies.js';
import { buttonHandler } from '../../button-handler.js';
import { decodeResourceButton } from '../../resource-button.js';

/** Watch on a card: the same use case as `/migrate watch`, in the channel the card is in. */
export function watchButton() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const watched = await watchResource(ctx, { exact });
    // Told only to the person who pressed it.
    await ctx.reply({ ...renderWatched(watched, await ctx.translator('person')), replaceOriginal: false });
  });
}
