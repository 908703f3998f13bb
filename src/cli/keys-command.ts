import { FILE_SETTINGS } from '../config.js';
import { type KeyStatus, keyStatus, type RotateOptions, rotateKeys } from '../crypto/key-rotation.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { readSettingFiles } from '../setting-files.js';
import { openRawRecords, type RawRecords } from '../store/raw-records.js';
import { storeTls } from '../store/store-settings.js';

/**
 * `migrate-bot keys status|rotate` (`npm run keys -- status`, in the image `node dist/src/main.js
 * keys status`): the sealed secrets of the store STORE_URL names, counted per key id of
 * MIGRATE_BOT_ENCRYPTION_KEYS, and re-encrypted under its first key, while the bot runs. Returns
 * the exit code: 0 when done (status: every value under the current key), 1 otherwise.
 */
export async function runKeysCommand(
  args: readonly string[],
  rawEnv: Record<string, string | undefined>,
  out: (line: string) => void,
  logger: Logger,
  options: RotateOptions = {},
): Promise<number> {
  const [action, ...rest] = args;
  if ((action !== 'status' && action !== 'rotate') || rest.length > 0) {
    out(USAGE);
    return 2;
  }
  const { env, problems, warnings } = readSettingFiles(rawEnv, FILE_SETTINGS);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  for (const warning of warnings) logger.warn(`secret file: ${warning}`);
  const ring = env.MIGRATE_BOT_ENCRYPTION_KEYS?.trim();
  if (!ring)
    throw new ConfigError(
      'MIGRATE_BOT_ENCRYPTION_KEYS (or MIGRATE_BOT_ENCRYPTION_KEYS_FILE) is not set: give the key ring the bot runs with, the new key first.',
    );
  const box = SecretBox.fromKeyRing(ring);
  const storeUrl = env.STORE_URL?.trim();
  if (!storeUrl) throw new ConfigError('STORE_URL is not set: give the store the bot runs on.');
  const tls = storeTls(env);
  const records = await openRawRecords(storeUrl, logger, tls ? { tls } : {});
  try {
    if (action === 'status') {
      const status = await keyStatus(records, box);
      describe(status, box, records, out);
      return status.old === 0 && status.unknown.length === 0 ? 0 : 1;
    }
    return await rotate(records, box, out, options);
  } finally {
    await records.close();
  }
}

const USAGE = [
  'Usage: migrate-bot keys status|rotate',
  '  status  counts the sealed secrets in STORE_URL per key id of MIGRATE_BOT_ENCRYPTION_KEYS',
  '  rotate  re-encrypts every one under the first key of MIGRATE_BOT_ENCRYPTION_KEYS, while the bot runs',
].join('\n');

async function rotate(
  records: RawRecords,
  box: SecretBox,
  out: (line: string) => void,
  options: RotateOptions,
): Promise<number> {
  const result = await rotateKeys(records, box, options);
  const retried = result.retried === 0 ? '' : ` (${result.retried} written meanwhile by the bot, read again)`;
  out(
    `Re-encrypted ${count(result.rewrapped, 'sealed secret')} in ${count(result.records, 'record')} under ${box.currentKeyId}${retried}.`,
  );
  for (const failure of result.failed) out(`  not re-encrypted: ${failure.key}: ${failure.reason}`);
  describe(result.after, box, records, out);
  return result.failed.length === 0 && result.after.old === 0 && result.after.unknown.length === 0 ? 0 : 1;
}

function describe(status: KeyStatus, box: SecretBox, records: RawRecords, out: (line: string) => void): void {
  const total = [...status.byKey.values()].reduce((a, b) => a + b, 0);
  out(`${count(total, 'sealed secret')} in ${count(status.records, 'record')} of ${records.where}:`);
  for (const [id, n] of status.byKey) {
    const note =
      id === box.currentKeyId ? ' (current)' : box.keyIds.includes(id) ? '' : ' (NOT in the key ring)';
    out(`  ${id}${note}: ${n}`);
  }
  for (const key of status.unknown)
    out(`  ${key}: holds a sealed value this build does not know how to re-encrypt`);
  const old = box.keyIds.filter((id) => id !== box.currentKeyId);
  if (status.old === 0 && status.unknown.length === 0)
    out(
      old.length === 0
        ? `Every sealed secret is under ${box.currentKeyId}.`
        : `Every sealed secret is under ${box.currentKeyId}: ${old.join(', ')} can be removed from MIGRATE_BOT_ENCRYPTION_KEYS (keep ${old.length === 1 ? 'it' : 'them'} with the backups taken before now: they still need ${old.length === 1 ? 'it' : 'them'}).`,
    );
  else if (status.old > 0)
    out(
      `${count(status.old, 'sealed secret')} under an older key: run \`keys rotate\` (the bot must run with ${box.currentKeyId} first in its key ring already).`,
    );
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
