import { type createClient, type createCluster, RESP_TYPES } from '@redis/client';
import { newRedisClient } from '../../src/store/redis-connection.js';
import { parseRedisUrl } from '../../src/store/redis-target.js';

/** The Redis the tests use: one server, unless TEST_REDIS_URL names a cluster or a Sentinel set-up. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a test does to Redis besides the bot's own commands: look keys up, delete them, read one. */
export interface RedisAdmin {
  /** One command, routed by `key` on a cluster. */
  send<T>(args: string[], key?: string): Promise<T>;
  /** Every key matching `pattern`, on every master (SCAN in batches of 500). */
  keys(pattern: string): Promise<string[]>;
  /** `DUMP key`, its binary payload as it is (for `RESTORE`); null when the key is gone meanwhile. */
  dump(key: string): Promise<Buffer | null>;
  /** Deletes each of `keys` (one by one: on a cluster they lie in many slots). */
  del(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A client for `url` in any of the forms STORE_URL takes (the bot's own client settings). */
export async function redisAdmin(url = TEST_REDIS_URL): Promise<RedisAdmin> {
  const target = parseRedisUrl(url);
  if (typeof target === 'string') throw new Error(`TEST_REDIS_URL ${target}`);
  const client = newRedisClient(target);
  client.on('error', () => undefined);
  await client.connect();
  const raw = client as unknown as { sendCommand(...params: unknown[]): Promise<unknown> };
  const send = <T>(args: string[], key?: string, options?: object): Promise<T> => {
    if (target.topology === 'cluster') return raw.sendCommand(key, false, args, options) as Promise<T>;
    if (target.topology === 'sentinel') return raw.sendCommand(false, args, options) as Promise<T>;
    return raw.sendCommand(args, options) as Promise<T>;
  };
  const scan = async (node: (args: string[]) => Promise<unknown>, pattern: string) => {
    const found: string[] = [];
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = (await node(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '500'])) as [
        string,
        string[],
      ];
      found.push(...keys);
      cursor = String(next);
      if (cursor === '0') break;
    }
    return found;
  };
  return {
    send,
    keys: async (pattern) => {
      if (target.topology !== 'cluster') return scan((args) => send(args), pattern);
      const cluster = client as unknown as ReturnType<typeof createCluster>;
      const lists = await Promise.all(
        cluster.masters.map(async (master) => {
          const node = (await cluster.nodeClient(master)) as ReturnType<typeof createClient>;
          return scan((args) => node.sendCommand(args), pattern);
        }),
      );
      return lists.flat();
    },
    dump: (key) =>
      send<Buffer | null>(['DUMP', key], key, { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } }),
    del: async (keys) => {
      await Promise.all(keys.map((key) => send(['DEL', key], key)));
    },
    close: async () => {
      await Promise.resolve(client.close()).catch(() => undefined);
    },
  };
}

/** Deletes every key that matches `pattern` (bounded: SCAN in batches of 500). */
export async function dropKeys(pattern: string, url = TEST_REDIS_URL): Promise<void> {
  const admin = await redisAdmin(url);
  try {
    await admin.del(await admin.keys(pattern));
  } finally {
    await admin.close();
  }
}
