/**
 * Whether two values would be stored alike: equal as JSON, whatever the key order, with `undefined`
 * properties absent and Dates compared by time. The poll cycle asks it of every watch on every
 * cycle; comparing serialized strings instead would call a record changed (and write it) whenever a
 * provider's mapping or a decoded record lists the same fields in another order.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Two Dates (a decoded snapshot's and a new observation's) compare by time: no ISO strings made.
  if (a instanceof Date && b instanceof Date) {
    const t = a.getTime();
    return t === b.getTime() && !Number.isNaN(t);
  }
  if (a instanceof Date || b instanceof Date) return jsonDate(a) === jsonDate(b) && jsonDate(a) !== undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    defined++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) defined--;
  return defined === 0;
}

/** A Date as JSON writes it (and a string as it reads back), to compare a decoded record with a new one. */
function jsonDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' ? value : undefined;
}
