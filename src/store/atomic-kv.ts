import { StoreUnavailableError } from '../errors.js';
import type { Store } from './create-store.js';

/**
 * The few primitives shared state needs where several replicas may race (the watcher, approval
 * decisions, grants, settings, the audit log): a read-modify-write on one key (compare-and-set
 * underneath), a set of record keys, leases and a windowed counter. Two implementations: Redis
 * (several replicas) and the bot's Keyv store with in-process locks (SQLite or memory: this
 * process is the only replica).
 *
 * Values are JSON strings; a failure of the backing store is a `StoreUnavailableError`, never an
 * empty answer.
 */
export interface AtomicKv {
  readonly kind: 'redis' | 'local';
  get(key: string): Promise<string | undefined>;
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Atomic read-modify-write: `fn` gets the current value and returns the new one (`undefined`
   * deletes, `SKIP` leaves it as is). `fn` may run more than once when another writer wins a race,
   * so it must be pure. Resolves with what was written (or the current value on `SKIP`).
   */
  update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
  ): Promise<string | undefined>;
  setAdd(set: string, member: string): Promise<void>;
  setRemove(set: string, member: string): Promise<void>;
  setMembers(set: string): Promise<string[]>;
  /** `SET name holder NX PX ttl`, or extends the lease when `holder` has it already. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Compare-and-delete: only the holder releases. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Counts a hit in the fixed window `windowMs` wide that `now` falls in; returns the count so far. */
  hit(key: string, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

export const SKIP: unique symbol = Symbol('skip');

/** Keyv store + in-process locks. Only correct while this process is the only replica. */
export class LocalAtomicKv implements AtomicKv {
  readonly kind = 'local' as const;
  readonly #store: Store;
  readonly #prefix: string;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #leases = new Map<string, { holder: string; expiresAt: number }>();
  /** Per counter: the window it counts in and its count (one entry per key, so it stays small). */
  readonly #windows = new Map<string, { window: number; count: number }>();
  /** Sets already checked for the single-list form of earlier versions. */
  readonly #migrated = new Map<string, Promise<void>>();

  constructor(store: Store, prefix: string) {
    this.#store = store;
    this.#prefix = prefix;
  }

  get(key: string): Promise<string | undefined> {
    return this.#store.get<string>(this.#prefix + key);
  }

  getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
  ): Promise<string | undefined> {
    return this.#locked(key, async () => {
      const current = await this.get(key);
      const next = fn(current);
      if (next === SKIP) return current;
      if (next === undefined) await this.#store.delete(this.#prefix + key);
      else await this.#store.set(this.#prefix + key, next);
      return next;
    });
  }

  /**
   * A set is kept in `SET_SHARDS` JSON lists by a hash of the member, so adding one member rewrites
   * one small list (about 1/64 of the set) instead of the whole set: adding 10,000 watches wrote
   * 10,000 ever-longer lists before (quadratic; about 30 s on the embedded store).
   */
  async setAdd(set: string, member: string): Promise<void> {
    await this.#migrateLegacySet(set);
    await this.update(shardKey(set, member), (raw) => {
      const members = parseList(raw);
      return members.includes(member) ? SKIP : JSON.stringify([...members, member]);
    });
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.#migrateLegacySet(set);
    await this.update(shardKey(set, member), (raw) => {
      const members = parseList(raw);
      if (!members.includes(member)) return SKIP;
      const rest = members.filter((m) => m !== member);
      return rest.length === 0 ? undefined : JSON.stringify(rest);
    });
  }

  async setMembers(set: string): Promise<string[]> {
    await this.#migrateLegacySet(set);
    const shards = await this.getMany(Array.from({ length: SET_SHARDS }, (_, i) => `${set}#${i}`));
    return shards.flatMap((raw) => parseList(raw));
  }

  /** A set written by an earlier version as one list moves into the shards, once. */
  #migrateLegacySet(set: string): Promise<void> {
    // Single flight: a remove racing the move could otherwise see the member come back.
    let migration = this.#migrated.get(set);
    if (!migration) {
      migration = this.#moveLegacySet(set);
      this.#migrated.set(set, migration);
      migration.catch(() => this.#migrated.delete(set));
    }
    return migration;
  }

  async #moveLegacySet(set: string): Promise<void> {
    const legacy = parseList(await this.get(set));
    for (const member of legacy) {
      await this.update(shardKey(set, member), (raw) => {
        const members = parseList(raw);
        return members.includes(member) ? SKIP : JSON.stringify([...members, member]);
      });
    }
    if (legacy.length > 0) await this.update(set, () => undefined);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const lease = this.#leases.get(name);
    if (lease && lease.expiresAt > now && lease.holder !== holder) return false;
    this.#leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.#leases.get(name)?.holder === holder) this.#leases.delete(name);
  }

  async hit(key: string, windowMs: number): Promise<number> {
    const window = Math.floor(Date.now() / windowMs);
    const current = this.#windows.get(key);
    const count = current?.window === window ? current.count + 1 : 1;
    this.#windows.set(key, { window, count });
    return count;
  }

  async close(): Promise<void> {
    // The Keyv store belongs to the bot, which closes it.
  }

  /** Serialises work per key: the previous holder's promise is awaited, whatever its outcome. */
  async #locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.#locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === settled) this.#locks.delete(key);
    }
  }
}

const SET_SHARDS = 64;

/** FNV-1a: cheap, stable across versions and processes (the shard is part of the stored key). */
function shardKey(set: string, member: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) {
    hash ^= member.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${set}#${(hash >>> 0) % SET_SHARDS}`;
}

function parseList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new StoreUnavailableError('The watch index is corrupt.');
  return parsed.filter((m): m is string => typeof m === 'string');
}
