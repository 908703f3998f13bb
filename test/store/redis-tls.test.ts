import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { openBotStore } from '../../src/store/open-bot-store.js';
import type { RedisTls } from '../../src/store/redis-tls.js';
import { makeCerts, type TestCerts } from '../harness/redis-certs.js';
import { type RedisTopology, startSingle } from '../harness/redis-topology.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * Redis over TLS with a private CA and client certificates (Debian's redis-server with
 * --tls-port, certificates from openssl). Issue 50: an untrusted certificate was retried six
 * times as if Redis were down; it now stops the start-up at once with the fix, and so do a
 * certificate that does not name the host, a missing client certificate (which also used to end
 * the process: node-redis misses the reset that follows the server's alert) and a plain port.
 */
const { logger } = captureLogger('silent');
let certs: TestCerts;
let redis: RedisTopology;
let full: RedisTls;

beforeAll(async () => {
  certs = makeCerts();
  redis = await startSingle({
    tls: {
      cert: certs.cert,
      key: certs.key,
      ca: certs.ca,
      clientCert: certs.clientCert,
      clientKey: certs.clientKey,
      authClients: true,
    },
  });
  full = { ca: certs.pem.ca, cert: certs.pem.clientCert, key: certs.pem.clientKey, servername: 'redis.test' };
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  certs?.remove();
});

/**
 * The start-up's ConfigError for `tls`. "At once" is an order, not a measured time: the wait for
 * Redis is 60 s, longer than the test's own timeout, so a start-up that retried until then fails.
 */
async function refusal(url: string, tls: RedisTls): Promise<{ message: string }> {
  try {
    const opened = await openBotStore(url, logger, 60_000, { tls });
    await opened.close();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as Error).message };
  }
  throw new Error('the store opened');
}

describe('Redis over TLS', () => {
  it('connects with the private CA, a client certificate and the server’s name, and runs every command', async () => {
    expect(redis.url).toMatch(/^rediss:\/\//);
    const bot = await openBotStore(redis.url, logger, 8_000, { tls: full });
    try {
      expect(await bot.store.healthy()).toBe(true);
      await bot.state.update('tls:probe', () => 'over tls');
      expect(await bot.state.get('tls:probe')).toBe('over tls');
    } finally {
      await bot.close();
    }
  });

  it('stops at once on a certificate it does not trust, saying to set STORE_TLS_CA_FILE', async () => {
    const { message } = await refusal(redis.url, { ...full, ca: undefined });
    expect(message).toMatch(
      /cannot be used: the TLS certificate of Redis at 127\.0\.0\.1:\d+ is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)\.\nFix: set STORE_TLS_CA_FILE to the PEM file of the CA that signed it/,
    );
  });

  it('checks the name: by address the certificate does not hold, it says to set STORE_TLS_SERVERNAME', async () => {
    const { message } = await refusal(redis.url, { ...full, servername: undefined });
    expect(message).toMatch(
      /does not name the host STORE_URL connects to .*\nFix: .*set STORE_TLS_SERVERNAME/,
    );
  });

  it('says the server asks for a client certificate, and the process lives on', async () => {
    const { message } = await refusal(redis.url, { ca: full.ca, servername: 'redis.test' });
    expect(message).toMatch(
      /asks for a client certificate it trusts .*\nFix: set STORE_TLS_CERT_FILE and STORE_TLS_KEY_FILE/,
    );
  });

  it('says when rediss:// names a port that does not speak TLS', async () => {
    const plain = (process.env.TEST_REDIS_URL ?? '').startsWith('redis://')
      ? new URL(process.env.TEST_REDIS_URL!).host
      : '127.0.0.1:6379';
    const { message } = await refusal(`rediss://${plain}`, full);
    expect(message).toMatch(
      /does not speak TLS on that port .*\nFix: use redis:\/\/ for it, or the server's TLS port/,
    );
    // A TLS handshake Redis never answers, then a plain PING: told before the whole wait.
  });
});
