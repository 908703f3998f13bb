import type { Connection } from '../connections/connection.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { MigrationResource, ResourceKind, ResourceRef } from '../domain/migration-resource.js';
import {
  AppError,
  ErrorCode,
  InvalidInputError,
  KindNotOfferedError,
  NotFoundError,
  ProviderError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { asLookup } from '../providers/http/call-observer.js';
import type { MigrationProvider, ResourceAction } from '../providers/types.js';
import type { KindOffering } from './kind-offering.js';
import type { IndexEntry, ResourceIndex } from './resource-index.js';

export const MIN_PREFIX_LENGTH = 4;
/** Candidates offered as buttons when a prefix is ambiguous. */
const MAX_CANDIDATES = 10;
/** Matches kept for an action to choose from (a 4-character prefix can match thousands). */
const MAX_MATCHES = 200;
/** Pages of 100 read per connection and kind when refreshing the index (bounds the work). */
const MAX_INDEX_PAGES = 20;
const PAGE_SIZE = 100;

export class AmbiguousRefError extends AppError {
  /** Every match (bounded): an action narrows them to those it can act on before they are cut. */
  readonly matches: IndexEntry[];
  candidates: IndexEntry[];
  /** The whole id matched, in several connections: typing more cannot help, only a connection can. */
  readonly sameIdInConnections: boolean;
  /** What the person asked to do (`pause`…): the picker's buttons do it, not only open a card. */
  action?: ResourceAction;
  /** Matches the action cannot be taken on in their state (as last listed): counted, not offered. */
  notPossible: IndexEntry[] = [];
  constructor(ref: string, matches: IndexEntry[], how: 'id' | 'name' | 'prefix' = 'prefix') {
    const sameId = how === 'id';
    const connections = [...new Set(matches.map((m) => m.connection))];
    super(
      ErrorCode.Ambiguous,
      sameId
        ? `"${ref}" exists in ${connections.length} connections (${connections.join(', ')}): pick the one you mean.`
        : how === 'name'
          ? `${matches.length} resources are named "${ref}": pick one.`
          : `"${ref}" matches ${matches.length} resources; pick one or type more of the id or name.`,
    );
    this.localized = sameId
      ? {
          key: 'error.ambiguousSameId',
          values: { ref, n: connections.length, connections: connections.join(', ') },
        }
      : how === 'name'
        ? { key: 'error.ambiguousName', values: { ref, n: matches.length } }
        : { key: 'error.ambiguousPrefix', values: { ref, n: matches.length } };
    this.sameIdInConnections = sameId;
    this.matches = matches.slice(0, MAX_MATCHES);
    this.candidates = this.matches.slice(0, MAX_CANDIDATES);
  }

  /**
   * The picker of an action offers only the matches it can be taken on now: a succeeded or
   * already-paused task is no choice for Pause.
   */
  narrowTo(action: ResourceAction, possible: (entry: IndexEntry) => boolean): void {
    this.action = action;
    const can = this.matches.filter(possible);
    this.notPossible = this.matches.filter((m) => !can.includes(m));
    this.candidates = can.slice(0, MAX_CANDIDATES);
  }
}

/**
 * Runs `work`, and if it finds several resources, remembers that the person wanted `action` and
 * keeps, as candidates, only those `possible` says it can be taken on.
 */
export async function keepingTheVerb<T>(
  action: ResourceAction,
  work: () => Promise<T>,
  possible: (entry: IndexEntry) => boolean = () => true,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AmbiguousRefError) error.narrowTo(action, possible);
    throw error;
  }
}

export interface Resolved {
  connection: Connection;
  provider: MigrationProvider;
  resource: MigrationResource;
}

/**
 * Turns what a user typed (`hw-prod:191297…`, a full id, a name, or a unique prefix of ≥ 4
 * characters of either) into one resource of the workspace. A person always waits for the answer
 * (the watcher never resolves), so its provider calls are `interactive`.
 */
export class ResourceResolver {
  readonly #connections: ConnectionRegistry;
  readonly #index: ResourceIndex;
  readonly #logger: Logger;
  readonly #offering: KindOffering;

