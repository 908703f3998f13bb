import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type AtomicKv, type BoundedAdd, joinLines, SKIP } from './atomic-kv.js';
import { journalName, legacyJournalName, tagged } from './key-slot.js';
import { checkCommands } from './redis-command-check.js';
import { RedisConnection } from './redis-connection.js';
import { type RedisProblem, redisProblem } from './redis-problems.js';
import {
  BOUNDED_ADD,
  COMPARE_AND_SET,
  COMPARE_AND_SET_JOURNAL,
  DELETE_IF_HOLDER,
  DROP_JOURNAL,
  EXTEND_IF_HOLDER,
  HEARTBEAT,
  MOVE_JOURNAL,
  SLIDING_TAKE,
  WINDOW_HIT,
} from './redis-scripts.js';
import { parseRedisUrl, type RedisTarget } from './redis-target.js';
import type { RedisTls } from './redis-tls.js';
import { type SlidingWindow, slotTtlMs, waitForSlot, windowSlots } from './sliding-window.js';

export { STORE_CONNECT_WAIT_MS } from './redis-connection.js';

/** Which keys are read or written together on a cluster: those `tagOf` gives one tag share a slot. */
export interface SlotTags {
  /** The hash tag of `key` on a cluster, undefined for a key named as on one server. */
  tagOf(key: string): string | undefined;
}

const MAX_CAS_ATTEMPTS = 50;

/**
 * Redis primitives for several replicas: every write of a watch record is a compare-and-set (Lua),
 * leases are `SET NX PX` plus compare-and-extend / compare-and-delete scripts, and the edit budget
 * is an `INCR` per fixed window. Its own connection (the Redis STORE_URL names: one server, a
 * cluster or a Sentinel set-up; redis-connection.ts), keys under `prefix`.
 */
export class RedisAtomicKv implements AtomicKv {
  readonly kind = 'redis' as const;
  readonly #conn: RedisConnection;
  readonly #prefix: string;
  readonly #tags: SlotTags | undefined;
  readonly #tagged: boolean;
  /** A view over another's connection (`named`): closing it leaves the connection open. */
  readonly #view: boolean;
  #legacyRefused = false;

  private constructor(
    conn: RedisConnection,
    prefix: string,
    tags: SlotTags | undefined,
    tagged: boolean,
    view = false,
  ) {
    this.#conn = conn;
    this.#prefix = prefix;
    this.#tags = tags;
    this.#tagged = tagged && tags !== undefined;
    this.#view = view;
  }

  /**
   * Connects within `waitMs` (the client retries meanwhile), or throws a StoreUnavailableError
   * saying how many attempts failed and the last error: an unreachable Redis stops the start-up
   * with one message instead of a retry warning every 2 s for ever. What no wait can mend (see
   * RedisConnection.open) stops it at once.
   */
  static async connect(
    url: string | RedisTarget,
    prefix: string,
    logger: Logger,
    options: { waitMs?: number; tls?: RedisTls; tags?: SlotTags } = {},
  ): Promise<RedisAtomicKv> {
    const target = typeof url === 'string' ? parseRedisUrl(url) : url;
    if (typeof target === 'string') throw new StoreUnavailableError(`STORE_URL ${target}`);
    const conn = await RedisConnection.open(target, logger, options);
    return new RedisAtomicKv(conn, prefix, options.tags, conn.topology === 'cluster');
  }

  /** Whether keys `tags` names carry their hash tag here (on a cluster). */
  get tagged(): boolean {
    return this.#tagged;
  }

