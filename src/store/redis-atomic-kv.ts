import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type AtomicKv, type BoundedAdd, SKIP } from './atomic-kv.js';
import { type SlidingWindow, slotTtlMs, waitForSlot, windowSlots } from './sliding-window.js';

function newClient(url: string) {
  return createClient({
    url,
    // Fail fast while disconnected instead of queueing: a store outage is an error, not a wait.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000) },
  });
}
type RedisClient = ReturnType<typeof newClient>;

/** Compare-and-set on one key: ARGV = expectPresent(0|1), expected, writePresent(0|1), next. */
const COMPARE_AND_SET = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur ~= false then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;

/** The lease pattern: extend only if we hold it (the acquire is a plain SET NX PX). */
const EXTEND_IF_HOLDER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const DELETE_IF_HOLDER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * A heartbeat on the store's clock: KEYS = the group's sorted set; ARGV = member, ttl. Each
 * member's score is when its announcement lapses; lapsed ones are dropped, the rest returned.
 */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

const WINDOW_HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * A sliding-window take: KEYS = the window's slot counters, oldest first (the last is the current
 * one); ARGV = max, ttl. Counts in the current slot when the sum is under `max` and returns {};
 * otherwise counts nothing and returns every slot's count, for the wait to be worked out.
 */
const SLIDING_TAKE = `
local counts = {}
local sum = 0
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  counts[i] = n
  sum = sum + n
end
if sum < tonumber(ARGV[1]) then
  local last = KEYS[#KEYS]
  if redis.call('INCR', last) == 1 then redis.call('PEXPIRE', last, ARGV[2]) end
  return {}
end
return counts`;

/**
 * An add bounded by a set's size: KEYS = the set; ARGV = member, max. Returns {in, added, size}:
 * a member already in passes as it is, a new one only while the set has fewer than `max`.
 */
const BOUNDED_ADD = `
local n = redis.call('SCARD', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {1, 0, n} end
if n >= tonumber(ARGV[2]) then return {0, 0, n} end
redis.call('SADD', KEYS[1], ARGV[1])
return {1, 1, n + 1}`;

const MAX_CAS_ATTEMPTS = 50;

/** How long a connection waits for Redis before it gives up (the bot's start-up: STORE_CONNECT_TIMEOUT_SECONDS). */
export const STORE_CONNECT_WAIT_MS = 10_000;

/**
 * Redis primitives for several replicas: every write of a watch record is a compare-and-set (Lua),
 * leases are `SET NX PX` plus compare-and-extend / compare-and-delete scripts, and the edit budget
 * is an `INCR` per fixed window. Its own connection (same URL as STORE_URL), keys under `prefix`.
 */
export class RedisAtomicKv implements AtomicKv {
  readonly kind = 'redis' as const;
  readonly #client: RedisClient;
  readonly #prefix: string;

