import type { Capability } from '../../contract/capability.js';
import { syncEventCommand } from './sync-event-command.js';
import { SYNC_EVENT_WORDS } from './words.js';

/**
 * `/migrate sync-event`: tells a synchronization task which objects changed, so it copies them
 * now, on any provider that takes them (`MigrationProvider.syncEvent`); the others refuse. It
 * keeps no state.
 */
export const syncEvents: Capability = {
  name: 'sync-events',
  words: SYNC_EVENT_WORDS,
  start: () => ({ commands: { subcommands: [syncEventCommand] } }),
};
