import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, createCluster, createSentinel } from '@redis/client';
import { systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { keySlot } from './key-slot.js';
import { modeProblem, type RedisProblem, redisProblem } from './redis-problems.js';
import { type RedisTarget, type RedisTopology, withoutPassword } from './redis-target.js';
import { type RedisTls, tlsHandshakeError, tlsSocketOptions } from './redis-tls.js';

/** How long a connection waits for Redis before it gives up (the bot's start-up: STORE_CONNECT_TIMEOUT_SECONDS). */
export const STORE_CONNECT_WAIT_MS = 10_000;

/** The socket settings every client shares, whatever the topology. */
function socketOptions(tls: RedisTls | undefined, target: RedisTarget) {
  return {
    connectTimeout: 2_000,
    reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000),
    ...tlsSocketOptions(target.tls, tls),
  };
}

/** What every data connection sets, on every node of every topology. */
const DATA_CLIENT = {
  // Fail fast while disconnected instead of queueing: a store outage is an error (and `/readyz`
  // says so), not a request that hangs until Redis is back.
  disableOfflineQueue: true,
  // No CLIENT SETINFO on connect: the commands the bot sends are exactly the documented ACL list.
  disableClientInfo: true,
} as const;

/**
 * A client for `target`, not yet connected: node-redis's own `createClient`, `createCluster` (it
 * follows MOVED and ASK and refreshes the slot map) or `createSentinel` (it finds the master and
 * follows a failover). Keyv's adapter takes any of the three as it is.
 */
export function newRedisClient(target: RedisTarget, tls?: RedisTls) {
  const socket = socketOptions(tls, target);
  const credentials = {
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
  };
  switch (target.topology) {
    case 'single':
      return createClient({ url: target.url, ...DATA_CLIENT, socket });
    case 'cluster':
      return createCluster({
        rootNodes: target.nodes.map((n) => ({ socket: { host: n.host, port: n.port } })),
        defaults: { ...credentials, ...DATA_CLIENT, socket },
      });
    case 'sentinel':
      return createSentinel({
        name: target.masterName ?? '',
        sentinelRootNodes: target.nodes,
        // node-redis prints each failed attempt of a first connect with console.log while it
        // retries this many times: 0 lets RedisConnection.open do the retrying (stdout stays the
        // bot's JSON lines), and a command caught by a failover fails as a store error the bot
        // already retries (a watch cycle, the person's command) instead of being sent again here.
        maxCommandRediscovers: 0,
        nodeClientOptions: {
          ...credentials,
          ...DATA_CLIENT,
          ...(target.database === undefined ? {} : { database: target.database }),
          socket,
        },
        sentinelClientOptions: { ...DATA_CLIENT, socket },
      });
  }
}
export type AnyRedisClient = ReturnType<typeof newRedisClient>;

/** Closes a client of any topology, however far it got. */
export async function closeClient(client: AnyRedisClient): Promise<void> {
  try {
    await client.close();
  } catch {
    destroyClient(client);
  }
}

export function destroyClient(client: AnyRedisClient): void {
  // The Sentinel client's destroy is async; a client that never connected may refuse either.
  Promise.resolve()
    .then(() => client.destroy())
    .catch(() => undefined);
}

/** The store did not connect: `problem` when Redis said why, in an operator's words. */
export class RedisConnectError extends StoreUnavailableError {
  readonly problem: RedisProblem | undefined;
  constructor(message: string, problem: RedisProblem | undefined, cause: unknown) {
    super(message, { cause });
    this.problem = problem;
  }
}

/**
 * One connection to the bot's Redis, whatever its topology: commands are sent with the key that
 * routes them (a cluster sends each to the master of that key's slot), and `mget` keeps every
 * request inside one slot.
 */
export class RedisConnection {
  readonly target: RedisTarget;
  readonly #client: AnyRedisClient;

