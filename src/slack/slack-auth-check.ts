import type { Clock } from '../clock.js';

/** Slack's answers that mean the token itself is no good: nothing the bot does can work. */
const AUTH_FAILURES = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'team_disabled',
]);

/** How long a probe waits for a fresh `auth.test` before answering with the last known result. */
const PROBE_WAIT_MS = 2_000;

export type SlackAuthState = 'ok' | 'invalid' | 'skipped';

/**
 * Whether the bot token is valid, for `/readyz`: an `auth.test` result kept for `ttlMs` (probes
 * come every few seconds from every replica; Slack is asked at most once a minute per replica).
 * Only an answer that the token is bad makes it invalid: Slack being slow or unreachable leaves
 * the last result, so a Slack outage does not take every replica out of the Service at once.
 */
export class SlackAuthCheck {
  readonly #authTest: (() => Promise<unknown>) | undefined;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  #last: { valid: boolean; at: number } | undefined;
  #running: Promise<boolean> | undefined;

  /** Without `authTest` (OAuth: one token per workspace, checked as each is used) the check is skipped. */
  constructor(authTest: (() => Promise<unknown>) | undefined, clock: Clock, ttlMs = 60_000) {
    this.#authTest = authTest;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  async state(): Promise<SlackAuthState> {
    if (!this.#authTest) return 'skipped';
    const last = this.#last;
    if (last && this.#clock.now() - last.at < this.#ttlMs) return last.valid ? 'ok' : 'invalid';
    this.#running ??= this.#check(this.#authTest).finally(() => {
      this.#running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(this.#last?.valid ?? true), PROBE_WAIT_MS);
      timer.unref();
    });
    const valid = await Promise.race([this.#running, waited]);
    clearTimeout(timer);
    return valid ? 'ok' : 'invalid';
  }

  async #check(authTest: () => Promise<unknown>): Promise<boolean> {
    let valid: boolean;
    try {
      await authTest();
      valid = true;
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      valid = typeof code === 'string' && AUTH_FAILURES.has(code) ? false : (this.#last?.valid ?? true);
    }
    this.#last = { valid, at: this.#clock.now() };
    return valid;
  }
}
