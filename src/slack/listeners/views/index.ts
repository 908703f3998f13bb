import type { App, BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import { CREATE_CALLBACKS, SRC_BUCKET_ACTION, SRC_CLOUD_ACTION } from '../../blocks/create/modal-kit.js';
import type { AppDeps } from '../../context.js';
import * as connectConnection from './connect-connection.js';
import { bucketSuggestions, formSubmission, pickSubmission, sourceCloudChanged } from './create-listeners.js';

/** The create modals: the picker and form submissions, bucket suggestions, and the source-cloud redraw. */
export function register(app: App, deps: AppDeps): void {
  connectConnection.register(app, deps);
  app.view<ViewSubmitAction>(CREATE_CALLBACKS.pick, pickSubmission(deps));
  app.view<ViewSubmitAction>(CREATE_CALLBACKS.form, formSubmission(deps));
  app.options({ action_id: SRC_BUCKET_ACTION }, bucketSuggestions(deps));
  app.action<BlockAction<StaticSelectAction>>(SRC_CLOUD_ACTION, sourceCloudChanged(deps));
}