  constructor(connections: ConnectionRegistry, index: ResourceIndex, logger: Logger, offering: KindOffering) {
    this.#connections = connections;
    this.#index = index;
    this.#logger = logger;
    this.#offering = offering;
  }

  get index(): ResourceIndex {
    return this.#index;
  }

  /** Which kinds each connection does not offer (learned once, re-checked every few hours). */
  get offering(): KindOffering {
    return this.#offering;
  }

  /**
   * What the provider would offer on a listed resource in its listed state (a picker's candidates),
   * without asking the provider; a connection that is gone since offers nothing.
   */
  actionsFor(teamId: string, entry: IndexEntry): ResourceAction[] {
    if (!entry.state) return [];
    let provider: MigrationProvider;
    try {
      provider = this.#connections.provider(this.#connections.get(teamId, entry.connection), 'interactive');
    } catch {
      return [];
    }
    return provider.actionsFor({
      provider: provider.id,
      connection: entry.connection,
      kind: entry.kind,
      id: entry.id,
      name: entry.name,
      state: entry.state,
      rawStatus: entry.rawStatus ?? '',
      bytes: {},
      objects: {},
      source: {},
      destination: {},
    });
  }

  /** The provider of a connection of the workspace, for a request that acts before it reads. */
  providerOf(teamId: string, connectionName: string): MigrationProvider {
    return this.#connections.provider(this.#connections.get(teamId, connectionName), 'interactive');
  }

  /** Fetches a resource whose connection and kind are known (buttons carry them). */
  async fetch(teamId: string, connectionName: string, kind: ResourceKind, id: string): Promise<Resolved> {
    const connection = this.#connections.get(teamId, connectionName);
    const provider = this.#connections.provider(connection, 'interactive');
    const resource = await provider.get(kind, id);
    return { connection, provider, resource };
  }

  async resolve(teamId: string, ref: ResourceRef): Promise<Resolved> {
    const connections = ref.connection
      ? [this.#connections.get(teamId, ref.connection)]
      : this.#connections.forTeam(teamId);
    if (connections.length === 0) {
      throw NotFoundError.of('error.noConnections');
    }
    const names = new Set(connections.map((c) => c.name));
    const inScope = (entries: IndexEntry[]) => entries.filter((e) => names.has(e.connection));
    // Too short for a prefix, but a whole id can be short: an NCP policy titled in two Hangul letters.
    const short = ref.id.length < MIN_PREFIX_LENGTH;
    const { fresh, entries } = await this.#index.read(teamId);
    // A fresh index answers hits; a miss may be a resource created since, so a miss always re-reads.
    const cached = fresh ? pick(ref, inScope(entries), short) : undefined;
    if (cached) {
      try {
        return await this.#fetchEntry(teamId, cached);
      } catch (error) {
        // Gone since it was listed: a name may now be another resource's (deleted and made again).
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    const match = pick(ref, inScope(await this.refreshIndex(teamId)), short);
    if (match) return this.#fetchEntry(teamId, match);
    if (short) {
      throw InvalidInputError.of('error.idTooShort', { id: ref.id, min: MIN_PREFIX_LENGTH });
    }
    // Not listed (older than the pages we index, or just created): ask each connection directly.
    return this.#getDirect(teamId, ref.id, connections);
  }

  /**
   * Re-reads every connection's resources (bounded pages) into the index, each kind on its own: a
   * kind the connection does not offer is skipped, and a kind that fails now keeps the entries it
   * had, so one kind never costs the lookup of the others.
   */
  async refreshIndex(teamId: string): Promise<IndexEntry[]> {
    const connections = this.#connections.forTeam(teamId);
    const previous = (await this.#index.read(teamId)).entries;
    const perConnection = await Promise.all(
      connections.map(async (connection) => {
        const provider = this.#connections.provider(connection, 'interactive');
        const outcomes = await this.#offering.each(connection, provider.kinds, (kind) =>
          this.#listKind(provider, kind),
        );
        return outcomes.flatMap((outcome) => {
          if (outcome.status === 'ok') return outcome.value;
          if (outcome.status === 'not-offered') return [];
          this.#logger.warn(
            { err: outcome.error, connection: connection.name, kind: outcome.kind },
            'index refresh failed for this kind; its previous entries are kept',
          );
          return previous.filter((e) => e.connection === connection.name && e.kind === outcome.kind);
        });
      }),
    );
    const entries = perConnection.flat();
    await this.#index.replace(teamId, entries);
    return entries;
  }

  async #listKind(provider: MigrationProvider, kind: ResourceKind): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    for (let page = 0; page < MAX_INDEX_PAGES; page++) {
      const { resources, total } = await provider.list({ kind, limit: PAGE_SIZE, offset: page * PAGE_SIZE });
      entries.push(
        ...resources.map((r) => ({
          connection: r.connection,
          kind: r.kind,
          id: r.id,
          name: r.name,
          state: r.state,
          rawStatus: r.rawStatus,
        })),
      );
      if (resources.length < PAGE_SIZE || (total !== undefined && (page + 1) * PAGE_SIZE >= total)) break;
    }
    return entries;
  }

