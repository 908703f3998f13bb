import type { WatchRecord } from '../records/watch-store.js';

/**
 * What the capabilities (`src/capabilities/`) say of a watched resource, as its card is drawn
 * from it: each capability's fact under its name, drawn through that capability's own lines. The
 * watcher keeps and carries it and knows no capability.
 */
export interface CapabilityCard {
  facts?: Record<string, unknown>;
}

export function capabilityCard(record: Pick<WatchRecord, 'facts'>): CapabilityCard {
  return record.facts ? { facts: record.facts } : {};
}
