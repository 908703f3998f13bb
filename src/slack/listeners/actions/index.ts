import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import * as connectionActions from './connection-actions.js';
import { groupFailuresButton } from './group-failures-button.js';
import { homeOpen, homeRefresh } from './home-actions.js';
import { listPageButton } from './list-paging.js';
import { resourceActionButton, resourceViewButton } from './resource-actions.js';
import { watchButton } from './watch-button.js';

export function register(app: App, deps: AppDeps): void {
  connectionActions.register(app, deps);
  app.action<BlockAction<ButtonAction>>(
    /^resource\.(pause|resume|retry|delete|cancel)(:|$)/,
    resourceActionButton(deps),
  );
  app.action<BlockAction<ButtonAction>>('resource.refresh', resourceViewButton(deps, 'refresh'));
  app.action<BlockAction<ButtonAction>>('resource.watch', watchButton(deps));
  app.action<BlockAction<ButtonAction>>('group.failed', groupFailuresButton(deps));
  app.action<BlockAction<ButtonAction>>(/^list\.page\.(next|previous)$/, listPageButton(deps));
  app.action<BlockAction<ButtonAction>>('home.refresh', homeRefresh(deps));
  app.action<BlockAction<ButtonAction>>('home.open', homeOpen(deps));
  app.action<BlockAction<ButtonAction>>(/^resource\.open(:|$)/, resourceViewButton(deps, 'open'));
}
