import type { Watcher } from '../../contract/core-types.js';
import type { Started } from './started-list.js';

/** Hands the watcher the hooks on its cycle (`watch` parts) of capabilities just started, in their order. */
export function hookWatcher(started: readonly Started[], watcher: Watcher): void {
  for (const part of started.flatMap((s) => (s.parts.watch ? [s.parts.watch] : []))) {
    if (part.ending) watcher.atEnding.push(part.ending);
    if (part.events) watcher.atEvents.push(part.events);
    if (part.listing) watcher.listing.push(part.listing);
    if (part.recording) watcher.beforeRecording(part.recording);
    if (part.counting) watcher.counting.push(part.counting);
  }
}
