/** What a request's `what` label is when it names nothing the app registered. */
const UNKNOWN = 'unknown';

/**
 * The closed set of `migrate_bot_requests_total`'s `what` label, from the app's own registrations, so an
 * id made up in a signed request never becomes a label (it is `unknown`). A pattern labels what it matched
 * (`resource.pause` of `resource.pause:<payload>`) only if it matches finitely many strings (literals,
 * alternatives); otherwise `unknown`, and its listener names what it found (help buttons: the subcommand).
 */
export class RequestLabels {
  readonly #names: ReadonlySet<string>;
  readonly #patterns: readonly RegExp[];

  constructor(registered: { names: Iterable<string>; patterns?: Iterable<RegExp> } = { names: [] }) {
    this.#names = new Set(registered.names);
    this.#patterns = [...(registered.patterns ?? [])].filter(finite);
  }

  /** The label for `what`: a registered name, what a finite pattern matched, else `unknown`. */
  of(what: string): string {
    if (this.#names.has(what)) return what;
    for (const pattern of this.#patterns) {
      const matched = pattern.exec(what)?.[0];
      if (matched) return matched.replace(/:$/, '');
    }
    return UNKNOWN;
  }
}

/**
 * Whether `pattern` matches finitely many strings, all spelled in its source: literal characters,
 * escaped punctuation, groups, alternatives and anchors only (no class, wildcard or repeat), and no
 * flag that changes what it matches (`i`) or makes `exec` keep state (`g`, `y`).
 */
function finite(pattern: RegExp): boolean {
  const source = pattern.source.replace(/\\[.:\-/_]/g, '');
  return /^[msu]*$/.test(pattern.flags) && /^[A-Za-z0-9_:|()^$-]*$/.test(source);
}
