import type { App } from '@slack/bolt';

/**
 * What the surface files register listeners on: the subset of Bolt's `App` they use, with Bolt's
 * own signatures, so a listener is typed exactly as it would be on `app`.
 */
export type ListenerRoutes = Pick<
  App,
  'command' | 'action' | 'view' | 'options' | 'shortcut' | 'event' | 'function'
>;
