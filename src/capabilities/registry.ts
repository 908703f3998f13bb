import { api } from './api/index.js';
import type { Capability } from './capability.js';
import { events } from './events/index.js';

/**
 * The one list of the bot's capabilities, one line each (as providers/registry.ts lists
 * providers). A capability is one folder under src/capabilities/; see CONTRIBUTING.md.
 */
export const CAPABILITIES: readonly Capability[] = [events, api];
