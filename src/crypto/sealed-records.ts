import type { RawRecord } from '../store/raw-records.js';

/**
 * Where sealed values live and their bound context: `state` `connections:<team>` → `connection:<team>:<name>`
 * (connection-store.ts); `kv` `installation:team:<T…>`/`installation:enterprise:<E…>` → that key
 * (installation-store.ts). Another record holding one is reported without context, so a rotation is never
 * called finished. Only the whole text of a JSON field `sealed` counts (a task named `v1.k1.…` would hold
 * rotation "unfinished" for ever); a non-JSON record holding that shape is still reported.
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
  const parsed = parse(record.value);
  const texts = parsed === undefined ? [record.value] : sealedFields(parsed);
  const contexts = parsed === undefined ? new Map<string, string>() : contextsOf(record, parsed);
  const found: SealedValue[] = [];
  for (const text of texts)
    for (const match of text.matchAll(SEALED_VALUE)) {
      // In a JSON field, only a value that is the whole field is one the bot sealed.
      if (parsed !== undefined && match[0] !== text) continue;
      found.push({ sealed: match[0], keyId: match[1]!, context: contexts.get(match[0]) });
    }
  return found;
}

/** Bounds the walk of one record (a watch record is a few levels deep). */
const MAX_DEPTH = 32;

/** The text of every field named `sealed`, at any depth. */
function sealedFields(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const item of value) sealedFields(item, depth + 1, out);
    return out;
  }
  for (const [field, item] of Object.entries(value)) {
    if (field === 'sealed' && typeof item === 'string') out.push(item);
    else sealedFields(item, depth + 1, out);
  }
  return out;
}

const TEAM = /^[TE][A-Z0-9]{2,}$/;
const INSTALLATION = /^installation:(team|enterprise):[TE][A-Z0-9]{2,}$/;

function contextsOf(record: Pick<RawRecord, 'space' | 'name'>, parsed: unknown): Map<string, string> {
  const contexts = new Map<string, string>();
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
