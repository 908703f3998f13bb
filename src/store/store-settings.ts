import { z } from 'zod';
import { isRedisUrl, parseRedisUrl } from './redis-target.js';
import type { RedisTls } from './redis-tls.js';

/**
 * STORE_URL: a SQLite file, memory, or Redis in any of its forms (redis-target.ts). A Redis URL is
 * read here as the store will read it, so a malformed host list fails the settings check, named.
 */
export const storeUrlSetting = z.string().superRefine((value, ctx) => {
  if (/^(sqlite:\/\/.+|memory:\/\/.*)$/.test(value)) return;
  const problem = isRedisUrl(value)
    ? parseRedisUrl(value)
    : 'must be sqlite://<path>, redis://host:port or memory:// (or rediss://host:port for TLS, redis+cluster://host:port,host:port for a Redis Cluster, redis+sentinel://host:port,host:port/<master name> for Sentinel)';
  if (typeof problem === 'string') ctx.addIssue({ code: 'custom', message: problem });
});

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** PEM text, given as the setting or (the usual way) read from the file `<NAME>_FILE` names. */
const pem = (name: string, what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => /-----BEGIN [A-Z0-9 ]+-----/.test(value), {
        message: `must be PEM text (${what}): set ${name}_FILE to the file that holds it`,
      })
      .optional(),
  );

/**
 * TLS to Redis beyond what `rediss://` alone does (Node's public CAs, the name in STORE_URL):
 * a private CA, a client certificate and key, the name the server's certificate holds.
 */
export const storeTlsSettings = {
  STORE_TLS_CA: pem('STORE_TLS_CA', "the CA certificate Redis's certificate chains to"),
  STORE_TLS_CERT: pem('STORE_TLS_CERT', 'the client certificate Redis asks for'),
  STORE_TLS_KEY: pem('STORE_TLS_KEY', "the client certificate's private key"),
  STORE_TLS_SERVERNAME: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9*][A-Za-z0-9.*-]{0,252}$/, "must be a host name (the one Redis's certificate holds)")
      .optional(),
  ),
};

/** The store settings a file may hold (`<NAME>_FILE`) besides the secret ones (the key is one). */
export const STORE_FILE_SETTINGS: readonly string[] = ['STORE_URL', 'STORE_TLS_CA', 'STORE_TLS_CERT'];

type TlsEnv = { [K in keyof typeof storeTlsSettings]?: string };

/** The TLS material for Redis, or undefined when none is set. */
export function storeTls(env: TlsEnv): RedisTls | undefined {
  const tls: RedisTls = {
    ...(env.STORE_TLS_CA ? { ca: env.STORE_TLS_CA } : {}),
    ...(env.STORE_TLS_CERT ? { cert: env.STORE_TLS_CERT } : {}),
    ...(env.STORE_TLS_KEY ? { key: env.STORE_TLS_KEY } : {}),
    ...(env.STORE_TLS_SERVERNAME ? { servername: env.STORE_TLS_SERVERNAME } : {}),
  };
  return Object.keys(tls).length === 0 ? undefined : tls;
}

/** TLS settings that do not go with STORE_URL, or with each other. */
export function storeTlsProblems(storeUrl: string, tls: RedisTls | undefined): string[] {
  if (!tls) return [];
  const problems: string[] = [];
  if (!/^rediss(\+cluster|\+sentinel)?:\/\//i.test(storeUrl)) {
    const names = {
      ca: 'STORE_TLS_CA',
      cert: 'STORE_TLS_CERT',
      key: 'STORE_TLS_KEY',
      servername: 'STORE_TLS_SERVERNAME',
    };
    const set = Object.entries(names).flatMap(([field, name]) =>
      tls[field as keyof RedisTls] ? [name] : [],
    );
    problems.push(
      `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set, but STORE_URL does not ask for TLS: use rediss:// (rediss+cluster://, rediss+sentinel://), or unset ${set.length === 1 ? 'it' : 'them'}`,
    );
  }
  if (Boolean(tls.cert) !== Boolean(tls.key))
    problems.push(
      'STORE_TLS_CERT and STORE_TLS_KEY go together: set both (a client certificate and its key) or neither',
    );
  return problems;
}
