import type { Capability } from '../../contract/capability.js';
import { connectCommand } from './connect-command.js';
import * as connectSubmission from './connect-submission.js';
import * as connectionActions from './connection-actions.js';
import { connectionsCommand } from './connections-command.js';
import { disconnectCommand } from './disconnect-command.js';
import { CONNECTION_WORDS } from './words.js';

/**
 * Managing a workspace's connections from Slack: `/migrate connections` (each one's health),
 * `/migrate connect` (the form, its test before it is saved) and `/migrate disconnect`, the
 * list's Disconnect button and "Fix connection keys". It keeps no state: connections are the
 * core's registry and store (`deps.connections`), which the cycle and every surface resolve
 * resources with. A core surface offers its buttons by action id only (a failure's
 * `connection.fix`, help's `connect`), so they work without naming this folder.
 */
export const connections: Capability = {
  name: 'connections',
  words: CONNECTION_WORDS,
  start: () => ({
    // Help lists them in this order, where the core listed them.
    commands: { subcommands: [connectionsCommand, connectCommand, disconnectCommand] },
    listeners: (routes, deps) => {
      connectSubmission.register(routes, deps);
      connectionActions.register(routes, deps);
    },
  }),
};
