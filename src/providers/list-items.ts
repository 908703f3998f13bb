import type { ZodType } from 'zod';
import type { Logger } from '../logger.js';

/** A list item that did not match its schema: its id when it had a usable one, and why. */
export interface UnreadableItem {
  id?: string;
  reason: string;
}

export interface ReadItems<T> {
  items: T[];
  unreadable: UnreadableItem[];
}

/**
 * Reads the items of a list page one by one, so one malformed item cannot hide the rest of the
 * page: the good items are returned, the bad ones described by id and the paths that failed (never
 * their values, which could be anything a provider sends).
 */
export function readItems<T>(raw: readonly unknown[], schema: ZodType<T>, idField: string): ReadItems<T> {
  const items: T[] = [];
  const unreadable: UnreadableItem[] = [];
  for (const item of raw) {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      items.push(parsed.data);
      continue;
    }
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.map(String).join('.') || '(item)'} ${issue.message}`)
      .join('; ');
    unreadable.push({ id: itemId(item, idField), reason });
  }
  return { items, unreadable };
}

/**
 * The id of a raw item, if it has one worth showing: a non-empty string or a finite number, with
 * control characters removed and cut to 100 characters.
 */
export function itemId(item: unknown, idField: string): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const value = (item as Record<string, unknown>)[idField];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean ? clean.slice(0, 100) : undefined;
}

/** One warning per unreadable item, with its id, so an operator can look it up at the provider. */
export function logUnreadable(
  logger: Logger,
  where: { provider: string; operation: string },
  unreadable: readonly UnreadableItem[],
): void {
  for (const item of unreadable) {
    logger.warn({ ...where, id: item.id ?? null, reason: item.reason }, 'unreadable item in a list page');
  }
}
