import type { Clock } from '../clock.js';
import type { NormalizedState, ResourceKind } from '../domain/migration-resource.js';
import type { Store } from '../store/create-store.js';

export interface IndexEntry {
  connection: string;
  kind: ResourceKind;
  id: string;
  name: string;
  /** As last listed: candidates of an ambiguous id show it (it may have moved on since). */
  state?: NormalizedState;
  /** The provider's status as listed: some actions depend on it (an OMS task group's). */
  rawStatus?: string;
}

interface StoredIndex {
  refreshedAt: number;
  entries: IndexEntry[];
}

/**
 * Per-workspace list of known resource ids, refreshed from list calls, so a prefix such as
 * `1912` resolves without asking every provider. Persisted so replicas and restarts share it.
 */
export class ResourceIndex {
  readonly #store: Store;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;

  /** `clock`: the bot's one clock, which ages the list. */
  constructor(store: Store, options: { clock: Clock; maxAgeMs?: number }) {
    this.#store = store;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#clock = options.clock;
  }

  async read(teamId: string): Promise<{ fresh: boolean; entries: IndexEntry[] }> {
    const stored = await this.#store.get<StoredIndex>(key(teamId));
    if (!stored) return { fresh: false, entries: [] };
    return { fresh: this.#clock.now() - stored.refreshedAt < this.#maxAgeMs, entries: stored.entries };
  }

  async replace(teamId: string, entries: IndexEntry[]): Promise<void> {
    await this.#store.set<StoredIndex>(key(teamId), { refreshedAt: this.#clock.now(), entries });
  }

  /** Adds or updates entries seen by other calls (a status lookup, a list page) without a full refresh. */
  async remember(teamId: string, seen: IndexEntry[]): Promise<void> {
    if (seen.length === 0) return;
    const stored = (await this.#store.get<StoredIndex>(key(teamId))) ?? { refreshedAt: 0, entries: [] };
    const byKey = new Map(stored.entries.map((e) => [entryKey(e), e]));
    for (const entry of seen) byKey.set(entryKey(entry), entry);
    await this.#store.set<StoredIndex>(key(teamId), {
      refreshedAt: stored.refreshedAt,
      entries: [...byKey.values()],
    });
  }

  /** The workspace uninstalled the app: the names and ids it had listed go. */
  async forgetWorkspace(teamId: string): Promise<void> {
    await this.#store.delete(key(teamId));
  }

  async forget(teamId: string, gone: Pick<IndexEntry, 'connection' | 'kind' | 'id'>): Promise<void> {
    const stored = await this.#store.get<StoredIndex>(key(teamId));
    if (!stored) return;
    const entries = stored.entries.filter((e) => entryKey(e) !== entryKey(gone));
    await this.#store.set<StoredIndex>(key(teamId), { ...stored, entries });
  }
}

function key(teamId: string): string {
  return `resource-index:${teamId}`;
}

function entryKey(e: Pick<IndexEntry, 'connection' | 'kind' | 'id'>): string {
  return `${e.connection}\u0000${e.kind}\u0000${e.id}`;
}
