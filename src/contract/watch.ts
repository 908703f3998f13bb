import type { EndingHook, EventHook, ListingHook, RecordingHook, WorkspaceUse } from './core-types.js';

/**
 * What it adds to the watcher's cycle, each run in the registry's order: at a run's ending (in the
 * compare-and-set that records it), on events it says in its own words, on every item of a
 * connection's list pages, before an observation is recorded, and what it counts against a
 * workspace's caps besides its watches.
 */
export interface WatchPart {
  ending?: EndingHook;
  events?: EventHook;
  listing?: ListingHook;
  recording?: RecordingHook;
  counting?(teamId: string): Promise<Partial<WorkspaceUse>>;
}
