import type { Deliveries } from './delivery.js';
import type { HookStore } from './hooks.js';

/** What the events capability holds once started. */
export interface EventsState {
  hooks: HookStore;
  deliveries: Deliveries;
  allowedEndpoints: readonly string[];
  now(): number;
}
