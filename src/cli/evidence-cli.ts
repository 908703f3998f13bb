import { type TrustedKey, verifyBundle } from '../capabilities/evidence/bundle-format.js';

/**
 * `migrate-bot evidence …` (issue 78): `get <ref> [--out <file>]` fetches a signed bundle, `keys`
 * prints the bot's public keys (save them: `verify` reads them), and `verify <file> --keys <file>`
 * checks a bundle offline: its layout, its signature by a listed key and every part's SHA-256.
 */
export const EVIDENCE_USAGE = `  evidence get <ref> [--out <file>]  the signed evidence bundle (stdout, or the file)
  evidence keys                   the bot's public keys, as verify reads them (JSON)
  evidence verify <file> --keys <keys.json>   offline: exit 0 verified, 1 not`;

export interface EvidenceIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
  writeFile?(path: string, text: string): void;
  /** The bot's API (GET), answering its JSON; throws the CLI's error with its exit code. */
  get(path: string): Promise<Record<string, unknown>>;
}

/** Runs `evidence <words>`; resolves with the exit code (2: usage). */
export async function evidenceCli(words: readonly string[], io: EvidenceIo): Promise<number> {
  const [verb, ...rest] = words;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    if (i < 0) return undefined;
    const value = rest[i + 1];
    rest.splice(i, 2);
    return value ?? '';
  };
  const out = option('--out');
  const keysFile = option('--keys');
  if (verb === 'get' && rest.length === 1 && out !== '') {
    const bundle = await io.get(`/api/v1/evidence/${encodeURIComponent(rest[0]!)}`);
    const text = String(bundle.text ?? '');
    if (out && io.writeFile) {
      io.writeFile(out, text);
      io.out(
        `${inert(String(bundle.filename))}: ${bundle.subject ? inert(String(bundle.subject)) : ''}, signed with key ${inert(String(bundle.keyId))}, written to ${out}`,
      );
    } else io.out(text.replace(/\n$/, ''));
    return 0;
  }
  if (verb === 'keys' && rest.length === 0) {
    io.out(JSON.stringify(await io.get('/api/v1/evidence-keys'), null, 2));
    return 0;
  }
  if (verb === 'verify' && rest.length === 1 && keysFile) {
    const trusted = readKeys(io.readFile(keysFile));
    const checked = verifyBundle(io.readFile(rest[0]!), trusted);
    if (!checked.ok) {
      io.err(`NOT verified: ${inert(checked.why)}`);
      return 1;
    }
    io.out(`verified: ${inert(checked.manifest.subject)}, signed with key ${inert(checked.keyId)}`);
    for (const p of checked.manifest.parts)
      io.out(`  ${p.sha256}  ${String(p.bytes).padStart(9)}  ${inert(p.name)}`);
    return 0;
  }
  io.err(`usage:\n${EVIDENCE_USAGE}`);
  return 2;
}

/** The keys file: what `evidence keys` printed (`{ keys: [{ keyId, pem }] }`), or a list of them. */
function readKeys(text: string): TrustedKey[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const list = Array.isArray(value) ? value : (value as { keys?: unknown }).keys;
  return (Array.isArray(list) ? list : []).filter(
    (k): k is TrustedKey => typeof k?.keyId === 'string' && typeof k?.pem === 'string',
  );
}

/** Names a bundle carries, printed without a control character (a terminal's escapes stay out). */
function inert(text: string): string {
  let shown = '';
  for (const c of text) {
    const n = c.charCodeAt(0);
    shown += n < 0x20 || n === 0x7f || (n >= 0x80 && n < 0xa0) ? `\\u${n.toString(16).padStart(4, '0')}` : c;
  }
  return shown;
}
