import type { RedisTarget } from './redis-target.js';

/**
 * Redis's refusals (`MOVED`, `READONLY`, `NOPERM`…), each as the cause an operator acts on and its
 * fix, instead of "Redis failed, try again" retried for the whole connect wait. `fatal`: waiting
 * cannot help (untrusted certificate, wrong password, wrong kind of Redis), so start-up stops at once.
 */
export interface RedisProblem {
  cause:
    | 'moved'
    | 'readonly'
    | 'noperm'
    | 'auth'
    | 'tls'
    | 'not-a-cluster'
    | 'a-sentinel'
    | 'crossslot'
    | 'clusterdown'
    | 'loading'
    | 'unknown-master'
    | 'failed';
  fatal: boolean;
  /** What is wrong, with what Redis said. */
  what: string;
  /** What the operator does about it. */
  fix: string;
  /** Both, for a log line and `/readyz`. */
  message: string;
}

export function problem(
  cause: RedisProblem['cause'],
  fatal: boolean,
  what: string,
  fix: string,
): RedisProblem {
  return { cause, fatal, what, fix, message: `${what}: ${fix}` };
}

/** Where the deployment notes on Redis are; every fix below points there. */
export const REDIS_DOCS = 'docs/deployment.md#redis';

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** What `error` (a reply of Redis, or a socket's failure) means for `target`; undefined when nothing more is known. */
export function redisProblem(error: unknown, target: RedisTarget): RedisProblem | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const text = error.message.split('\n')[0] ?? '';
  const where = nodesOf(target);
  const scheme = (tls: boolean) =>
    `${tls ? 'rediss' : 'redis'}${target.topology === 'single' ? '' : `+${target.topology}`}://`;
  if (UNTRUSTED.has(code))
    return problem(
      'tls',
      true,
      `the TLS certificate of Redis at ${where} is not trusted (${code})`,
      'set STORE_TLS_CA_FILE to the PEM file of the CA that signed it (or add that CA to NODE_EXTRA_CA_CERTS)',
    );
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return problem(
      'tls',
      true,
      `the TLS certificate of Redis at ${where} is not valid now (${code})`,
      'renew it on the server',
    );
  if (
    /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|alert (certificate required|bad certificate|unknown ca)/i.test(
      `${code} ${text}`,
    )
  )
    return problem(
      'tls',
      true,
      `Redis at ${where} asks for a client certificate it trusts (${code || text})`,
      'set STORE_TLS_CERT_FILE and STORE_TLS_KEY_FILE to a client certificate signed by a CA the server trusts, and its key (PEM)',
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return problem(
      'tls',
      true,
      `the TLS certificate of Redis does not name the host STORE_URL connects to (${text})`,
      'connect by a name the certificate holds, or set STORE_TLS_SERVERNAME to one',
    );
  if (
    /wrong version number|packet length too long|unknown protocol|plain-text PING|EPROTO/i.test(
      `${text} ${code}`,
    )
  )
    return problem(
      'tls',
      true,
      `Redis at ${where} does not speak TLS on that port (${text})`,
      `use ${scheme(false)} for it, or the server's TLS port`,
    );
  if (/^(MOVED|ASK) /.test(text) && target.topology !== 'cluster') {
    const other = /\s(\S+:\d+)$/.exec(text)?.[1];
    const nodes = [
      ...new Set([...target.nodes.map((n) => `${n.host}:${n.port}`), ...(other ? [other] : [])]),
    ];
    return problem(
      'moved',
      true,
      `Redis at ${where} is one node of a Redis Cluster (it answered "${text}")`,
      `this is a cluster, set STORE_URL=${target.tls ? 'rediss' : 'redis'}+cluster://${nodes.join(',')} (some of its nodes)`,
    );
  }
  if (/cluster support disabled/i.test(text))
    return problem(
      'not-a-cluster',
      true,
      `Redis at ${where} is not a Redis Cluster (${text})`,
      `set STORE_URL=${target.tls ? 'rediss' : 'redis'}://${where.split(',')[0]}`,
    );
  if (/^READONLY\b/.test(text))
    return problem(
      'readonly',
      false,
      `Redis at ${where} is a read-only replica (${text})`,
      'point STORE_URL at the primary, or at the Sentinels with redis+sentinel://host:port/<master name> so the bot follows a failover',
    );
  if (/^NOPERM\b/.test(text) || /can't run this command or subcommand/.test(text)) {
    const command = /'([^']+)' command/.exec(text)?.[1]?.toUpperCase();
    const user = target.username ?? 'default';
    const keys = /access one of the keys|permissions to access a key/i.test(text);
    const what = command
      ? `may not run ${command}`
      : keys
        ? 'may not use the bot’s keys'
        : 'may not run a command the bot needs';
    return problem(
      'noperm',
      false,
      `the Redis user "${user}" ${what} (${text})`,
      `give it the bot's commands and keys (${REDIS_DOCS}-acl): ACL SETUSER ${user} ${command ? `+${command.toLowerCase()}` : keys ? '~migrate-bot:*' : '<the listed commands>'}`,
    );
  }
  if (/^(WRONGPASS|NOAUTH)\b|invalid username-password/i.test(text))
    return problem(
      'auth',
      true,
      `Redis refused the user and password STORE_URL gives (${text})`,
      `give them as ${scheme(target.tls)}user:password@host:port (percent-encoded), or from a file with STORE_URL_FILE`,
    );
  if (/^ERR No such master with that name/i.test(text))
    return problem(
      'unknown-master',
      true,
      `the Sentinels at ${where} monitor no master named "${target.masterName ?? ''}" (${text})`,
      'end STORE_URL with the name of their "sentinel monitor" line (SENTINEL MASTERS lists it)',
    );
  if (/^CROSSSLOT\b/.test(text))
    return problem(
      'crossslot',
      false,
      `the Redis Cluster refused one request over keys in different slots (${text})`,
      'a defect of migrate-bot: please report it with this line',
    );
  if (/^CLUSTERDOWN\b/.test(text))
    return problem(
      'clusterdown',
      false,
      `the Redis Cluster is down (${text})`,
      'every slot needs a master that answers',
    );
  if (/^LOADING\b/.test(text))
    return problem('loading', false, `Redis is loading its data (${text})`, 'wait for it');
  if (/^ERR unknown command/i.test(text) && target.topology !== 'sentinel')
    return problem(
      'a-sentinel',
      true,
      `Redis at ${where} does not know the bot's commands (${text}): it may be a Sentinel`,
      `set STORE_URL=${target.tls ? 'rediss' : 'redis'}+sentinel://${where}/<master name> for a Sentinel, or point it at a Redis data server`,
    );
  return undefined;
}

/** What a server said about itself (`HELLO`), checked against STORE_URL's form before anything else. */
export function modeProblem(mode: string, role: string, target: RedisTarget): RedisProblem | undefined {
  const where = nodesOf(target);
  if (target.topology === 'single' && mode === 'cluster')
    return problem(
      'moved',
      true,
      `Redis at ${where} is one node of a Redis Cluster`,
      `this is a cluster, set STORE_URL=${target.tls ? 'rediss' : 'redis'}+cluster://${where} (and more of its nodes, comma-separated)`,
    );
  if (target.topology === 'single' && mode === 'sentinel')
    return problem(
      'a-sentinel',
      true,
      `Redis at ${where} is a Sentinel, not a data server`,
      `set STORE_URL=${target.tls ? 'rediss' : 'redis'}+sentinel://${where}/<master name>`,
    );
  if (target.topology === 'single' && role === 'replica')
    return problem(
      'readonly',
      true,
      `Redis at ${where} is a read-only replica`,
      'point STORE_URL at the primary, or at the Sentinels with redis+sentinel://host:port/<master name> so the bot follows a failover',
    );
  return undefined;
}

function nodesOf(target: RedisTarget): string {
  return target.nodes.map((n) => `${n.host}:${n.port}`).join(',');
}
