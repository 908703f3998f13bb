import type { Capability } from '../../contract/capability.js';
import { bandwidthCommand } from './bandwidth-command.js';
import { BANDWIDTH_WORDS } from './words.js';

/**
 * `/migrate bandwidth`: a resource's traffic-limiting windows, set through the core's use case
 * (`use-cases/set-bandwidth.ts`, which a time window's cap shares), on any provider that offers
 * them (`MigrationProvider.setBandwidth`); the others refuse. It keeps no state.
 */
export const bandwidth: Capability = {
  name: 'bandwidth',
  words: BANDWIDTH_WORDS,
  start: () => ({ commands: { subcommands: [bandwidthCommand] } }),
};
