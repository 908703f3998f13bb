import type { StartedCapabilities } from '../../contract/started.js';
import type { LastActions } from '../../resources/last-actions.js';
import type { WindowPass } from './window-pass.js';
import type { WindowStore } from './window-store.js';

/** The capability's name: its fact on watch records, its jobs' prefix. */
export const WINDOWS = 'windows';

/** What the windows capability builds once per bot: the store `/migrate window` writes, the pass. */
export interface WindowsState {
  store: WindowStore;
  pass: WindowPass;
  /** Who last acted on each resource (a window's own pause holds it): read by its rows. */
  lastActions: Pick<LastActions, 'get'>;
}

/** The started capability's state, for its listeners and the surfaces that show windows. */
export function windowsState(deps: { capabilities: StartedCapabilities }): WindowsState {
  return deps.capabilities.stateOf(WINDOWS) as WindowsState;
}
