import type { App } from '@slack/bolt';
import type { AppDeps } from '../context.js';
import * as actions from './actions/index.js';
import * as approvals from './approvals/index.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import * as workflowSteps from './functions/index.js';
import * as shortcuts from './shortcuts/index.js';
import * as createViews from './views/index.js';

/** The one place every listener is registered, surface by surface. */
export function registerListeners(app: App, deps: AppDeps): void {
  commands.register(app, deps);
  actions.register(app, deps);
  events.register(app, deps);
  createViews.register(app, deps);
  shortcuts.register(app, deps);
  approvals.register(app, deps);
  workflowSteps.register(app, deps);
}
