import { systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { Store } from './create-store.js';
import type { MemberSets } from './member-sets.js';
import { type SlidingWindow, waitForSlot, windowSlots } from './sliding-window.js';

/**
 * The primitives shared state needs where replicas may race (watcher, approvals, grants, settings,
 * audit log): a read-modify-write on one key (compare-and-set underneath), sets of record keys,
 * leases and a windowed counter. Redis (several replicas) or the Keyv store with in-process locks
 * (SQLite or memory: the only replica). Values are JSON strings; a failure of the backing store is
 * a `StoreUnavailableError`, never an empty answer.
 */
export interface AtomicKv {
  readonly kind: 'redis' | 'local';
  get(key: string): Promise<string | undefined>;
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Atomic read-modify-write: `fn` gets the current value and returns the new one (`undefined`
   * deletes, `SKIP` keeps it); it may run again when another writer wins, so it must be pure.
   * Resolves with what was written (or the current value on `SKIP`). `assumed`: the value the caller
   * believes current, tried first without a read (one Redis round trip; if changed, the CAS fails and
   * the key is read). `journal`: lines (no newline) journaled in the same atomic step (not on SKIP).
   */
  update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
    assumed?: string,
    journal?: () => readonly string[],
  ): Promise<string | undefined>;
  /** The journals of `keys` as stored (lines each ended by a newline; '' for none), in one read. */
  journals(keys: readonly string[]): Promise<string[]>;
  /** Brings journals an older release named otherwise to their names now (Redis only; the sweep). */
  adoptLegacyJournals?(keys: readonly string[]): Promise<void>;
  /** Takes `taken` off the front of the key's journal if it is still there (else nothing). */
  dropJournal(key: string, taken: string): Promise<void>;
  setAdd(set: string, member: string): Promise<void>;
  setRemove(set: string, member: string): Promise<void>;
  setMembers(set: string): Promise<string[]>;
  /**
   * Adds `member` unless the set holds `max` members already, in one atomic step, so two adds
   * racing for the last place never both get it; a member already in stays in and is not counted
   * again. `size` is the set's size afterwards (as found, when refused).
   */
  setAddBounded(set: string, member: string, max: number): Promise<BoundedAdd>;
  /** How many members the set has. */
  setSize(set: string): Promise<number>;
  /** `SET name holder NX PX ttl`, or extends the lease when `holder` has it already. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Compare-and-delete: only the holder releases. */
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * Announces `member` in the group `set` for `ttlMs` (the store's time, like a lease) and returns
   * every member whose announcement has not lapsed, itself included, sorted: the live replicas.
   */
  heartbeat(set: string, member: string, ttlMs: number): Promise<string[]>;
  /** Takes `member` out of the group at once (a clean stop). */
  leave(set: string, member: string): Promise<void>;
  /**
   * Counts a hit in the fixed window `windowMs` wide that `now` (the caller's clock, epoch ms) falls
   * in; returns the count so far.
   */
  hit(key: string, windowMs: number, now: number): Promise<number>;
  /**
   * Takes one of `max` in the sliding `window` of `key` (sliding-window.ts) at `now` (the caller's
   * clock): resolves 0 when taken, else the milliseconds until one would be free (nothing is
   * counted then).
   */
  take(key: string, window: SlidingWindow, max: number, now: number): Promise<number>;
  /**
   * Marks `key` seen for `ttlMs` (`SET key NX PX ttl`): true for the first caller while it lives,
   * false for every later one, on any replica sharing the store. The inbound dedupe's seen-keys.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Lets the value of `key` live `ttlMs` more, then go (`PEXPIRE`); a later write through `update`
   * keeps it for good again. Nothing happens to a key that has no value.
   */
  expire(key: string, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

export const SKIP: unique symbol = Symbol('skip');

/** Where the local store keeps a key's journal (a NUL no key of the bot's has keeps it apart). */
const journalKey = (key: string) => `journal\u0000${key}`;

/** Journal lines as stored: each ended by a newline (a line with one in it is refused). */
export function joinLines(lines: readonly string[]): string {
  for (const line of lines) if (line.includes('\n')) throw new Error('A journal line has a newline in it.');
  return lines.map((line) => `${line}\n`).join('');
}

/** What `setAddBounded` did: `in` whether the member is in the set now, `added` whether this call put it there. */
export interface BoundedAdd {
  in: boolean;
  added: boolean;
  size: number;
}

/** Keyv store + in-process locks. Only correct while this process is the only replica. */
export class LocalAtomicKv implements AtomicKv {
  readonly kind = 'local' as const;
  readonly #store: Store;
  readonly #prefix: string;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #leases = new Map<string, { holder: string; expiresAt: number }>();
  /** Per group (`heartbeat`): member → until when its announcement holds. */
  readonly #groups = new Map<string, Map<string, number>>();
  /** Per counter: the window it counts in and its count (one entry per key, so it stays small). */
  readonly #windows = new Map<string, { window: number; count: number }>();
  /** Per sliding-window key: its slots' counts (old slots are dropped as takes come). */
  readonly #slots = new Map<string, Map<number, number>>();
  readonly #sets: MemberSets;
  /** Sets already checked for the list forms of earlier versions. */
  readonly #migrated = new Map<string, Promise<void>>();
  /**
   * The members of the sets `setAddBounded` keeps, loaded once: this process is the only replica,
   * so counting them in memory is exact, and an add is not a count of the stored rows each time.
   */
  readonly #bounded = new Map<string, Promise<Set<string>>>();
  /** When expired rows were last swept (claims write one row each that nothing reads again). */
  // Expiry here is the store's own, on real time as Redis's `PX` is (src/clock.ts), not the bot's clock.
  #sweptAt = systemClock.now();

  constructor(store: Store, prefix: string) {
    if (!store.sets) throw new Error('LocalAtomicKv needs a local store (sqlite:// or memory://).');
    this.#store = store;
    this.#sets = store.sets;
    this.#prefix = prefix;
  }

  get(key: string): Promise<string | undefined> {
    return this.#store.get<string>(this.#prefix + key);
  }

  /** One read for all of them where the store has one (memory, SQLite: it takes turns itself). */
  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (this.#store.getMany) return this.#store.getMany<string>(keys.map((k) => this.#prefix + k));
    return Promise.all(keys.map((k) => this.get(k)));
  }

  /**
   * No `assumed` here: under this process's lock, reading the current value costs no round trip.
   * The journal is written under the same lock, just before the record: this process is the only
   * writer, and a crash between the two leaves a line for a write that was not made, which the
   * write made again says again with the same line (at least once, never lost).
   */
  update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
    _assumed?: string,
    journal?: () => readonly string[],
  ): Promise<string | undefined> {
    return this.#locked(key, async () => {
      const current = await this.get(key);
      const next = fn(current);
      if (next === SKIP) return current;
      const lines = journal?.() ?? [];
      const said =
        lines.length > 0 ? `${(await this.get(journalKey(key))) ?? ''}${joinLines(lines)}` : undefined;
      if (said !== undefined) await this.#store.set(this.#prefix + journalKey(key), said);
      if (next === undefined) await this.#store.delete(this.#prefix + key);
      else await this.#store.set(this.#prefix + key, next);
      return next;
    });
  }

  async journals(keys: readonly string[]): Promise<string[]> {
    return (await this.getMany(keys.map(journalKey))).map((text) => text ?? '');
  }

  async dropJournal(key: string, taken: string): Promise<void> {
    await this.#locked(key, async () => {
      const text = (await this.get(journalKey(key))) ?? '';
      if (taken === '' || !text.startsWith(taken)) return;
      const rest = text.slice(taken.length);
      if (rest === '') await this.#store.delete(this.#prefix + journalKey(key));
      else await this.#store.set(this.#prefix + journalKey(key), rest);
    });
  }

  /**
   * A set is one record per member (member-sets.ts), so adding a member writes that member only.
   * Earlier versions kept it in the Keyv store as JSON lists rewritten per member: one list, then
   * 64 lists by a hash of the member (adding 10,000 watches took 30 s, then 6 s, on SQLite).
   */
  async setAdd(set: string, member: string): Promise<void> {
    await this.#migrateListSet(set);
    await this.#sets.add(this.#prefix + set, member);
    (await this.#bounded.get(set))?.add(member);
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.#migrateListSet(set);
    await this.#sets.remove(this.#prefix + set, member);
    (await this.#bounded.get(set))?.delete(member);
  }

  setAddBounded(set: string, member: string, max: number): Promise<BoundedAdd> {
    // Under the set's lock: the check and the add are one step for every caller in this process.
    return this.#locked(`bounded-set:${set}`, async () => {
      const members = await this.#boundedMembers(set);
      if (members.has(member)) return { in: true, added: false, size: members.size };
      if (members.size >= max) return { in: false, added: false, size: members.size };
      await this.#sets.add(this.#prefix + set, member);
      members.add(member);
      return { in: true, added: true, size: members.size };
    });
  }

  async setSize(set: string): Promise<number> {
    return (await this.#boundedMembers(set)).size;
  }

  #boundedMembers(set: string): Promise<Set<string>> {
    let members = this.#bounded.get(set);
    if (!members) {
      members = this.setMembers(set).then((list) => new Set(list));
      this.#bounded.set(set, members);
      members.catch(() => this.#bounded.delete(set));
    }
    return members;
  }

  async setMembers(set: string): Promise<string[]> {
    await this.#migrateListSet(set);
    return this.#sets.members(this.#prefix + set);
  }

  /** A set an earlier version kept as JSON lists moves into the member records, once per process. */
  #migrateListSet(set: string): Promise<void> {
    if (!LIST_FORM_SETS.has(set)) return Promise.resolve();
    // Single flight: a remove racing the move could otherwise see the member come back.
    let migration = this.#migrated.get(set);
    if (!migration) {
      migration = this.#moveListSet(set);
      this.#migrated.set(set, migration);
      migration.catch(() => this.#migrated.delete(set));
    }
    return migration;
  }

  /**
   * Copies every member first (one write), then deletes the lists: a crash in between leaves lists
   * whose members are already in, and the next start copies them again harmlessly.
   */
  async #moveListSet(set: string): Promise<void> {
    const keys = [set, ...Array.from({ length: LIST_SHARDS }, (_, i) => `${set}#${i}`)];
    const lists = await this.getMany(keys);
    const members = lists.flatMap((raw) => parseList(raw));
    if (members.length > 0) await this.#sets.addAll(this.#prefix + set, members);
    for (const [i, raw] of lists.entries())
      if (raw !== undefined) await this.#store.delete(this.#prefix + keys[i]);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = systemClock.now();
    const lease = this.#leases.get(name);
    if (lease && lease.expiresAt > now && lease.holder !== holder) return false;
    this.#leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.#leases.get(name)?.holder === holder) this.#leases.delete(name);
  }

  /** This process is the only replica: the group is kept for what it says, on the store's time. */
  async heartbeat(set: string, member: string, ttlMs: number): Promise<string[]> {
    const now = systemClock.now();
    const group = this.#groups.get(set) ?? new Map<string, number>();
    this.#groups.set(set, group);
    group.set(member, now + ttlMs);
    for (const [m, until] of group) if (until <= now) group.delete(m);
    return [...group.keys()].sort();
  }

  async leave(set: string, member: string): Promise<void> {
    this.#groups.get(set)?.delete(member);
  }

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    const current = this.#windows.get(key);
    const count = current?.window === window ? current.count + 1 : 1;
    this.#windows.set(key, { window, count });
    return count;
  }

  async take(key: string, window: SlidingWindow, max: number, now: number): Promise<number> {
    const slots = windowSlots(window, now);
    const counts = this.#slots.get(key) ?? new Map<number, number>();
    for (const slot of counts.keys()) if (slot < slots[0]!) counts.delete(slot);
    const waitMs = waitForSlot(
      slots.map((s) => counts.get(s) ?? 0),
      max,
      window,
      now,
    );
    if (waitMs > 0) return waitMs;
    const current = slots[slots.length - 1]!;
    counts.set(current, (counts.get(current) ?? 0) + 1);
    this.#slots.set(key, counts);
    return 0;
  }

  /**
   * In the store, not in memory, so a restart does not forget what was seen. A claim's row is never
   * read again once its key stops coming, so rows past their expiry are swept once per `ttlMs`.
   */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    const claimed = await this.#locked(key, async () => {
      if ((await this.get(key)) !== undefined) return false;
      await this.#store.set(this.#prefix + key, '1', ttlMs);
      return true;
    });
    const now = systemClock.now();
    if (this.#store.deleteExpired && now - this.#sweptAt >= ttlMs) {
      this.#sweptAt = now;
      await this.#store.deleteExpired();
    }
    return claimed;
  }

  async close(): Promise<void> {
    // The Keyv store belongs to the bot, which closes it.
  }

  /** Serialises work per key: the previous holder's promise is awaited, whatever its outcome. */
  async expire(key: string, ttlMs: number): Promise<void> {
    await this.#locked(key, async () => {
      const current = await this.get(key);
      if (current !== undefined) await this.#store.set(this.#prefix + key, current, ttlMs);
    });
  }

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

/** How many lists the previous version spread a set over (`<set>#0` … `<set>#63`). */
const LIST_SHARDS = 64;
/**
 * The only sets an earlier version kept as JSON lists (before 21202c1): the watch index
 * and the subscriptions. Every set since has been member records from its first add, so only
 * these are looked for in list form. Looking reads 65 keys, once per set and process: for the
 * per-resource sets (one per watched resource) that made adding 10,000 watches 3×
 * slower in memory and 1.5× on SQLite (bench store row: 2.2 s → 3.1 s, over its 3 s target).
 */
const LIST_FORM_SETS = new Set(['index', 'subscriptions']);

function parseList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new StoreUnavailableError('The watch index is corrupt.');
  return parsed.filter((m): m is string => typeof m === 'string');
}
