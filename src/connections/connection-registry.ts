import { type Clock, systemClock } from '../clock.js';
import { AppError, ConfigError, NotFoundError, StoreUnavailableError } from '../errors.js';
import type { CallPurpose } from '../providers/http/lanes.js';
import { limitInteractiveCalls } from '../providers/interactive-calls.js';
import { createProvider } from '../providers/registry.js';
import type { MigrationProvider, ProviderDeps } from '../providers/types.js';
import type { Connection } from './connection.js';
import type { ConnectionStore, StoredConnectionInfo } from './connection-store.js';

/** How long a workspace's stored connections are served from memory before `sync` reads them again. */
export const STORED_CONNECTIONS_TTL_MS = 5_000;

export interface ConnectionRegistryOptions {
  /** Connections added from Slack (`/migrate connect`); without it only file connections exist. */
  store?: ConnectionStore;
  ttlMs?: number;
  /** When the stored copy is `ttlMs` old: the bot's one clock (the system's when not given). */
  clock?: Clock;
  /** OAuth mode: every file connection must name its workspace, or all workspaces would share it. */
  multiWorkspace?: boolean;
}

/** How a file connection is named in logs and metrics: `name`, or `name@team` when bound to one. */
const fileLabel = (c: Connection) => (c.team ? `${c.name}@${c.team}` : c.name);

/** A stored connection that cannot be used (no key, tampered, endpoint no longer allowed). */
export interface BrokenConnection {
  info: StoredConnectionInfo;
  error: string;
}

interface TeamCache {
  loadedAt: number;
  connections: Connection[];
  broken: BrokenConnection[];
  /** Set when the last read failed: a miss is then "store unavailable", never "not found". */
  error?: AppError;
}

/**
 * The connections each workspace can use, and one provider client per connection (built lazily, then
 * reused so pools and IAM tokens are shared). From the connections file (read-only, as code) and the
 * store (added from Slack). Lookups stay synchronous: `sync(teamId)` loads a workspace's stored ones, run
 * before every Slack listener and where background work starts; re-read after a few seconds, so another
 * replica's change shows up quickly.
 */
/** What a reload of the connections file changed, by name (`name@team` for a workspace's own). */
export interface FileConnectionsChange {
  added: string[];
  removed: string[];
  changed: string[];
}

