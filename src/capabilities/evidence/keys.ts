import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { parseKeyRing } from '../../crypto/secret-box.js';

/** The setting that holds the signing keys (or `<name>_FILE`, a secret file like the others). */
export const EVIDENCE_KEYS_SETTING = 'MIGRATE_BOT_EVIDENCE_KEYS';

/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** One key of the ring as the bot serves it: its id and its public key (PEM, and the raw 32 bytes). */
export interface PublicEvidenceKey {
  keyId: string;
  alg: 'Ed25519';
  pem: string;
  raw: string;
}

/** The ring of signing keys: the first signs, every one is served as a public key (rotation). */
export interface EvidenceKeys {
  signer: { keyId: string; key: KeyObject };
  public: PublicEvidenceKey[];
}

/**
 * The ring from the setting's value (`k2:<base64 of 32 bytes>,k1:…`, the encryption keys' form):
 * each value is an Ed25519 seed (`openssl rand -base64 32`). Undefined when none is set: bundles
 * are then refused, naming the setting, never signed with a key made up on the spot.
 */
export function evidenceKeys(value: string | undefined): EvidenceKeys | undefined {
  if (!value?.trim()) return undefined;
  const { keys, problems } = parseKeyRing(value);
  // The settings refuse a malformed ring at start-up; this is reached only from code given one.
  if (problems.length > 0 || keys.length === 0)
    throw new Error(`${EVIDENCE_KEYS_SETTING}: ${problems.join('; ')}`);
  const ring = keys.map((k) => {
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, k.key]),
      format: 'der',
      type: 'pkcs8',
    });
    return { keyId: k.id, key };
  });
  return {
    signer: ring[0]!,
    public: ring.map(({ keyId, key }) => publicKeyOf(keyId, createPublicKey(key))),
  };
}

function publicKeyOf(keyId: string, key: KeyObject): PublicEvidenceKey {
  const der = key.export({ format: 'der', type: 'spki' });
  return {
    keyId,
    alg: 'Ed25519',
    pem: String(key.export({ format: 'pem', type: 'spki' })),
    // The SPKI of an Ed25519 key ends with its 32 raw bytes.
    raw: der.subarray(der.length - 32).toString('base64'),
  };
}

/** Ed25519 over `bytes` (deterministic: the same bytes and key give the same signature). */
export function signBytes(keys: EvidenceKeys, bytes: Buffer): { keyId: string; value: string } {
  return { keyId: keys.signer.keyId, value: sign(null, bytes, keys.signer.key).toString('base64') };
}
