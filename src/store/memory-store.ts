import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { systemClock } from '../clock.js';
import type { Store } from './create-store.js';
import { MemoryMemberSets } from './member-sets.js';

/** A value kept as Keyv kept it: serialized with its expiry (objects, numbers, anything with a TTL). */
interface Boxed {
  readonly serialized: string;
  readonly expires: number | undefined;
}

/**
 * The `memory://` store, without Keyv's `{"value":…,"expires":…}` wrapper (ADR 0022): a string
 * without a TTL is kept as it is (strings are immutable); anything else goes through Keyv's own
 * serializer, so objects still come back as copies (dates as strings, buffers as buffers).
 */
// Key expiry is the store's own, on real time as Redis's `PX` is (src/clock.ts): never the bot's clock.
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly sets = new MemoryMemberSets();
  readonly #entries = new Map<string, string | Boxed>();

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined || typeof entry === 'string') return entry as T | undefined;
    if (entry.expires !== undefined && systemClock.now() > entry.expires) {
      this.#entries.delete(key);
      return undefined;
    }
    return (defaultDeserialize(entry.serialized) as { value?: T } | null)?.value;
  }

  /** One promise for all of them (a poll reads a connection's records at once), not one per key. */
  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const values: (T | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const entry = this.#entries.get(keys[i]!);
      values[i] = typeof entry === 'string' ? (entry as T) : await this.get<T>(keys[i]!);
    }
    return values;
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.#put(key, value, ttlMs);
  }

  #put<T>(key: string, value: T, ttlMs: number | undefined): void {
    // Keyv's rule: a TTL of 0 is none.
    const expires = typeof ttlMs === 'number' && ttlMs !== 0 ? systemClock.now() + ttlMs : undefined;
    if (typeof value === 'string' && expires === undefined) {
      this.#entries.set(key, value);
      return;
    }
    this.#entries.set(key, { serialized: defaultSerialize({ value, expires }), expires });
  }

  /** Checked and written in one turn of the event loop: nothing else runs in between. */
  async add<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    const entry = this.#entries.get(key);
    const live =
      entry !== undefined &&
      (typeof entry === 'string' || entry.expires === undefined || systemClock.now() <= entry.expires);
    if (live) return false;
    this.#put(key, value, ttlMs);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.#entries.delete(key);
  }

  async deleteExpired(): Promise<number> {
    const now = systemClock.now();
    let deleted = 0;
    for (const [key, entry] of this.#entries)
      if (typeof entry !== 'string' && entry.expires !== undefined && now > entry.expires) {
        this.#entries.delete(key);
        deleted++;
      }
    return deleted;
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives and dies with the process.
  }
}