export class ConnectionRegistry {
  /** The connections file's, replaced as a whole when it is read again (SIGHUP). */
  #connections: Connection[];
  readonly #deps: ProviderDeps;
  readonly #providers: Record<CallPurpose, WeakMap<Connection, MigrationProvider>> = {
    interactive: new WeakMap(),
    background: new WeakMap(),
  };
  readonly #store: ConnectionStore | undefined;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #teams = new Map<string, TeamCache>();
  readonly #syncing = new Map<string, Promise<void>>();
  readonly #storedInfo = new WeakMap<Connection, StoredConnectionInfo>();
  /** Reused while a record is unchanged, so its provider (pools, IAM token) is kept. */
  readonly #byFingerprint = new Map<string, Connection>();
  readonly #multiWorkspace: boolean;

  constructor(connections: Connection[], deps: ProviderDeps, options: ConnectionRegistryOptions = {}) {
    this.#connections = connections;
    this.#deps = deps;
    this.#store = options.store;
    this.#ttlMs = options.ttlMs ?? STORED_CONNECTIONS_TTL_MS;
    this.#clock = options.clock ?? systemClock;
    this.#multiWorkspace = options.multiWorkspace === true;
    this.#checkTeams(connections);
  }

  #checkTeams(connections: readonly Connection[]): void {
    if (!this.#multiWorkspace) return;
    const unbound = connections.filter((c) => c.team === undefined).map((c) => c.name);
    if (unbound.length > 0) {
      throw new ConfigError(
        `MIGRATE_BOT_CONNECTIONS: with OAuth (many workspaces) every connection needs a team; ${unbound.join(', ')} ` +
          'has none, so every workspace that installs the app could use it. Add `team: T…` to each.',
      );
    }
  }

  /**
   * The connections file read again: its connections replace the file's earlier ones, or, when
   * they cannot be used, a `ConfigError` is thrown and nothing changes. One unchanged keeps its
   * object, so its provider (pools, IAM token) is kept; a changed one gets a new provider. Every
   * workspace's stored connections are checked again, since a file name takes precedence.
   */
  replaceFileConnections(next: Connection[]): FileConnectionsChange {
    this.#checkTeams(next);
    const before = new Map(this.#connections.map((c) => [fileLabel(c), c]));
    const after = new Map(next.map((c) => [fileLabel(c), c]));
    // Compared whole, secrets included (a rotated key is a change); only names are reported.
    const same = (a: Connection, b: Connection) => JSON.stringify(a) === JSON.stringify(b);
    const change: FileConnectionsChange = {
      added: [...after.keys()].filter((k) => !before.has(k)),
      removed: [...before.keys()].filter((k) => !after.has(k)),
      changed: [...after].filter(([k, c]) => before.has(k) && !same(before.get(k)!, c)).map(([k]) => k),
    };
    this.#connections = next.map((c) => {
      const old = before.get(fileLabel(c));
      return old && same(old, c) ? old : c;
    });
    for (const cached of this.#teams.values()) cached.loadedAt = 0;
    return change;
  }

  /** The store of connections added from Slack, when there is one. */
  get store(): ConnectionStore | undefined {
    return this.#store;
  }

  /**
   * The connections file's connections: id as the watcher groups them (`team/name`, `*` for every
   * team) → a label (`name`, `name@team`). A bounded set, read by the metrics.
   */
  fileConnectionLabels(): Map<string, string> {
    return new Map(this.#connections.map((c) => [`${c.team ?? '*'}/${c.name}`, fileLabel(c)]));
  }

  /** Connections of a workspace: its own, plus those not bound to any workspace. */
  forTeam(teamId: string): Connection[] {
    const fromFile = this.#connections.filter((c) => c.team === undefined || c.team === teamId);
    return [...fromFile, ...(this.#teams.get(teamId)?.connections ?? [])];
  }

  /** Stored connections of the workspace that cannot be used right now, with the reason. */
  brokenForTeam(teamId: string): BrokenConnection[] {
    return this.#teams.get(teamId)?.broken ?? [];
  }

  /** Whether a connection was added from Slack (else it comes from the connections file). */
  isStored(connection: Connection): boolean {
    return this.#storedInfo.has(connection);
  }

  storedInfo(connection: Connection): StoredConnectionInfo | undefined {
    return this.#storedInfo.get(connection);
  }

  /** A file connection of this workspace by that name (those cannot be changed from Slack). */
  fileConnection(teamId: string, name: string): Connection | undefined {
    return this.#connections.find((c) => c.name === name && (c.team === undefined || c.team === teamId));
  }

  get(teamId: string, name: string): Connection {
    const found = this.forTeam(teamId).find((c) => c.name === name);
    if (!found) {
      const failure = this.#teams.get(teamId)?.error;
      if (failure) throw failure;
      const names = this.forTeam(teamId).map((c) => c.name);
      throw names.length === 0
        ? NotFoundError.of('error.noConnectionYet', { name })
        : NotFoundError.of('error.noConnection', { name, names: names.join(', ') });
    }
    return found;
  }

  /**
   * The connection's provider for calls `purpose` says who waits for: `background` (the watcher)
   * queues for the provider's lanes; `interactive` (a person) never does, and shares one bulkhead
   * per connection among the calls of commands and buttons. One provider per connection and purpose.
   */
  provider(connection: Connection, purpose: CallPurpose): MigrationProvider {
    const providers = this.#providers[purpose];
    let provider = providers.get(connection);
    if (!provider) {
      provider = createProvider(connection, { ...this.#depsFor(connection), purpose });
      if (purpose === 'interactive') provider = limitInteractiveCalls(provider);
      providers.set(connection, provider);
    }
    return provider;
  }

  /** A throwaway provider for a connection that is not registered yet (the check before saving). */
  probe(connection: Connection, purpose: CallPurpose): MigrationProvider {
    return createProvider(connection, { ...this.#typedDeps(), purpose });
  }

  /** A connection typed into Slack reaches its endpoint only through the one endpoint rule. */
  #depsFor(connection: Connection): ProviderDeps {
    return this.isStored(connection) ? this.#typedDeps() : this.#deps;
  }

  #typed: ProviderDeps | undefined;
  #typedDeps(): ProviderDeps {
    const allowedEndpoints = this.#store?.allowedEndpoints ?? [];
    this.#typed ??= { ...this.#deps, pools: this.#deps.pools.guarded({ allowedEndpoints }) };
    return this.#typed;
  }

  /**
   * Loads the workspace's stored connections unless the copy in memory is younger than the TTL.
   * Concurrent calls share one read. Never throws: a store failure is remembered and reported by
   * `get` (as "store unavailable") while the last good copy keeps serving.
   */
  async sync(teamId: string, options: { force?: boolean } = {}): Promise<void> {
    const store = this.#store;
    if (!store || !teamId) return;
    const cached = this.#teams.get(teamId);
    if (!options.force && cached && !cached.error && this.#clock.now() - cached.loadedAt < this.#ttlMs)
      return;
    let running = this.#syncing.get(teamId);
    if (!running) {
      running = this.#load(store, teamId).finally(() => this.#syncing.delete(teamId));
      this.#syncing.set(teamId, running);
    }
    await running;
  }

  /** Forgets the workspace's copy, so the next `sync` reads the store (after connect/disconnect). */
  invalidate(teamId: string): void {
    const cached = this.#teams.get(teamId);
    if (cached) cached.loadedAt = 0;
  }

  /**
   * The workspace uninstalled the app: its stored connections are deleted and its copy in memory
   * (with their providers) dropped. Its file connections stay: they are configuration. Returns how
   * many stored connections were deleted.
   */
  async forget(teamId: string): Promise<number> {
    const removed = (await this.#store?.forget(teamId)) ?? 0;
    this.#teams.delete(teamId);
    for (const key of this.#byFingerprint.keys())
      if (key.startsWith(`${teamId}\n`)) this.#byFingerprint.delete(key);
    return removed;
  }

  async #load(store: ConnectionStore, teamId: string): Promise<void> {
    try {
      const loaded = await store.load(teamId);
      const connections: Connection[] = [];
      const broken: BrokenConnection[] = [];
      for (const entry of loaded) {
        if (entry.error !== undefined) {
          broken.push({ info: entry.info, error: entry.error });
        } else if (this.fileConnection(teamId, entry.info.name)) {
          broken.push({
            info: entry.info,
            error: 'the connections file now has a connection with the same name, which takes precedence.',
          });
        } else {
          const key = `${teamId}\n${entry.fingerprint}`;
          const connection = this.#byFingerprint.get(key) ?? entry.connection;
          this.#byFingerprint.set(key, connection);
          this.#storedInfo.set(connection, entry.info);
          connections.push(connection);
        }
      }
      for (const [key, connection] of this.#byFingerprint) {
        if (key.startsWith(`${teamId}\n`) && !connections.includes(connection))
          this.#byFingerprint.delete(key);
      }
      this.#teams.set(teamId, { loadedAt: this.#clock.now(), connections, broken });
    } catch (error) {
      const previous = this.#teams.get(teamId);
      const failure =
        error instanceof AppError
          ? error
          : new StoreUnavailableError(
              'Could not read the connections of this workspace; try again shortly.',
              {
                cause: error,
              },
            );
      this.#deps.logger.error({ err: error, team: teamId }, 'could not load stored connections');
      this.#teams.set(teamId, {
        loadedAt: previous?.loadedAt ?? 0,
        connections: previous?.connections ?? [],
        broken: previous?.broken ?? [],
        error: failure,
      });
    }
  }
}
