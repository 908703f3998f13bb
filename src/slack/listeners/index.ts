import type { App } from '@slack/bolt';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { RequestLabels } from '../../metrics/request-labels.js';
import type { AppDeps } from '../context.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import { subcommandNames } from './commands/subcommands/index.js';
import * as events from './events/index.js';
import { ListenerRegistry } from './router.js';
import * as shortcuts from './shortcuts/index.js';
import * as createViews from './views/index.js';

/**
 * The one place every listener is registered on Bolt, surface by surface (see `ListenerRegistry`).
 * What they answer, with the subcommands' names, is the closed set of request labels on `/metrics`.
 */
export function registerListeners(app: App, deps: AppDeps): void {
  const registry = new ListenerRegistry(app);
  registerRoutes(registry.routes, deps);
  const { names, patterns } = registry.answers();
  deps.metrics.useRequestLabels(
    new RequestLabels({ names: [...names, ...subcommandNames(deps.capabilities)], patterns }),
  );
}

/** Every surface's registrations on `routes` (the seam tests list the app's entry points with it). */
export function registerRoutes(routes: ListenerRoutes, deps: AppDeps): void {
  commands.register(routes, deps);
  actions.register(routes, deps);
  events.register(routes, deps);
  createViews.register(routes, deps);
  shortcuts.register(routes, deps);
  // Each capability's own buttons, modals and events (its folder registers them).
  deps.capabilities.registerListeners(routes, deps);
}
