/**
 * The secrets this process knows and where each is masked: bot-wide ones (signing secret, tokens, OAuth,
 * encryption keys) in every Slack payload and log line; a workspace's (its connections' credentials) in
 * its own payloads and every log line. Only trusted values become rules (configuration, Slack's OAuth
 * answer, connections saved after a live check), never a refused form's typed values. Masking replaces text
 * inside strings, so it can neither break a payload's structure nor throw.
 */
export class SecretRegistry {
  readonly #botWide = new SecretSet();
  readonly #byTeam = new Map<string, SecretSet>();
  #everything: SecretTable | undefined;

  /** A bot-wide secret: masked in every payload to every workspace, and in logs. */
  add(value: string | undefined): void {
    if (this.#botWide.add(value)) this.#everything = undefined;
  }

  /**
   * A secret of workspace `team`: masked in payloads to that workspace and in logs. No team (a
   * connection of the connections file in single-workspace mode, serving every workspace) is bot-wide.
   */
  addForTeam(team: string | undefined, value: string | undefined): void {
    if (!team) {
      this.add(value);
      return;
    }
    let values = this.#byTeam.get(team);
    if (!values) {
      values = new SecretSet();
      this.#byTeam.set(team, values);
    }
    if (values.add(value)) this.#everything = undefined;
  }

  /** What may go to workspace `team` (none known: bot-wide secrets only). */
  forTeam(team: string | undefined): Masker {
    const tables = [this.#botWide.table()];
    const own = team ? this.#byTeam.get(team) : undefined;
    if (own) tables.push(own.table());
    return new Masker(tables);
  }

  /** Text with every known secret masked, whichever workspace it belongs to (logs, operators). */
  scrub(text: string): string {
    return maskText(text, [this.#all()]);
  }

  /**
   * A JSON log line with every known secret masked. A line with a secret in it is re-serialized
   * from its masked values, so it stays valid JSON whatever the secret looks like.
   */
  scrubLogLine(line: string): string {
    const tables = [this.#all()];
    const masked = maskText(line, tables);
    if (masked === line) return line;
    try {
      const end = line.endsWith('\n') ? '\n' : '';
      const values = maskStrings(JSON.parse(line), (text) => maskText(text, tables), { keys: true });
      return JSON.stringify(values) + end;
    } catch {
      return masked; // not JSON (a pretty printer): masked as text
    }
  }

  #all(): SecretTable {
    this.#everything ??= new SecretTable([
      ...this.#botWide.values,
      ...[...this.#byTeam.values()].flatMap((set) => [...set.values]),
    ]);
    return this.#everything;
  }
}

/** Very short values would mask ordinary words; real credentials are long. */
const MIN_SECRET_LENGTH = 6;

class SecretSet {
  readonly values = new Set<string>();
  #table: SecretTable | undefined;

  /** True when the value is new. */
  add(value: string | undefined): boolean {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.values.has(value)) return false;
    this.values.add(value);
    this.#table = undefined;
    return true;
  }

  table(): SecretTable {
    this.#table ??= new SecretTable(this.values);
    return this.#table;
  }
}

/** Masks a fixed set of secrets, in text and in payloads. */
export class Masker {
  readonly #tables: readonly SecretTable[];

  constructor(tables: readonly SecretTable[]) {
    this.#tables = tables;
  }

  /**
   * This masker plus `values`, for one answer only: nothing is registered, so what one
   * submission typed can change no other reply.
   */
  with(values: readonly string[]): Masker {
    const extra = values.filter((v) => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
    return extra.length === 0 ? this : new Masker([...this.#tables, new SecretTable(extra)]);
  }

  text(text: string): string {
    return maskText(text, this.#tables);
  }

  /** The payload with its string values masked: same shape, same keys; unchanged parts are shared. */
  payload<T>(payload: T): T {
    return maskStrings(payload, (text) => maskText(text, this.#tables));
  }
}

/** Nothing of a secret is shown, not even a prefix: secret keys have no harmless part. */
export function maskSecret(_value: string): string {
  return '••••••';
}

/**
 * A set of secrets as one regular expression, each as typed and as written inside JSON (escaped
 * quotes, backslashes, newlines): a text is searched in one pass whatever their number.
 */
class SecretTable {
  readonly #pattern: RegExp | undefined;

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    for (const value of values) forms.add(value).add(JSON.stringify(value).slice(1, -1));
    // Longest first: where two secrets start at the same place, the longer one is masked.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }

  /** Adds the [start, end) of every occurrence, overlapping ones included. */
  collect(text: string, into: [number, number][]): void {
    const pattern = this.#pattern;
    if (!pattern) return;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      into.push([match.index, match.index + match[0].length]);
      pattern.lastIndex = match.index + 1; // a secret can start inside another
    }
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every occurrence of a secret replaced; overlapping or touching ones become one mask. */
function maskText(text: string, tables: readonly SecretTable[]): string {
  if (typeof text !== 'string' || text.length < MIN_SECRET_LENGTH) return text;
  const found: [number, number][] = [];
  for (const table of tables) table.collect(text, found);
  if (found.length === 0) return text;
  found.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copiedUpTo = 0;
  let [runStart, runEnd] = found[0]!;
  for (const [start, end] of found) {
    if (start <= runEnd) {
      runEnd = Math.max(runEnd, end);
      continue;
    }
    out += text.slice(copiedUpTo, runStart) + maskSecret('');
    copiedUpTo = runEnd;
    [runStart, runEnd] = [start, end];
  }
  return out + text.slice(copiedUpTo, runStart) + maskSecret('') + text.slice(runEnd);
}

/**
 * `value` with `mask` applied to every string in it (and to keys when asked, for log lines): plain
 * objects and arrays are walked, anything else is kept as it is. Nothing is parsed or serialized,
 * so the result has the input's shape, and the input is never changed. What is walked is what
 * JSON sends: own enumerable keys; a copy keeps the rest of the original (symbols, hidden keys).
 */
export function maskStrings<T>(
  value: T,
  mask: (text: string) => string,
  options: { keys?: boolean } = {},
): T {
  // A cycle leads back to an object being walked: it is kept as it is there.
  const walked = new Map<object, unknown>();
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return mask(node);
    if (node === null || typeof node !== 'object') return node;
    // A boxed string serializes as its text: masked too, and still boxed.
    if (node instanceof String) {
      const masked = mask(node.valueOf());
      return masked === node.valueOf() ? node : new String(masked);
    }
    if (walked.has(node)) return walked.get(node);
    walked.set(node, node);
    const result = Array.isArray(node) ? visitArray(node) : visitObject(node);
    walked.set(node, result);
    return result;
  };
  const visitArray = (array: unknown[]): unknown[] => {
    let copy: unknown[] | undefined;
    for (let i = 0; i < array.length; i++) {
      if (!(i in array)) continue; // a hole stays a hole
      const before = read(array, i);
      const next = visit(before);
      if (!Object.is(next, before)) {
        copy ??= Array.prototype.slice.call(array) as unknown[];
        copy[i] = next;
      }
    }
    return copy ?? array;
  };
  const visitObject = (object: object): object => {
    const prototype = Object.getPrototypeOf(object) as object | null;
    // Dates, maps, buffers, class instances: not payload data, left alone.
    if (prototype !== Object.prototype && prototype !== null) return object;
    const changes: [string, unknown][] = [];
    let keysChanged = false;
    for (const key of Object.keys(object)) {
      const before = read(object, key);
      const next = visit(before);
      if (!Object.is(next, before)) changes.push([key, next]);
      if (options.keys && mask(key) !== key) keysChanged = true;
    }
    if (changes.length === 0 && !keysChanged) return object;
    const copy = Object.create(prototype) as Record<string, unknown>;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(object));
    for (const [key, next] of changes)
      Object.defineProperty(copy, key, { value: next, writable: true, enumerable: true, configurable: true });
    if (!keysChanged) return copy;
    const renamed = Object.create(prototype) as Record<string, unknown>;
    for (const key of Object.keys(copy))
      Object.defineProperty(renamed, mask(key), {
        value: copy[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    return renamed;
  };
  return visit(value) as T;
}

const UNREADABLE = Symbol('unreadable');

/** A property whose getter throws is left as it is. */
function read(object: object, key: PropertyKey): unknown {
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}
