import type { Watcher } from '../../contract/core-types.js';
import type { StartedList } from './started-list.js';

/** Hands the watcher every capability's hooks on its cycle (`watch` parts), in the registry's order. */
export function hookWatcher(list: StartedList, watcher: Watcher): void {
  for (const { part } of list.each('watch')) {
    if (part.ending) watcher.atEnding.push(part.ending);
    if (part.events) watcher.atEvents.push(part.events);
    if (part.listing) watcher.listing.push(part.listing);
    if (part.recording) watcher.beforeRecording(part.recording);
    if (part.counting) watcher.counting.push(part.counting);
  }
}
