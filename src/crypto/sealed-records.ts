import type { RawRecord } from '../store/raw-records.js';

/**
 * Where the bot keeps values sealed with its key ring (secret-box.ts), and the context each is
 * bound to, read from a stored record's text:
 *
 * - `state` `connections:<team>`: a connection added from Slack, bound to `connection:<team>:<name>`
 *   (connection-store.ts);
 * - `kv` `installation:team:<T…>` / `installation:enterprise:<E…>`: an OAuth installation, bound to
 *   that key (installation-store.ts).
 *
 * Any other record holding a sealed value is reported with no context: a tool cannot re-encrypt
 * what it does not know how to open, so it says so rather than call the rotation finished.
 */

/** A sealed value as seal() writes it: `v1.<key id>.<12-byte IV>.<ciphertext>.<16-byte tag>`, base64url parts. */
export const SEALED_VALUE =
  /v1\.([A-Za-z0-9_-]{1,32})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g;

/** Text every record holding a sealed value contains (what a store is searched for first). */
export const SEALED_NEEDLE = 'v1.';

export interface SealedValue {
  sealed: string;
  keyId: string;
  /** What it is bound to; undefined when this record is not one the bot seals into. */
  context: string | undefined;
}

/** Every sealed value in `record`, each with its key id and context. */
export function sealedValuesOf(record: Pick<RawRecord, 'space' | 'name' | 'value'>): SealedValue[] {
  const contexts = contextsOf(record);
  const found: SealedValue[] = [];
  for (const match of record.value.matchAll(SEALED_VALUE)) {
    const sealed = match[0];
    found.push({ sealed, keyId: match[1]!, context: contexts.get(sealed) });
  }
  return found;
}

const TEAM = /^[TE][A-Z0-9]{2,}$/;
const INSTALLATION = /^installation:(team|enterprise):[TE][A-Z0-9]{2,}$/;

function contextsOf(record: Pick<RawRecord, 'space' | 'name' | 'value'>): Map<string, string> {
  const contexts = new Map<string, string>();
  const parsed = parse(record.value);
  if (record.space === 'state' && record.name.startsWith('connections:')) {
    const team = record.name.slice('connections:'.length);
    const connections = (parsed as { connections?: unknown } | undefined)?.connections;
    if (TEAM.test(team) && Array.isArray(connections))
      for (const c of connections as { name?: unknown; sealed?: unknown }[])
        if (typeof c?.name === 'string' && typeof c.sealed === 'string')
          contexts.set(c.sealed, `connection:${team}:${c.name}`);
  }
  if (record.space === 'kv' && INSTALLATION.test(record.name)) {
    // Keyv's envelope `{"value":{…,"sealed":…}}` around the record.
    const sealed = (parsed as { value?: { sealed?: unknown } } | undefined)?.value?.sealed;
    if (typeof sealed === 'string') contexts.set(sealed, record.name);
  }
  return contexts;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
