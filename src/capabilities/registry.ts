import type { Capability } from './capability.js';
import { objects } from './objects/index.js';

/**
 * The one list of the bot's capabilities, one line each (as providers/registry.ts lists
 * providers). A capability is one folder under src/capabilities/; see CONTRIBUTING.md.
 */
export const CAPABILITIES: readonly Capability[] = [objects];
