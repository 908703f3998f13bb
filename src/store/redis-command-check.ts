import { randomUUID } from 'node:crypto';
import { tagged } from './key-slot.js';
import type { RedisConnection } from './redis-connection.js';
import { problem, type RedisProblem, redisProblem } from './redis-problems.js';

/**
 * Every command migrate-bot sends Redis, directly or from its Lua scripts (a script's commands are
 * checked against the user's ACL like any other), Keyv's included (`UNLINK` deletes). The ACL a
 * deployment gives the bot is exactly this list (docs/deployment.md "Redis ACL"), plus
 * `cluster|slots` on a cluster (the client reads the slot map with it) and `select` when STORE_URL
 * names a database other than 0.
 */
export const BOT_COMMANDS = [
  'get',
  'set',
  'mget',
  'del',
  'unlink',
  'eval',
  'incr',
  'pexpire',
  'pttl',
  'time',
  'sadd',
  'srem',
  'smembers',
  'scard',
  'sismember',
  'zadd',
  'zrem',
  'zrange',
  'zremrangebyscore',
] as const;

/** How long a probe key may outlive a check that could not delete it. */
const PROBE_TTL_MS = '60000';

/**
 * Runs each of the bot's commands once, each on its own so a refusal names its command, on keys
 * under `prefix` that share one hash tag (one slot on a cluster) and expire within a minute. Sent
 * at once (one round trip per node). Undefined when Redis ran them all; else the first refusal,
 * with its fix; a failure Redis gave no reason for is reported as it is.
 */
export async function checkCommands(
  conn: RedisConnection,
  prefix: string,
): Promise<RedisProblem | undefined> {
  const base = tagged(prefix, `probe:${randomUUID()}`);
  const [k, k2, counter, set, sorted] = ['k', 'k2', 'n', 's', 'z'].map((name) => `${base}:${name}`) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const probes: [string, ...string[]][] = [
    ['SET', k, '1', 'NX', 'PX', PROBE_TTL_MS],
    ['SET', k2, '1', 'PX', PROBE_TTL_MS],
    ['GET', k],
    ['MGET', k, k2],
    ['PEXPIRE', k, PROBE_TTL_MS],
    ['PTTL', k],
    ['INCR', counter],
    ['PEXPIRE', counter, PROBE_TTL_MS],
    ['SADD', set, 'm'],
    ['PEXPIRE', set, PROBE_TTL_MS],
    ['SISMEMBER', set, 'm'],
    ['SCARD', set],
    ['SMEMBERS', set],
    ['SREM', set, 'm'],
    ['ZADD', sorted, '0', 'm'],
    ['PEXPIRE', sorted, PROBE_TTL_MS],
    ['ZRANGE', sorted, '0', '-1'],
    ['ZREMRANGEBYSCORE', sorted, '-inf', '-1'],
    ['ZREM', sorted, 'm'],
    ['EVAL', 'return 1', '1', k],
    ['TIME'],
    ...(conn.topology === 'cluster' ? [['CLUSTER', 'SLOTS'] as [string, ...string[]]] : []),
    ...(conn.target.database ? [['SELECT', String(conn.target.database)] as [string, ...string[]]] : []),
    ['UNLINK', k2],
    ['DEL', k, counter, set, sorted],
  ];
  const answers = await Promise.allSettled(
    // Keyless commands (TIME, CLUSTER SLOTS) go to any node; the rest to the probe's slot.
    probes.map((args) => conn.send(args, args.length > 1 && args[0] !== 'CLUSTER' ? k : undefined)),
  );
  for (const [i, answer] of answers.entries()) {
    if (answer.status === 'fulfilled') continue;
    const command = probes[i]![0] === 'CLUSTER' ? 'CLUSTER SLOTS' : probes[i]![0];
    const refused = redisProblem(answer.reason, conn.target);
    if (refused) return refused;
    const said = answer.reason instanceof Error ? answer.reason.message : String(answer.reason);
    return problem(
      'failed',
      false,
      `Redis failed during ${command} (${said})`,
      'see that Redis answers, then try again',
    );
  }
  return undefined;
}
