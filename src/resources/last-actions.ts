import type { ResourceKind } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import type { Store } from '../store/create-store.js';

/** Who last acted on a resource through the bot, and when (wall-clock ms). */
export interface LastAction {
  action: ResourceAction;
  by: string;
  at: number;
  /** The action was a capability's timed work on behalf of `by` (who set it up): cards and threads say so. */
  via?: ActedVia;
}

/**
 * Which capability's timed work took an action (a time window's edge), with what it says of it:
 * `said` is that capability's own, drawn by its `actedLine` and `actedBy` hooks.
 */
export interface ActedVia {
  capability: string;
  said: unknown;
}

/**
 * Fields earlier builds kept on an action (a stored last action, a watch record's `requested`, an
 * event note) for the capability whose timed work it was, read as its `via`: a time window's edge
 * wrote `window`. Only ever read; what is written again has `via`.
 */
const VIA_BEFORE: readonly [field: string, capability: string] = ['window', 'windows'];

export function viaOfBefore<T extends object | undefined>(acted: T): T {
  const [field, capability] = VIA_BEFORE;
  const said = (acted as Record<string, unknown> | undefined)?.[field];
  if (said === undefined) return acted;
  const { [field]: _old, ...rest } = acted as Record<string, unknown>;
  return { ...rest, via: { capability, said } } as T;
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
    return viaOfBefore(await this.#store.get<LastAction>(key(teamId, resource)));
  }
}

function key(teamId: string, r: ResourceKey): string {
  return `last-action:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
