import type { Logger } from '../logger.js';
import { type AtomicKv, LocalAtomicKv } from './atomic-kv.js';
import type { Store } from './create-store.js';
import { instrumentAtomicKv } from './instrument-store.js';
import type { SlotTags } from './redis-atomic-kv.js';
import { isRedisUrl } from './redis-target.js';

/** The same Redis store named two ways: as this topology names keys (`current`) and the other way. */
export interface Namings {
  current: AtomicKv;
  other: AtomicKv;
  /** Whether `current` gives keys their hash tags (a cluster). */
  tagged: boolean;
}

/** Which keys share a slot on a cluster, and how a store named the other way is brought round. */
export interface KeyNaming extends SlotTags {
  /** Runs once the store is open, before anything else reads it. */
  settle(namings: Namings): Promise<void>;
}

/**
 * Redis when the store is Redis (replicas share it); otherwise the Keyv store with in-process locks.
 * `naming`: the hash tags its keys get on a cluster (none: every key named as on one server).
 */
export async function openAtomicKv(
  storeUrl: string,
  store: Store,
  prefix: string,
  logger: Logger,
  naming?: KeyNaming,
): Promise<AtomicKv> {
  if (!isRedisUrl(storeUrl)) return new LocalAtomicKv(store, prefix);
  // Loaded only for Redis: the client is a few MB that SQLite and memory deployments never use.
  const { RedisAtomicKv } = await import('./redis-atomic-kv.js');
  // The Redis the store reached, as the store reached it (its TLS settings included).
  const kv = await RedisAtomicKv.connect(store.redis?.target ?? storeUrl, prefix, logger, {
    ...(store.redis?.tls ? { tls: store.redis.tls } : {}),
    ...(naming ? { tags: naming } : {}),
  });
  if (naming) {
    const tagged = kv.tagged;
    await naming.settle({ current: kv, other: kv.named(!tagged), tagged }).catch(async (error: unknown) => {
      await kv.close();
      throw error;
    });
  }
  // Over a timed store (the watcher's connection), every operation is timed as well.
  return store.observe ? instrumentAtomicKv(kv, store.observe) : kv;
}

/** Parses a JSON value kept in an AtomicKv; a missing key is `undefined`. */
export function readJson(raw: string | undefined): unknown {
  return raw === undefined ? undefined : JSON.parse(raw);
}

/** What a JSON text can start with, after JSON's own white space. */
const JSON_START = /^[ \t\n\r]*[[{"\-0-9tfn]/;

/** Parses JSON from a button, a modal or the store; `undefined` when `text` is missing or not JSON. */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  // Most text that is not JSON is told by its first character, without the cost of a SyntaxError.
  if (text === undefined || !JSON_START.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
