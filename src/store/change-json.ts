import { type AtomicKv, SKIP } from './atomic-kv.js';

/** What reads a stored record back: a zod schema's `safeParse`. */
export interface RecordSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * One compare-and-set on a JSON record: `change` returns the next one, or undefined to leave it (also
 * left when the key is missing or holds what `schema` does not read). Resolves with what it wrote.
 */
export async function changeJson<T>(
  kv: AtomicKv,
  key: string,
  schema: RecordSchema<T>,
  change: (current: T) => T | undefined,
): Promise<T | undefined> {
  let written: T | undefined;
  await kv.update(key, (current) => {
    written = undefined;
    if (!current) return SKIP;
    const parsed = schema.safeParse(JSON.parse(current));
    if (!parsed.success) return SKIP;
    const next = change(parsed.data);
    if (!next) return SKIP;
    written = next;
    return JSON.stringify(next);
  });
  return written;
}
