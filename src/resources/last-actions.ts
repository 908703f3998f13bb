import type { ResourceKind } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import type { Store } from '../store/create-store.js';

/** Who last acted on a resource through the bot, and when (wall-clock ms). */
export interface LastAction {
  action: ResourceAction;
  by: string;
  at: number;
  /** The action was a time window's (`by` set the window): cards and the thread name it. */
  window?: WindowActed;
}

/**
 * A window's own action, as cards and the thread tell it: which window, until when it holds (in
 * its zone), and when it was due if that was while the bot was away (it was applied late, once).
 */
export interface WindowActed {
  id: string;
  name: string;
  zone: string;
  /** When the state it set changes again (the occurrence's end after a pause), watcher clock ms. */
  until?: number;
  /** Set when the edge was due well before it was applied: when it was due. */
  lateFrom?: number;
}

type ResourceKey = { connection: string; kind: ResourceKind; id: string };

/** Long enough to explain a pause over a weekend; an older attribution would mislead more than help. */
const KEEP_MS = 7 * 24 * 3600_000;

/**
 * The last action taken on each resource, per workspace, so every card drawn later (a Refresh, a
 * status from someone else, the watched card) says "Paused by @Bob · 2 min ago" instead of only the
 * reply the person who pressed the button saw.
 */
export class LastActions {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async note(teamId: string, resource: ResourceKey, action: LastAction): Promise<void> {
    await this.#store.set<LastAction>(key(teamId, resource), action, KEEP_MS);
  }

  /**
   * The workspace uninstalled the app: the attributions of these resources go now (they are kept
   * by resource, not listed per workspace; any other expires within KEEP_MS).
   */
  async forget(teamId: string, resources: readonly ResourceKey[]): Promise<void> {
    for (const resource of resources) await this.#store.delete(key(teamId, resource));
  }

  async get(teamId: string, resource: ResourceKey): Promise<LastAction | undefined> {
    return this.#store.get<LastAction>(key(teamId, resource));
  }
}

function key(teamId: string, r: ResourceKey): string {
  return `last-action:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