  /**
   * The same store on the same connection with the keys named as on a cluster (`tagged`) or as on
   * one server: what moves records from one naming to the other reads and writes through.
   */
  named(tagged: boolean): RedisAtomicKv {
    return new RedisAtomicKv(this.#conn, this.#prefix, this.#tags, tagged, true);
  }

  /**
   * Runs every command the bot sends Redis once, on keys of its own: undefined when all were
   * allowed, else what Redis refused and the fix (a command the ACL user lacks, a replica, a cluster
   * node named as one server). Start-up and `/readyz` ask it, so a refusal is named, not retried.
   */
  check(): Promise<RedisProblem | undefined> {
    return checkCommands(this.#conn, this.#prefix);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#run(
      'get',
      async () => (await this.#send<string | null>(['GET', this.#name(key)])) ?? undefined,
    );
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    return this.#run('mget', async () => {
      const values = await this.#conn.mget(keys.map((k) => this.#name(k)));
      return values.map((v) => v ?? undefined);
    });
  }

  async update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
    assumed?: string,
    journal?: () => readonly string[],
  ): Promise<string | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const fromAssumed = attempt === 0 && assumed !== undefined;
      const current = fromAssumed ? assumed : await this.get(key);
      const next = fn(current);
      if (next === SKIP) {
        // Decided on the assumed value: only the stored one may leave the record as it is.
        if (fromAssumed) continue;
        return current;
      }
      const cas = [
        current === undefined ? '0' : '1',
        current ?? '',
        next === undefined ? '0' : '1',
        next ?? '',
      ];
      const lines = journal?.() ?? [];
      const written =
        lines.length === 0
          ? await this.#eval('update', COMPARE_AND_SET, [this.#name(key)], cas)
          : await this.#eval(
              'update',
              COMPARE_AND_SET_JOURNAL,
              [this.#name(key), this.#journalName(key)],
              [...cas, joinLines(lines)],
            );
      if (written === 1) return next;
      // An assumed value that was not current any more is no race: read it and try again at once.
      if (fromAssumed) continue;
      // Lost a race: back off a random few milliseconds so contending writers spread out.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreUnavailableError(`The record ${key} changed too often to update; try again.`);
  }

  async journals(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.#run('mget', async () =>
      (await this.#conn.mget(keys.map((k) => this.#journalName(k)))).map((v) => v ?? ''),
    );
  }

  /**
   * Moves what builds before issue 73 left under the journals' old names (`{migrate-bot:…}:journal`) to the new
   * ones, older lines first, so the sweep takes them. A user the documented ACL limits to
   * `~migrate-bot:*` may not read the old names, and so could never have written them: after its
   * first NOPERM this stops asking.
   */
  async adoptLegacyJournals(keys: readonly string[]): Promise<void> {
    if (this.#legacyRefused) return;
    const pairs = keys.flatMap((key) => {
      const old = legacyJournalName(this.#name(key));
      const now = this.#journalName(key);
      return old && old !== now ? [[old, now] as const] : [];
    });
    if (pairs.length === 0) return;
    let texts: (string | null)[];
    try {
      texts = await this.#conn.mget(pairs.map(([old]) => old));
    } catch (error) {
      if (!String(error).includes('NOPERM')) throw error;
      this.#legacyRefused = true;
      return;
    }
    for (const [i, text] of texts.entries())
      if (text) await this.#eval('journal', MOVE_JOURNAL, [...pairs[i]!], []);
  }

  async dropJournal(key: string, taken: string): Promise<void> {
    if (taken === '') return;
    await this.#eval('journal', DROP_JOURNAL, [this.#journalName(key)], [taken]);
  }

  async setAdd(set: string, member: string): Promise<void> {
    await this.#run('sadd', () => this.#send(['SADD', this.#name(set), member]));
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.#run('srem', () => this.#send(['SREM', this.#name(set), member]));
  }

  async setMembers(set: string): Promise<string[]> {
    return this.#run('smembers', () => this.#send<string[]>(['SMEMBERS', this.#name(set)]));
  }

  async setAddBounded(set: string, member: string, max: number): Promise<BoundedAdd> {
    const [isIn, added, size] = await this.#run('sadd', () =>
      this.#send<number[]>(['EVAL', BOUNDED_ADD, '1', this.#name(set), member, String(max)]),
    );
    return { in: isIn === 1, added: added === 1, size: Number(size) };
  }

  async setSize(set: string): Promise<number> {
    return this.#run('scard', async () => Number(await this.#send(['SCARD', this.#name(set)])));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = this.#name(name);
    const set = await this.#run('lease', () =>
      this.#send<string | null>(['SET', key, holder, 'NX', 'PX', String(ttlMs)]),
    );
    if (set === 'OK') return true;
    return (await this.#eval('lease', EXTEND_IF_HOLDER, [key], [holder, String(ttlMs)])) === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#eval('release', DELETE_IF_HOLDER, [this.#name(name)], [holder]);
  }

  async heartbeat(set: string, member: string, ttlMs: number): Promise<string[]> {
    const members = await this.#run('heartbeat', () =>
      this.#send<string[]>(['EVAL', HEARTBEAT, '1', this.#name(set), member, String(ttlMs)]),
    );
    return members.map(String).sort();
  }

  async leave(set: string, member: string): Promise<void> {
    await this.#run('zrem', () => this.#send(['ZREM', this.#name(set), member]));
  }

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    return this.#eval('hit', WINDOW_HIT, [`${this.#prefix}${key}:${window}`], [String(windowMs + 1_000)]);
  }

  async take(key: string, window: SlidingWindow, max: number, now: number): Promise<number> {
    // One script reads all the window's slot counters: on a cluster they share a hash tag (the
    // window's name) to stay in one slot. One server keeps the names 0.2.0 gave them, so old and
    // new replicas count together during a rolling update or a rollback.
    const base = this.#conn.topology === 'cluster' ? tagged(this.#prefix, key) : this.#prefix + key;
    const keys = windowSlots(window, now).map((slot) => `${base}:s${slot}`);
    const counts = await this.#run('take', () =>
      this.#send<number[]>([
        'EVAL',
        SLIDING_TAKE,
        String(keys.length),
        ...keys,
        String(max),
        String(slotTtlMs(window)),
      ]),
    );
    return counts.length === 0 ? 0 : Math.max(1, waitForSlot(counts.map(Number), max, window, now));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const stored = this.#name(key);
    const set = await this.#run('claim', () =>
      this.#send<string | null>(['SET', stored, '1', 'NX', 'PX', String(ttlMs)]),
    );
    return set === 'OK';
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    await this.#run('pexpire', () => this.#send(['PEXPIRE', this.#name(key), String(ttlMs)]));
  }

  async close(): Promise<void> {
    if (!this.#view) await this.#conn.close();
  }

  /** Drops the connection without releasing anything: what a replica that dies looks like. */
  destroy(): void {
    this.#conn.destroy();
  }

  /** A key's name in Redis: under the prefix, with its hash tag first when it has one here. */
  #name(key: string): string {
    const tag = this.#tagged ? this.#tags!.tagOf(key) : undefined;
    return tag === undefined ? this.#prefix + key : `${tagged(this.#prefix, tag)}${key}`;
  }

  /** A key's journal: under the prefix, in the key's own slot (key-slot.ts `journalName`). */
  #journalName(key: string): string {
    return journalName(this.#name(key), this.#conn.topology === 'cluster');
  }

  /** A command whose first key (its routing on a cluster) is `args[1]`, as for every command here. */
  #send<T>(args: readonly string[]): Promise<T> {
    const first = args[0] === 'EVAL' ? (args[2] === '0' ? undefined : args[3]) : args[1];
    return this.#conn.send<T>(args, first);
  }

  async #eval(operation: string, script: string, keys: string[], args: string[]): Promise<number> {
    return this.#run(operation, async () =>
      Number(await this.#send(['EVAL', script, String(keys.length), ...keys, ...args])),
    );
  }

  async #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      // What Redis refused, named (MOVED, READONLY, NOPERM…), for the log line that reports it.
      const problem = redisProblem(cause, this.#conn.target);
      throw new StoreUnavailableError(
        problem
          ? `Redis refused ${operation}: ${problem.message}`
          : `Redis failed during ${operation}; try again shortly.`,
        { cause },
      );
    }
  }
}
