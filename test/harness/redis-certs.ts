import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A private CA, a server certificate for `redis.test` only (so a connection to 127.0.0.1 needs
 * STORE_TLS_SERVERNAME), and a client certificate, made with openssl for one test file. Paths
 * and PEM texts; `remove()` deletes them.
 */
export interface TestCerts {
  dir: string;
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
  /** The PEM texts, by the same names. */
  pem: { ca: string; clientCert: string; clientKey: string };
  remove(): void;
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0)
      throw new Error(`openssl ${args[0]} failed: ${result.error?.message ?? result.stderr}`);
  };
  const req = ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256'];
  openssl(
    ...req,
    '-x509',
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-subj',
    '/CN=migrate-bot test CA',
  );
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:redis.test\n');
  for (const [name, cn] of [
    ['server', 'redis.test'],
    ['client', 'migrate-bot'],
  ] as const) {
    openssl(...req, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      file(`${name}.pem`),
      ...(name === 'server' ? ['-extfile', file('server.ext')] : []),
    );
  }
  return {
    dir,
    ca: file('ca.pem'),
    cert: file('server.pem'),
    key: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    pem: {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      clientCert: readFileSync(file('client.pem'), 'utf8'),
      clientKey: readFileSync(file('client.key'), 'utf8'),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
