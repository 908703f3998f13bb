import type { BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { ListenerRoutes } from '../../../contract/listeners.js';
import { ACTION_PREFIX, CREATE_CALLBACKS } from '../../blocks/create/modal-kit.js';
import type { AppDeps } from '../../context.js';
import { bucketSuggestions, formRedraw, formSubmission, pickSubmission } from './create-listeners.js';

/** Every `create.<field>` action: only bucket items ask for options, only redraw selects dispatch. */
const CREATE_ACTION = new RegExp(`^${ACTION_PREFIX.replace('.', '\\.')}`);

/** The create modals: the picker and form submissions, bucket suggestions, and redraws on a changed select. */
export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.view<ViewSubmitAction>(CREATE_CALLBACKS.pick, pickSubmission(deps));
  routes.view<ViewSubmitAction>(CREATE_CALLBACKS.form, formSubmission(deps));
  routes.options({ action_id: CREATE_ACTION }, bucketSuggestions(deps));
  routes.action<BlockAction<StaticSelectAction>>(
    { type: 'block_actions', action_id: CREATE_ACTION },
    formRedraw(deps),
  );
}