  async #fetchEntry(teamId: string, entry: IndexEntry): Promise<Resolved> {
    try {
      // A 404 here is the resource gone, told as such: not a provider error in the metrics.
      return await asLookup(() => this.fetch(teamId, entry.connection, entry.kind, entry.id));
    } catch (error) {
      if (error instanceof ProviderError && error.httpStatus === 404) {
        await this.#index.forget(teamId, entry);
        throw NotFoundError.of('error.resourceGone', { ref: `${entry.connection}:${entry.id}` });
      }
      throw error;
    }
  }

  async #getDirect(teamId: string, id: string, connections: Connection[]): Promise<Resolved> {
    const failures: ProviderError[] = [];
    for (const connection of connections) {
      const provider = this.#connections.provider(connection, 'interactive');
      const absent = await this.#offering.notOffered(connection, provider.kinds);
      for (const kind of provider.kinds.filter((k) => !absent.has(k))) {
        try {
          // Each kind but the one that has the id answers "not found": no provider error in the metrics.
          const resource = await asLookup(() => provider.get(kind, id));
          await this.#index.remember(teamId, [
            {
              connection: connection.name,
              kind,
              id: resource.id,
              name: resource.name,
              state: resource.state,
              rawStatus: resource.rawStatus,
            },
          ]);
          return { connection, provider, resource };
        } catch (error) {
          if (error instanceof InvalidInputError) continue; // not an id this provider/kind can have
          if (error instanceof KindNotOfferedError) {
            await this.#offering.markNotOffered(connection, kind);
            continue;
          }
          if (error instanceof ProviderError && (error.httpStatus === 404 || error.httpStatus === 400))
            continue;
          if (error instanceof ProviderError) failures.push(error);
          else throw error;
        }
      }
    }
    // A provider that could not answer may hold the resource: say so rather than "not found".
    if (failures[0]) throw failures[0];
    const one = connections.length === 1 ? connections[0]!.name : undefined;
    throw one
      ? NotFoundError.of('error.noResourceIn', { id, connection: one })
      : NotFoundError.of('error.noResourceInAny', { id, n: connections.length });
  }
}

/**
 * Exact id first, then an exact name (case aside: the name in an alert), then a unique prefix of an
 * id or a name; `exactOnly` when what was typed is too short to be a prefix.
 */
function pick(ref: ResourceRef, entries: IndexEntry[], exactOnly = false): IndexEntry | undefined {
  const exact = entries.filter((e) => e.id === ref.id);
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) throw new AmbiguousRefError(ref.id, exact, 'id');
  const typed = comparable(ref.id);
  const named = entries.filter((e) => comparable(e.name) === typed);
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new AmbiguousRefError(ref.id, named, 'name');
  if (exactOnly) return undefined;
  const prefixed = entries.filter((e) => e.id.startsWith(ref.id) || comparable(e.name).startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new AmbiguousRefError(ref.id, prefixed);
  return undefined;
}

/** A name as compared with what was typed: case and Unicode composition do not matter. */
function comparable(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('en');
}
