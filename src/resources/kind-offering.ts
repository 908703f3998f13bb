import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Connection } from '../connections/connection.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import { KindNotOfferedError } from '../errors.js';
import type { Store } from '../store/create-store.js';

/** A kind learned to be absent is tried again after this long, so a region that gains the API is noticed. */
export const NOT_OFFERED_RECHECK_MS = 6 * 60 * 60_000;

/** Plural names of the kinds, for sentences such as "sync tasks of hw-x could not be listed". */
export const KIND_PLURALS: Record<ResourceKind, string> = {
  task: 'migration tasks',
  'task-group': 'task groups',
  'sync-task': 'sync tasks',
  policy: 'policies',
  job: 'jobs',
};

/** What happened to one kind of one connection. */
export type KindOutcome<T> =
  | { kind: ResourceKind; status: 'ok'; value: T }
  | { kind: ResourceKind; status: 'not-offered'; checkedAt: number }
  | { kind: ResourceKind; status: 'failed'; error: unknown };

interface StoredAbsence {
  checkedAt: number;
}

/**
 * Which kinds a connection does not offer (an OMS region without the synchronization-task API),
 * learned from the provider's `KindNotOfferedError` and kept in the store per connection and kind,
 * so lookups, lists and the watcher ask once, not on every call, and every replica knows it.
 */
export class KindOffering {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #recheckMs: number;

  /** `clock`: the bot's one clock (the watcher's), which says when an absence is due for a re-check. */
  constructor(store: Store, options: { clock: Clock; recheckMs?: number }) {
    this.#store = store;
    this.#clock = options.clock;
    this.#recheckMs = options.recheckMs ?? NOT_OFFERED_RECHECK_MS;
  }

  /** The kinds of `kinds` learned to be absent and not yet due for a re-check, with when that was seen. */
  async notOffered(
    connection: Connection,
    kinds: readonly ResourceKind[],
  ): Promise<Map<ResourceKind, number>> {
    const now = this.#clock.now();
    const found = new Map<ResourceKind, number>();
    const stored = await Promise.all(
      kinds.map((kind) => this.#store.get<StoredAbsence>(key(connection, kind))),
    );
    stored.forEach((absence, i) => {
      if (absence && now - absence.checkedAt < this.#recheckMs) found.set(kinds[i]!, absence.checkedAt);
    });
    return found;
  }

  async markNotOffered(connection: Connection, kind: ResourceKind): Promise<void> {
    // Expires on its own too, so stores do not keep records of connections long gone.
    await this.#store.set<StoredAbsence>(
      key(connection, kind),
      { checkedAt: this.#clock.now() },
      this.#recheckMs,
    );
  }

  /**
   * Runs `work` for each kind the connection offers (all at once), skipping those learned absent and
   * learning from a `KindNotOfferedError`; one kind failing never hides the others' results.
   */
  async each<T>(
    connection: Connection,
    kinds: readonly ResourceKind[],
    work: (kind: ResourceKind) => Promise<T>,
  ): Promise<KindOutcome<T>[]> {
    const absent = await this.notOffered(connection, kinds);
    return Promise.all(
      kinds.map(async (kind): Promise<KindOutcome<T>> => {
        const checkedAt = absent.get(kind);
        if (checkedAt !== undefined) return { kind, status: 'not-offered', checkedAt };
        try {
          return { kind, status: 'ok', value: await work(kind) };
        } catch (error) {
          if (!(error instanceof KindNotOfferedError)) return { kind, status: 'failed', error };
          await this.markNotOffered(connection, kind);
          return { kind, status: 'not-offered', checkedAt: this.#clock.now() };
        }
      }),
    );
  }
}

/**
 * Per workspace (file connections without one share `*`), name and endpoint: a connection removed
 * and added again for another region starts afresh.
 */
function key(connection: Connection, kind: ResourceKind): string {
  const where = createHash('sha256')
    .update(`${connection.endpoint}\n${connection.projectId ?? ''}\n${connection.region ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return `kind-offering:${connection.team ?? '*'}:${connection.name}:${where}:${kind}`;
}
