import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import type { Connection } from '../../../src/connections/connection.js';
import type { AtomicKv } from '../../../src/store/atomic-kv.js';
import type { Store } from '../../../src/store/create-store.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { latency } from '../../harness/latency.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { dropRedisKeys } from '../replica-redis.js';

/**
 * Two replicas of the bot for test/security/races/unique-decisions.test.ts: two Redis connections on one
 * key prefix of their own, each behind a proxy that delays every call by a round trip to a managed
 * Redis one hop away (HOP_MS each way) and records which AtomicKv method was called on which key.
 * With that delay, two replicas that read, decide, then write both read before either writes: a
 * check-then-write race is certain, not a matter of luck.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const HOP_MS = 10;

export interface Call {
  replica: 'a' | 'b';
  method: string;
  key: string;
}

export class Replicas {
  readonly calls: Call[] = [];
  readonly prefix =
    `test:unique-decisions:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;
  readonly #raw: RedisAtomicKv[] = [];
  #kvs: AtomicKv[] = [];

  async connect(): Promise<void> {
    const { logger } = captureLogger('silent');
    for (let i = 0; i < 2; i++) this.#raw.push(await RedisAtomicKv.connect(REDIS_URL, this.prefix, logger));
    this.#kvs = this.#raw.map((raw, i) => recording(raw, i === 0 ? 'a' : 'b', this.calls));
  }

  get a(): AtomicKv {
    return this.#kvs[0]!;
  }

  get b(): AtomicKv {
    return this.#kvs[1]!;
  }

  /** Attempt `i` runs on replica a when `i` is even, b when odd. */
  on(i: number): AtomicKv {
    return this.#kvs[i % 2]!;
  }

  /** How many times `method` was called on keys starting with `prefix`. */
  count(prefix: string, method: string): number {
    return this.calls.filter((c) => c.key.startsWith(prefix) && c.method === method).length;
  }

  /** Every method called on keys starting with `prefix`. */
  methods(prefix: string): string[] {
    return [...new Set(this.calls.filter((c) => c.key.startsWith(prefix)).map((c) => c.method))].sort();
  }

  reset(): void {
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#raw.map((r) => r.close()));
    await dropRedisKeys(REDIS_URL, this.prefix);
  }
}

/** Every method of `raw` delayed by a round trip and recorded (one entry per key it names). */
function recording(raw: RedisAtomicKv, replica: 'a' | 'b', calls: Call[]): AtomicKv {
  return new Proxy(raw, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'close') return value;
      return async (...args: unknown[]) => {
        const keys = Array.isArray(args[0]) ? (args[0] as string[]) : [String(args[0])];
        for (const key of keys) calls.push({ replica, method: String(property), key });
        await latency(HOP_MS);
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        await latency(HOP_MS);
        return result;
      };
    },
  }) as AtomicKv;
}

/**
 * The Keyv store both replicas share (a memory store here), one hop away as well, that refuses
 * and records every `set`/`delete` of a key starting with one of `decisionPrefixes`: records beside
 * a decision may live in the store, the decision itself may not.
 */
export function guardedStore(decisionPrefixes: readonly string[]): Store & { refused: string[] } {
  const refused: string[] = [];
  const inner = new MemoryStore();
  const guard =
    (method: 'set' | 'delete') =>
    async (key: string, ...rest: unknown[]) => {
      if (decisionPrefixes.some((p) => key.startsWith(p))) {
        refused.push(`${method} ${key}`);
        throw new Error(`a decision was written through the Keyv store: ${method} ${key}`);
      }
      await latency(HOP_MS);
      return (MemoryStore.prototype[method] as (...a: unknown[]) => Promise<unknown>).call(
        inner,
        key,
        ...rest,
      );
    };
  return Object.assign(inner, {
    refused,
    get: async <T>(key: string) => {
      await latency(HOP_MS);
      return MemoryStore.prototype.get.call(inner, key) as Promise<T | undefined>;
    },
    set: guard('set'),
    delete: guard('delete'),
  }) as unknown as Store & { refused: string[] };
}

/**
 * The Keyv store writes (`set`/`delete` on a name typed `Store` in its file, or named like a store)
 * of src/ under `root`: every one in a file that names a decision key, and anywhere one whose call
 * names a decision key. A call is read up to 200 characters on (its key may be on the next line).
 */
export function keyvWritesOfDecisions(root: string, prefixes: readonly string[]) {
  const found: { file: string; line: number; call: string }[] = [];
  const namesDecision = (text: string) => prefixes.some((p) => new RegExp(`['"\`]${p}`).test(text));
  const files = readdirSync(path.join(root, 'src'), { withFileTypes: true, recursive: true });
  for (const entry of files.filter((e) => e.isFile() && e.name.endsWith('.ts'))) {
    const full = path.join(entry.parentPath, entry.name);
    const file = path.relative(root, full).split(path.sep).join('/');
    const text = readFileSync(full, 'utf8');
    const stores = new Set([...text.matchAll(/(#?\w+)\??\s*:\s*Store\b/g)].map((m) => m[1]!));
    const decides = namesDecision(text);
    for (const m of text.matchAll(/(?:this\.)?(#?\w+)\??\.(set|delete)\([^;]{0,200}/g)) {
      const typed = stores.has(m[1]!);
      if ((typed && decides) || (namesDecision(m[0]) && (typed || /store|keyv|legacy/i.test(m[1]!))))
        found.push({ file, line: text.slice(0, m.index).split('\n').length, call: m[0].split('\n')[0]! });
    }
  }
  return found;
}

/** A pending approval request of workspace `t` (its id from `i`). */
export function approval(t: string, i: number): ApprovalRecord {
  const now = Date.now();
  return {
    id: String(i).padStart(10, '0'),
    team: t,
    requester: 'U0REQUEST',
    channel: 'C0REQUEST',
    connection: 'hw',
    provider: 'huawei-oms',
    kind: 'task',
    request: {},
    status: 'pending',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
  };
}

/** A connection as `/migrate connect` stores it (its endpoint is never called). */
export function connection(name: string): Connection {
  return {
    name,
    provider: 'huawei-oms',
    endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
    projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    auth: { type: 'aksk', accessKey: 'HWUNIQUEACCESSKEY001', secretKey: 'unique-decisions-secret-0001' },
    storage: {},
  };
}
