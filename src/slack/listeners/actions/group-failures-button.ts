import { listGroupFailures } from '../../../use-cases/list-group-failures.js';
import { renderGroupFailures } from '../../blocks/group-card.js';
import { buttonHandler } from '../../button-handler.js';
import { decodeResourceButton } from '../../resource-button.js';

/** "List all N failed" on a task group's card: the failed tasks, only to the person who asked. */
export function groupFailuresButton() {
  return buttonHandler(async (ctx, args) => {
    const target = decodeResourceButton(args.action.value);
    const tr = await ctx.translator('person');
    await ctx.reply({
      ...renderGroupFailures(await listGroupFailures(ctx, target), tr),
      replaceOriginal: false,
    });
  });
}
