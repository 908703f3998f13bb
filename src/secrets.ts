/**
 * The secret values known to this process, and where each is masked:
 *
 * - bot-wide secrets (signing secret, bot and app tokens, OAuth secrets and installation tokens,
 *   encryption keys) are masked in every Slack payload and every log line;
 * - a workspace's secrets (the credentials of its connections) are masked in payloads going to
 *   that workspace, and in every log line. Another workspace's replies never depend on them.
 *
 * Only values someone trusted chose become masking rules: the configuration, Slack's OAuth answer,
 * and connections once saved by an admin after a live check. A value typed into a form that is
 * then refused never does (`connect-connection.ts` masks typed values in its own answer only).
 * Masking replaces text inside string values, so it can neither break a payload's structure nor throw.
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
 * Secrets indexed by their first characters, each as typed and as written inside JSON (escaped
 * quotes, backslashes, newlines), so a text is searched in one pass whatever their number.
 */
class SecretTable {
  readonly #byPrefix = new Map<string, string[]>();
  readonly #firstChars = new Set<number>();

  constructor(values: Iterable<string>) {
    for (const value of values) {
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
        const prefix = form.slice(0, MIN_SECRET_LENGTH);
        const list = this.#byPrefix.get(prefix) ?? [];
        list.push(form);
        this.#byPrefix.set(prefix, list);
        this.#firstChars.add(form.charCodeAt(0));
      }
    }
    // Longest first: where two forms start at the same place, the longer one is masked.
    for (const list of this.#byPrefix.values()) list.sort((a, b) => b.length - a.length);
  }

  /** Length of the longest secret starting at `i` (0: none). */
  matchAt(text: string, i: number): number {
    if (!this.#firstChars.has(text.charCodeAt(i))) return 0;
    const candidates = this.#byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
    return candidates?.find((form) => text.startsWith(form, i))?.length ?? 0;
  }
}

/** Every occurrence of a secret replaced; overlapping or touching ones become one mask. */
function maskText(text: string, tables: readonly SecretTable[]): string {
  if (typeof text !== 'string') return text;
  let out = '';
  let copiedUpTo = 0;
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i <= text.length - MIN_SECRET_LENGTH; i++) {
    let length = 0;
    for (const table of tables) length = Math.max(length, table.matchAt(text, i));
    if (length === 0) continue;
    if (runStart >= 0 && i <= runEnd) {
      runEnd = Math.max(runEnd, i + length);
      continue;
    }
    if (runStart >= 0) {
      out += text.slice(copiedUpTo, runStart) + maskSecret('');
      copiedUpTo = runEnd;
    }
    runStart = i;
    runEnd = i + length;
  }
  if (runStart < 0) return text;
  return out + text.slice(copiedUpTo, runStart) + maskSecret('') + text.slice(runEnd);
}

/**
 * `value` with `mask` applied to every string in it (and to keys when asked, for log lines): plain
 * objects and arrays are walked, anything else is kept as it is. Nothing is parsed or serialized,
 * so the result has the input's shape, and the input is never changed.
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
      const next = visit(array[i]);
      if (!Object.is(next, array[i])) {
        copy ??= Array.prototype.slice.call(array) as unknown[];
        copy[i] = next;
      }
    }
    return copy ?? array;
  };
  const visitObject = (object: object): object => {
    const prototype = Object.getPrototypeOf(object) as object | null;
    // Dates, buffers, class instances: not payload data, left alone.
    if (prototype !== Object.prototype && prototype !== null) return object;
    let changed = false;
    const entries = Reflect.ownKeys(object).map((key): [PropertyKey, PropertyDescriptor] => {
      const descriptor = Object.getOwnPropertyDescriptor(object, key) ?? {};
      const maskedKey = options.keys && typeof key === 'string' ? mask(key) : key;
      if (maskedKey !== key) changed = true;
      if (!('value' in descriptor)) return [maskedKey, descriptor]; // a getter is not called
      const next = visit(descriptor.value);
      if (Object.is(next, descriptor.value)) return [maskedKey, descriptor];
      changed = true;
      return [maskedKey, { ...descriptor, value: next }];
    });
    if (!changed) return object;
    const copy = Object.create(prototype) as object;
    for (const [key, descriptor] of entries) Object.defineProperty(copy, key, descriptor);
    return copy;
  };
  return visit(value) as T;
}
