import { buttonHandler } from '../../button-handler.js';
import { decodeListPage } from '../../list-query.js';
import { listResources } from '../commands/subcommands/list.js';

/** Previous / Next on a list: redraws the list in place with the same filters. */
export function listPageButton() {
  return buttonHandler((ctx, args) => listResources(ctx, decodeListPage(args.action.value), true));
}