  private constructor(target: RedisTarget, client: AnyRedisClient) {
    this.target = target;
    this.#client = client;
  }

  get topology(): RedisTopology {
    return this.target.topology;
  }

  /**
   * Connects within `waitMs` (retrying meanwhile), or throws a RedisConnectError saying how many
   * attempts failed and the last error. A failure no wait can mend (an untrusted certificate, a
   * wrong password, a cluster node named as one server) stops at once, with its fix.
   */
  static async open(
    target: RedisTarget,
    logger: Logger,
    options: { waitMs?: number; tls?: RedisTls } = {},
  ): Promise<RedisConnection> {
    const waitMs = options.waitMs ?? STORE_CONNECT_WAIT_MS;
    // Real time (src/clock.ts): a wait for a real server and socket.
    const deadline = systemClock.now() + waitMs;
    let failedAttempts = 0;
    let lastError: unknown;
    let fatal: RedisProblem | undefined;
    if (target.tls) {
      const refused = await tlsHandshakeError(target.nodes, options.tls, Math.min(2_000, waitMs));
      const problem = refused && redisProblem(refused, target);
      if (problem?.fatal)
        throw new RedisConnectError(startFailure(target, problem.message), problem, refused);
    }
    for (;;) {
      const client = newRedisClient(target, options.tls);
      let connected = false;
      let stop: (() => void) | undefined;
      const stopped = new Promise<'fatal'>((resolve) => {
        stop = () => resolve('fatal');
      });
      client.on('error', (error: unknown) => {
        if (connected) {
          const problem = redisProblem(error, target);
          return logger.warn(
            { err: error, ...(problem ? { problem: problem.message } : {}) },
            'redis connection error',
          );
        }
        // While connecting, each failed attempt is counted for the one message below, not logged.
        failedAttempts++;
        lastError = error;
        const problem = redisProblem(error, target);
        if (problem?.fatal) {
          fatal = problem;
          stop?.();
        }
        logger.debug({ err: error, attempt: failedAttempts }, 'redis not reachable yet');
      });
      let timer: NodeJS.Timeout | undefined;
      const connecting = client.connect().then(() => 'connected' as const);
      // After a timeout the client is destroyed and `connect()` rejects: nobody waits for it then.
      connecting.catch(() => undefined);
      let outcome: 'connected' | 'fatal' | 'timeout' | 'failed';
      try {
        outcome = await Promise.race([
          connecting,
          stopped,
          new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - systemClock.now()));
          }),
        ]);
      } catch (cause) {
        failedAttempts++;
        lastError = cause;
        const problem = redisProblem(cause, target);
        if (problem?.fatal) fatal = problem;
        outcome = 'failed';
      } finally {
        clearTimeout(timer);
      }
      if (outcome === 'connected') {
        connected = true;
        const connection = new RedisConnection(target, client);
        const refused = await connection.#checkMode();
        if (!refused) return connection;
        fatal = refused;
      }
      destroyClient(client);
      if (fatal) throw new RedisConnectError(startFailure(target, fatal.message), fatal, lastError);
      if (systemClock.now() >= deadline) {
        const reason = lastError instanceof Error ? lastError.message : String(lastError ?? 'no answer');
        throw new RedisConnectError(
          `Redis did not answer within ${waitMs / 1000} s (${failedAttempts} failed connection attempt${failedAttempts === 1 ? '' : 's'}; last error: ${reason}).`,
          undefined,
          lastError,
        );
      }
      // A cluster or Sentinel client gives up when no seed node answers: try again, within the wait.
      await sleep(Math.min(250, Math.max(0, deadline - systemClock.now())));
    }
  }

  /** Sends one command, routed by `key` on a cluster (a keyless one goes to any node). */
  send<T>(args: readonly string[], key?: string): Promise<T> {
    // Each topology's client takes its routing differently; the union cannot be called as one.
    const client = this.#client as unknown as {
      sendCommand(...params: unknown[]): Promise<T>;
    };
    switch (this.target.topology) {
      case 'single':
        return client.sendCommand([...args]);
      case 'cluster':
        return client.sendCommand(key, false, [...args]);
      case 'sentinel':
        // Not read-only: every command goes to the master, whose answers are the current ones.
        return client.sendCommand(false, [...args]);
    }
  }

  /**
   * `MGET` of `keys`, in their order. On a cluster one `MGET` per hash slot (keys of one slot stay
   * together: what a hash tag gives), sent at once; elsewhere one `MGET` for all.
   */
  async mget(keys: readonly string[]): Promise<(string | null)[]> {
    if (this.target.topology !== 'cluster') return this.send<(string | null)[]>(['MGET', ...keys]);
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, i) => {
      const slot = keySlot(key);
      const group = bySlot.get(slot);
      if (group) group.push(i);
      else bySlot.set(slot, [i]);
    });
    const values: (string | null)[] = new Array(keys.length).fill(null);
    await Promise.all(
      [...bySlot.values()].map(async (indexes) => {
        const group = indexes.map((i) => keys[i]!);
        const answer = await this.send<(string | null)[]>(['MGET', ...group], group[0]);
        indexes.forEach((index, j) => {
          values[index] = answer[j] ?? null;
        });
      }),
    );
    return values;
  }

  /**
   * The keys matching `pattern` that hold strings, a page at a time (`SCAN … TYPE string`), on every
   * master of a cluster; tools that walk the whole store use it (`keys rotate`), never the bot.
   */
  async *scan(pattern: string, count = 500): AsyncGenerator<string[]> {
    for (const send of await this.#masters()) {
      let cursor = '0';
      // A SCAN ends when the cursor comes back to 0; the bound only stops a server that never says so.
      for (let round = 0; round < 10_000_000; round++) {
        const [next, keys] = await send([
          'SCAN',
          cursor,
          'MATCH',
          pattern,
          'COUNT',
          String(count),
          'TYPE',
          'string',
        ]);
        if (keys.length > 0) yield keys;
        cursor = String(next);
        if (cursor === '0') break;
      }
    }
  }

  /** One sender per master: the cluster's each, or the one server (Sentinel: its master). */
  async #masters(): Promise<((args: string[]) => Promise<[string, string[]]>)[]> {
    if (this.target.topology !== 'cluster') return [(args) => this.send(args)];
    const cluster = this.#client as unknown as {
      masters: unknown[];
      nodeClient(node: unknown): Promise<{ sendCommand(args: string[]): Promise<unknown> }>;
    };
    return Promise.all(
      cluster.masters.map(async (master) => {
        const node = await cluster.nodeClient(master);
        return (args: string[]) => node.sendCommand(args) as Promise<[string, string[]]>;
      }),
    );
  }

  async close(): Promise<void> {
    await closeClient(this.#client);
  }

  destroy(): void {
    destroyClient(this.#client);
  }

  /**
   * What the server says it is (`HELLO`, which an ACL does not restrict), against what STORE_URL
   * says: a cluster node or a Sentinel named as one server, or a replica, is refused at once.
   * A server without `HELLO` (before Redis 6) is not checked.
   */
  async #checkMode(): Promise<RedisProblem | undefined> {
    if (this.target.topology !== 'single') return undefined;
    const answer = await this.send<unknown[]>(['HELLO']).catch((error: unknown) => error);
    if (answer instanceof Error) return redisProblem(answer, this.target);
    if (!Array.isArray(answer)) return undefined;
    const field = (name: string) => String(answer[answer.indexOf(name) + 1] ?? '');
    return modeProblem(field('mode'), field('role'), this.target);
  }
}

/** The first line of a start-up failure: where, and what Redis said. */
function startFailure(target: RedisTarget, problem: string): string {
  return `${problem} (STORE_URL=${withoutPassword(target.url)})`;
}