  private constructor(client: RedisClient, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  /**
   * Connects within `waitMs` (the client retries meanwhile), or throws a StoreUnavailableError
   * saying how many attempts failed and the last error: an unreachable Redis stops the start-up
   * with one message instead of a retry warning every 2 s for ever.
   */
  static async connect(
    url: string,
    prefix: string,
    logger: Logger,
    options: { waitMs?: number } = {},
  ): Promise<RedisAtomicKv> {
    const waitMs = options.waitMs ?? STORE_CONNECT_WAIT_MS;
    const client = newClient(url);
    let connected = false;
    let failedAttempts = 0;
    let lastError: unknown;
    client.on('error', (error: unknown) => {
      if (connected) return logger.warn({ err: error }, 'redis connection error');
      // While connecting, each failed attempt is counted for the one message below, not logged.
      failedAttempts++;
      lastError = error;
      logger.debug({ err: error, attempt: failedAttempts }, 'redis not reachable yet');
    });
    let timer: NodeJS.Timeout | undefined;
    const connecting = client.connect().then(() => true);
    // After a timeout the client is destroyed and `connect()` rejects: nobody waits for it then.
    connecting.catch(() => undefined);
    try {
      connected = await Promise.race([
        connecting,
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), waitMs);
        }),
      ]);
    } catch (cause) {
      lastError = cause;
    } finally {
      clearTimeout(timer);
    }
    if (connected) return new RedisAtomicKv(client, prefix);
    client.destroy();
    const reason = lastError instanceof Error ? lastError.message : String(lastError ?? 'no answer');
    throw new StoreUnavailableError(
      `Redis did not answer within ${waitMs / 1000} s (${failedAttempts} failed connection attempt${failedAttempts === 1 ? '' : 's'}; last error: ${reason}).`,
      { cause: lastError },
    );
  }

  async get(key: string): Promise<string | undefined> {
    return this.#run('get', async () => (await this.#client.get(this.#prefix + key)) ?? undefined);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    return this.#run('mget', async () => {
      const values = await this.#client.mGet(keys.map((k) => this.#prefix + k));
      return values.map((v) => v ?? undefined);
    });
  }

  async update(
    key: string,
    fn: (current: string | undefined) => string | undefined | typeof SKIP,
    assumed?: string,
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
      const written = await this.#eval(
        'update',
        COMPARE_AND_SET,
        [this.#prefix + key],
        [current === undefined ? '0' : '1', current ?? '', next === undefined ? '0' : '1', next ?? ''],
      );
      if (written === 1) return next;
      // An assumed value that was not current any more is no race: read it and try again at once.
      if (fromAssumed) continue;
      // Lost a race: back off a random few milliseconds so contending writers spread out.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreUnavailableError(`The record ${key} changed too often to update; try again.`);
  }

  async setAdd(set: string, member: string): Promise<void> {
    await this.#run('sadd', () => this.#client.sAdd(this.#prefix + set, member));
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.#run('srem', () => this.#client.sRem(this.#prefix + set, member));
  }

  async setMembers(set: string): Promise<string[]> {
    return this.#run('smembers', () => this.#client.sMembers(this.#prefix + set));
  }

  async setAddBounded(set: string, member: string, max: number): Promise<BoundedAdd> {
    const [isIn, added, size] = await this.#run('sadd', () =>
      this.#client.sendCommand<number[]>(['EVAL', BOUNDED_ADD, '1', this.#prefix + set, member, String(max)]),
    );
    return { in: isIn === 1, added: added === 1, size: Number(size) };
  }

  async setSize(set: string): Promise<number> {
    return this.#run('scard', () => this.#client.sCard(this.#prefix + set));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = this.#prefix + name;
    const set = await this.#run('lease', () =>
      this.#client.sendCommand<string | null>(['SET', key, holder, 'NX', 'PX', String(ttlMs)]),
    );
    if (set === 'OK') return true;
    return (await this.#eval('lease', EXTEND_IF_HOLDER, [key], [holder, String(ttlMs)])) === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#eval('release', DELETE_IF_HOLDER, [this.#prefix + name], [holder]);
  }

  async heartbeat(set: string, member: string, ttlMs: number): Promise<string[]> {
    const members = await this.#run('heartbeat', () =>
      this.#client.sendCommand<string[]>(['EVAL', HEARTBEAT, '1', this.#prefix + set, member, String(ttlMs)]),
    );
    return members.map(String).sort();
  }

  async leave(set: string, member: string): Promise<void> {
    await this.#run('zrem', () => this.#client.zRem(this.#prefix + set, member));
  }

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    return this.#eval('hit', WINDOW_HIT, [`${this.#prefix}${key}:${window}`], [String(windowMs + 1_000)]);
  }

  async take(key: string, window: SlidingWindow, max: number, now: number): Promise<number> {
    const keys = windowSlots(window, now).map((slot) => `${this.#prefix}${key}:s${slot}`);
    const counts = await this.#run('take', () =>
      this.#client.sendCommand<number[]>([
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
    const stored = this.#prefix + key;
    const set = await this.#run('claim', () =>
      this.#client.sendCommand<string | null>(['SET', stored, '1', 'NX', 'PX', String(ttlMs)]),
    );
    return set === 'OK';
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    await this.#run('pexpire', () => this.#client.pExpire(this.#prefix + key, ttlMs));
  }

  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }

  /** Drops the connection without releasing anything: what a replica that dies looks like. */
  destroy(): void {
    this.#client.destroy();
  }

  async #eval(operation: string, script: string, keys: string[], args: string[]): Promise<number> {
    return this.#run(operation, async () =>
      Number(await this.#client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args])),
    );
  }

  async #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new StoreUnavailableError(`Redis failed during ${operation}; try again shortly.`, {
        cause,
      });
    }
  }
}
