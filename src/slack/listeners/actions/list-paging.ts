import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeListPage } from '../../list-query.js';
import { listResources } from '../commands/subcommands/list.js';

/** Previous / Next on a list: redraws the list in place with the same filters. */
export function listPageButton(deps: AppDeps) {
  return buttonHandler(deps, (ctx, args) => listResources(ctx, decodeListPage(args.action.value), true));
}
