import type { Capability } from '../contract/capability.js';
import { api } from './api/index.js';
import { approvals } from './approvals/index.js';
import { autoRetry } from './auto-retry/index.js';
import { bandwidth } from './bandwidth/index.js';
import { connections } from './connections/index.js';
import { cutover } from './cutover/index.js';
import { deltaRuns } from './delta-runs/index.js';
import { events } from './events/index.js';
import { evidence } from './evidence/index.js';
import { explain } from './explain/index.js';
import { guardrails } from './guardrails/index.js';
import { objects } from './objects/index.js';
import { onCall } from './on-call/index.js';
import { plans } from './plans/index.js';
import { subscriptions } from './subscriptions/index.js';
import { syncEvents } from './sync-events/index.js';
import { verification } from './verification/index.js';
import { windows } from './windows/windows.js';
import { workflowSteps } from './workflow-steps/index.js';

/**
 * The one list of the bot's capabilities, one line each (as providers/registry.ts lists
 * providers). A capability is one folder under src/capabilities/; see CONTRIBUTING.md.
 */
// Under a verification post: sign-off, a delta run, a bucket check, the evidence, keep in sync
// (the list's order).
export const CAPABILITIES: readonly Capability[] = [
  connections,
  bandwidth,
  syncEvents,
  subscriptions,
  explain,
  approvals,
  windows,
  plans,
  guardrails,
  events,
  api,
  verification,
  deltaRuns,
  objects,
  evidence,
  onCall,
  autoRetry,
  workflowSteps,
  cutover,
];
