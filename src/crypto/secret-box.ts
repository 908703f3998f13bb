import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../errors.js';

/**
 * Encryption at rest (credentials typed into Slack, OAuth tokens): AES-256-GCM, key ring
 * `MIGRATE_BOT_ENCRYPTION_KEYS` = `k2:<base64 32 bytes>,k1:…`. The first key encrypts, all decrypt: rotate
 * by putting the new key first and keeping the old until every record is rewritten. Sealed value:
 * `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url, random 12-byte IV, 16-byte tag); the optional context
 * (AAD, `connection:T0123:hw-prod`) binds it to its record, so a copied value does not decrypt.
 */

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export class SecretBoxError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Config, message, options);
  }
}

export interface KeyRingEntry {
  id: string;
  key: Buffer;
}

/**
 * Parses `k2:<base64>,k1:<base64>`. Returns the problems (each a sentence fragment that reads after
 * the variable name) instead of throwing, so config validation can list them with the others.
 */
export function parseKeyRing(value: string): { keys: KeyRingEntry[]; problems: string[] } {
  const keys: KeyRingEntry[] = [];
  const problems: string[] = [];
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) problems.push('must list at least one key as <id>:<base64 of 32 bytes>');
  for (const [index, part] of parts.entries()) {
    const colon = part.indexOf(':');
    const id = colon > 0 ? part.slice(0, colon) : '';
    const encoded = colon > 0 ? part.slice(colon + 1) : part;
    const where = `key ${index + 1}${id ? ` (${id})` : ''}`;
    if (!KEY_ID.test(id)) {
      problems.push(
        `${where} must be written <id>:<base64>, with an id of letters, digits, - or _ (e.g. k1:$(openssl rand -base64 32))`,
      );
      continue;
    }
    if (keys.some((k) => k.id === id)) {
      problems.push(`${where}: the id ${id} is used twice`);
      continue;
    }
    const key = decodeKey(encoded);
    if (!key) {
      problems.push(
        `${where} must be base64 of exactly ${KEY_BYTES} bytes (generate one with openssl rand -base64 32)`,
      );
      continue;
    }
    keys.push({ id, key });
  }
  return { keys, problems };
}

function decodeKey(encoded: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/** A new random key, formatted for the key ring (what `openssl rand -base64 32` prints). */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export class SecretBox {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: readonly KeyRingEntry[]) {
    const first = keys[0];
    if (!first) throw new SecretBoxError('The encryption key ring is empty.');
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new SecretBoxError(`Invalid encryption key id "${k.id}".`);
      if (k.key.length !== KEY_BYTES)
        throw new SecretBoxError(`Encryption key ${k.id} is not ${KEY_BYTES} bytes.`);
    }
    this.currentKeyId = first.id;
    this.#keys = new Map(keys.map((k) => [k.id, Buffer.from(k.key)]));
  }

  /** From the `MIGRATE_BOT_ENCRYPTION_KEYS` format; throws one error listing every problem. */
  static fromKeyRing(value: string): SecretBox {
    const { keys, problems } = parseKeyRing(value);
    if (problems.length > 0) throw new SecretBoxError(`MIGRATE_BOT_ENCRYPTION_KEYS: ${problems.join('; ')}`);
    return new SecretBox(keys);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Encrypts with the current key and a fresh random IV. */
  seal(plaintext: string, context = ''): string {
    const key = this.#keys.get(this.currentKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.currentKeyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.currentKeyId, b64(iv), b64(ciphertext), b64(tag)].join('.');
  }

  /** Decrypts with the key the value names; throws a SecretBoxError that says what is wrong. */
  open(sealed: string, context = ''): string {
    const { keyId, iv, ciphertext, tag } = parseSealed(sealed);
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        `A stored secret was encrypted with key "${keyId}", which is not in MIGRATE_BOT_ENCRYPTION_KEYS ` +
          `(it has ${this.keyIds.join(', ')}). Add that key back after the current one.`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new SecretBoxError(
        `A stored secret failed authentication with key "${keyId}": it was altered, copied from another record, ` +
          'or encrypted with a different key under the same id.',
        { cause },
      );
    }
  }

  /** The key id a sealed value names (without decrypting it). */
  keyIdOf(sealed: string): string {
    return parseSealed(sealed).keyId;
  }

  /** True when the value was sealed with an older key and should be written again. */
  needsRewrap(sealed: string): boolean {
    return this.keyIdOf(sealed) !== this.currentKeyId;
  }

  /** Re-encrypts with the current key (a no-op for values already under it). */
  rewrap(sealed: string, context = ''): string {
    return this.needsRewrap(sealed) ? this.seal(this.open(sealed, context), context) : sealed;
  }

  sealJson(value: unknown, context = ''): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson(sealed: string, context = ''): unknown {
    const text = this.open(sealed, context);
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SecretBoxError('A stored secret decrypted to something that is not JSON.', { cause });
    }
  }
}

/** The key id is authenticated too, so a value cannot be relabelled to another key. */
function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}\n${keyId}\n${context}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function parseSealed(sealed: string): { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = sealed.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !keyId ||
    !KEY_ID.test(keyId) ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined
  ) {
    throw new SecretBoxError('A stored secret is not in the v1.<key id>.<iv>.<ciphertext>.<tag> format.');
  }
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new SecretBoxError('A stored secret has an IV or tag of the wrong length.');
  }
  return { keyId, iv: ivBytes, ciphertext: Buffer.from(ciphertext, 'base64url'), tag: tagBytes };
}
