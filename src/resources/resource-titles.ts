import type { ResourceKind } from '../domain/migration-resource.js';
import type { Store } from '../store/create-store.js';

type ResourceKey = { connection: string; kind: ResourceKind; id: string };

/** Long enough for a migration to run and be looked back on; the provider's own name stays shown. */
const KEEP_MS = 180 * 24 * 3600_000;
const MAX_TITLE = 200;

/**
 * The title a requester typed for what an approval created, where the provider made up the name
 * itself (an OMS task is `task_1795650490367_7` whatever was asked for): cards, lists and reports
 * lead with the title and show the provider's name beside it. Kept per resource, per workspace.
 */
export class ResourceTitles {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async note(teamId: string, resource: ResourceKey, title: string): Promise<void> {
    const kept = title.trim().slice(0, MAX_TITLE);
    if (kept) await this.#store.set<string>(key(teamId, resource), kept, KEEP_MS);
  }

  /** Keeps `typed` only where the provider named the resource otherwise (its own name is kept as is). */
  async noteIfRenamed(
    teamId: string,
    resource: ResourceKey,
    typed: string | undefined,
    providerName: string,
  ): Promise<void> {
    if (typed?.trim() && typed.trim() !== providerName) await this.note(teamId, resource, typed);
  }

  async get(teamId: string, resource: ResourceKey): Promise<string | undefined> {
    return this.#store.get<string>(key(teamId, resource));
  }

  /**
   * Who asked for the resource on an approved request (a creation, or a delta run that started it
   * again): they may not sign off its runs (two-person rule), in any channel and whatever watches of
   * it come and go. Kept with the title, as long.
   */
  async noteRequester(teamId: string, resource: ResourceKey, userId: string): Promise<void> {
    await this.#store.set<string>(key(teamId, resource, 'requester'), userId, KEEP_MS);
  }

  async requester(teamId: string, resource: ResourceKey): Promise<string | undefined> {
    return this.#store.get<string>(key(teamId, resource, 'requester'));
  }

  /** The titles of several resources at once, by `connection:id` (those without one are absent). */
  async many(teamId: string, resources: readonly ResourceKey[]): Promise<Map<string, string>> {
    const found = await Promise.all(resources.map((r) => this.get(teamId, r).catch(() => undefined)));
    const titles = new Map<string, string>();
    resources.forEach((r, i) => {
      const title = found[i];
      if (title) titles.set(`${r.connection}:${r.id}`, title);
    });
    return titles;
  }

  /** The workspace uninstalled the app: these resources' titles go now (any other expires in KEEP_MS). */
  async forget(teamId: string, resources: readonly ResourceKey[]): Promise<void> {
    for (const resource of resources) {
      await this.#store.delete(key(teamId, resource));
      await this.#store.delete(key(teamId, resource, 'requester'));
    }
  }
}

function key(teamId: string, r: ResourceKey, fact: 'title' | 'requester' = 'title'): string {
  return `${fact}:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}

/** The titles kept in `deps.store` (undefined without a store: a surface then shows the provider's names). */
export function titlesIn(deps: { store?: Store }): ResourceTitles | undefined {
  return deps.store ? new ResourceTitles(deps.store) : undefined;
}
