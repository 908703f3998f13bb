/**
 * A registry of secret values known to this process (credentials from the connections file, bot
 * tokens). Every log line and every outgoing Slack payload is scrubbed against it, so a secret that
 * slips into an error message is still never shown.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Very short values would mask ordinary words; real credentials are long.
    if (!value || value.length < 6 || this.#values.has(value)) return;
    this.#values.add(value);
    this.#pattern = undefined;
  }

  scrub(text: string): string {
    if (this.#values.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, (value) => maskSecret(value));
  }
}

/** Nothing of a secret is shown, not even a prefix: secret keys have no harmless part. */
export function maskSecret(_value: string): string {
  return '••••••';
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
