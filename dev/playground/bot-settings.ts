import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseKeyRing } from '../../src/crypto/secret-box.js';

/** Where the playground keeps its encryption key, so connections stored in SQLite stay readable. */
export const PLAYGROUND_KEY_FILE = path.resolve('data', 'playground.key');

/** Seconds between watcher cycles unless POLL_INTERVAL_SECONDS says otherwise: events show quickly. */
export const PLAYGROUND_POLL_SECONDS = 3;

/** The key id in the playground's key ring (`<id>:<base64>`). */
const KEY_ID = 'playground';

/**
 * The bot settings the playground adds to the environment: a short poll interval, a key ring for
 * secrets stored from Slack (`/migrate connect`), one that signs evidence bundles, and the simulators' addresses as allowed
 * endpoints. Whatever the environment sets itself wins (allowed endpoints are added to).
 */
export function playgroundBotSettings(
  env: Record<string, string | undefined>,
  simulatorUrls: readonly string[],
  keyFile: string = PLAYGROUND_KEY_FILE,
): Record<string, string> {
  const given = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  return {
    POLL_INTERVAL_SECONDS: given('POLL_INTERVAL_SECONDS') ?? String(PLAYGROUND_POLL_SECONDS),
    MIGRATE_BOT_ENCRYPTION_KEYS:
      given('MIGRATE_BOT_ENCRYPTION_KEYS') ??
      (/^memory:\/\//.test(env.STORE_URL ?? '')
        ? `${KEY_ID}:${newKey()}`
        : `${KEY_ID}:${loadOrCreateKey(keyFile)}`),
    // Evidence bundles are signed by a key of its own, kept beside the encryption key (docs/evidence.md).
    MIGRATE_BOT_EVIDENCE_KEYS:
      given('MIGRATE_BOT_EVIDENCE_KEYS') ??
      (/^memory:\/\//.test(env.STORE_URL ?? '')
        ? `${KEY_ID}:${newKey()}`
        : `${KEY_ID}:${loadOrCreateKey(keyFile.replace(/(\.key)?$/, '-evidence.key'))}`),
    MIGRATE_BOT_ALLOWED_ENDPOINTS: [given('MIGRATE_BOT_ALLOWED_ENDPOINTS'), ...simulatorUrls]
      .filter((u): u is string => u !== undefined)
      .join(','),
  };
}

function newKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The key in `file`, made once (mode 0600) when there is none. A file that does not hold a key is
 * an error, never replaced: connections stored under it would become unreadable.
 */
export function loadOrCreateKey(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${newKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const key = readFileSync(file, 'utf8').trim();
  if (parseKeyRing(`${KEY_ID}:${key}`).problems.length > 0)
    throw new Error(
      `${file} does not hold a playground key (base64 of 32 bytes). Restore it, or delete it to make a new one ` +
        '(connections added from Slack in earlier runs then become unreadable).',
    );
  return key;
}
