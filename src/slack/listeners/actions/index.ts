import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRoutes } from '../../../contract/listeners.js';
import type { AppDeps } from '../../context.js';
import { groupFailuresButton } from './group-failures-button.js';
import { helpButton } from './help-buttons.js';
import { homeOpen, homeRefresh } from './home-actions.js';
import { listPageButton } from './list-paging.js';
import { resourceActionButton, resourceViewButton } from './resource-actions.js';
import { watchButton } from './watch-button.js';

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.action<BlockAction<ButtonAction>>(
    /^resource\.(pause|resume|retry|delete|cancel)(:|$)/,
    resourceActionButton(deps),
  );
  routes.action<BlockAction<ButtonAction>>('resource.refresh', resourceViewButton('refresh'));
  routes.action<BlockAction<ButtonAction>>('resource.watch', watchButton());
  routes.action<BlockAction<ButtonAction>>('group.failed', groupFailuresButton());
  routes.action<BlockAction<ButtonAction>>(/^list\.page\.(next|previous)$/, listPageButton());
  routes.action<BlockAction<ButtonAction>>(/^help\.run\.[a-z]+$/, helpButton());
  routes.action<BlockAction<ButtonAction>>('home.refresh', homeRefresh(deps));
  routes.action<BlockAction<ButtonAction>>('home.open', homeOpen(deps));
  routes.action<BlockAction<ButtonAction>>(/^resource\.open(:|$)/, resourceViewButton('open'));
}
