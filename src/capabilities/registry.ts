import { api } from './api/index.js';
import { approvals } from './approvals/index.js';
import type { Capability } from './capability.js';
import { events } from './events/index.js';
import { guardrails } from './guardrails/index.js';
import { objects } from './objects/index.js';
import { onCall } from './on-call/index.js';
import { plans } from './plans/index.js';
import { windows } from './windows/windows.js';

/**
 * The one list of the bot's capabilities, one line each (as providers/registry.ts lists
 * providers). A capability is one folder under src/capabilities/; see CONTRIBUTING.md.
 */
export const CAPABILITIES: readonly Capability[] = [
  approvals,
  windows,
  plans,
  guardrails,
  events,
  api,
  objects,
  onCall,
];
