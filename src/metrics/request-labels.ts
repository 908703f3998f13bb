/** What a request's `what` label is when it names nothing the app registered. */
const UNKNOWN = 'unknown';

/**
 * The closed set of values `migrate_bot_requests_total`'s `what` label takes, made from the app's
 * own registrations (subcommand names, action and callback ids, the patterns listeners answer), so
 * an id anyone can make up in a signed request never becomes a label: it counts as `unknown`.
 *
 * A pattern gives as its label what it matched (`resource.pause` of `resource.pause:<payload>`,
 * the separator dropped), but only when it can match finitely many strings (literals and
 * alternatives, no classes or repeats); a pattern that could match made-up text gives `unknown`,
 * and its listener names what it found instead (the help buttons give the subcommand's name).
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
