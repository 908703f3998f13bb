import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * The evidence bundle's file: one JSON document written one field a line, so that the offline
 * recipe (docs/evidence.md) takes each field out with `sed` and checks it with `openssl` alone.
 * `manifest` (base64) holds the exact bytes signed: the format, the subject and every part's name,
 * size and SHA-256; `parts` hold each part's bytes (base64). The verifier writes the document again
 * from what it read and wants the very same bytes, so a change of any byte fails, layout included.
 * No import of the bot: the CLI verifies with this module alone.
 */
export const EVIDENCE_FORMAT = 'migrate-bot-evidence/1';

export interface EvidencePart {
  name: string;
  bytes: Buffer;
}

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: string;
  subject: string;
  parts: ManifestEntry[];
}

export interface Signature {
  alg: 'Ed25519';
  keyId: string;
  value: string;
}

/** A part's name: a plain file name, so that it is one `sed` pattern and one file on disk. */
const PART_NAME = /^[a-z0-9][a-z0-9.-]{0,63}$/;
/** Base64 exactly as Node writes it: a stray or changed character never decodes to the same bytes. */
const isBase64 = (v: unknown): v is string =>
  typeof v === 'string' && Buffer.from(v, 'base64').toString('base64') === v;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The manifest's bytes (compact JSON, fields in this order): what is signed. */
export function manifestBytes(subject: string, parts: readonly EvidencePart[]): Buffer {
  const manifest: Manifest = {
    format: EVIDENCE_FORMAT,
    subject,
    parts: parts.map((p) => ({ name: p.name, bytes: p.bytes.length, sha256: sha256(p.bytes) })),
  };
  return Buffer.from(JSON.stringify(manifest), 'utf8');
}

/** The bundle's text, from its parts, its manifest's bytes and their signature. */
export function writeBundle(parts: readonly EvidencePart[], manifest: Buffer, signature: Signature): string {
  for (const p of parts) if (!PART_NAME.test(p.name)) throw new Error(`part name ${p.name}`);
  const lines = parts.map(
    (p, i) => `${JSON.stringify(p.name)}:"${p.bytes.toString('base64')}"${i < parts.length - 1 ? ',' : '},'}`,
  );
  const sig = { alg: signature.alg, keyId: signature.keyId, value: signature.value };
  return [
    `{"format":${JSON.stringify(EVIDENCE_FORMAT)},`,
    '"parts":{',
    ...lines,
    `"manifest":"${manifest.toString('base64')}",`,
    `"signature":${JSON.stringify(sig)}}`,
    '',
  ].join('\n');
}

/** A public key as the bot serves it (`GET /api/v1/evidence/keys`). */
export interface TrustedKey {
  keyId: string;
  pem: string;
}

export type Verified =
  | { ok: true; keyId: string; manifest: Manifest; parts: EvidencePart[] }
  | { ok: false; why: string };

/**
 * Checks a bundle offline against the listed public keys: its layout, the signature of its
 * manifest by a listed key (by its id), and each part's size and SHA-256. Never throws.
 */
export function verifyBundle(text: string, trusted: readonly TrustedKey[]): Verified {
  let doc: { format?: unknown; parts?: unknown; manifest?: unknown; signature?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return { ok: false, why: 'not a JSON document' };
  }
  if (doc.format !== EVIDENCE_FORMAT) return { ok: false, why: `not an ${EVIDENCE_FORMAT} bundle` };
  const sig = doc.signature as Partial<Signature> | undefined;
  if (sig?.alg !== 'Ed25519' || typeof sig.keyId !== 'string' || !isBase64(sig.value))
    return { ok: false, why: 'no Ed25519 signature' };
  const entries = Object.entries((doc.parts ?? {}) as Record<string, unknown>);
  if (!isBase64(doc.manifest) || entries.length === 0) return { ok: false, why: 'no manifest or no parts' };
  if (entries.some(([name, v]) => !PART_NAME.test(name) || !isBase64(v)))
    return { ok: false, why: 'a part is not base64 under a plain name' };
  const parts = entries.map(([name, v]) => ({ name, bytes: Buffer.from(v as string, 'base64') }));
  const manifest = Buffer.from(doc.manifest, 'base64');
  const signature = { alg: sig.alg, keyId: sig.keyId, value: sig.value };
  if (writeBundle(parts, manifest, signature) !== text)
    return { ok: false, why: 'the file is not as it was written (a byte was changed, added or removed)' };
  const key = trusted.find((k) => k.keyId === sig.keyId);
  if (!key) return { ok: false, why: `signed by key ${sig.keyId}, which is not among the listed keys` };
  let good = false;
  try {
    good = verify(null, manifest, createPublicKey(key.pem), Buffer.from(sig.value, 'base64'));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, why: `the manifest's signature does not match key ${sig.keyId}` };
  const read = JSON.parse(manifest.toString('utf8')) as Manifest;
  const named = read.parts.map((p) => p.name).join('\n');
  if (named !== parts.map((p) => p.name).join('\n'))
    return { ok: false, why: 'the parts are not the ones the manifest names' };
  for (const [i, p] of read.parts.entries()) {
    const bytes = parts[i]!.bytes;
    if (bytes.length !== p.bytes || sha256(bytes) !== p.sha256)
      return { ok: false, why: `part ${p.name} does not match its SHA-256 in the manifest` };
  }
  return { ok: true, keyId: sig.keyId, manifest: read, parts };
}
