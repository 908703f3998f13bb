import { createHash, randomBytes } from 'node:crypto';
import { type InstallURLOptions, InvalidStateError, type StateStore } from '@slack/oauth';
import { z } from 'zod';
import type { Store } from '../store/create-store.js';

/** How long an install started at /slack/install may take to come back (Bolt's state cookie lives as long). */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

const savedSchema = z.object({
  expiresAt: z.number(),
  installOptions: z.looseObject({ scopes: z.union([z.string(), z.array(z.string())]) }),
});

/**
 * The OAuth `state` of each install started at /slack/install, kept in the bot's store (shared by
 * the replicas) for 10 minutes and spent by its first redirect: a state used once, even with its
 * cookie and another `code`, installs nothing. (Bolt's default signs the state and accepts it
 * again and again until it expires.) The store keeps a hash of the value, never the value itself.
 */
export class StoreStateStore implements StateStore {
  readonly #store: Store;
  readonly #ttlMs: number;

  constructor(store: Store, ttlMs = OAUTH_STATE_TTL_MS) {
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.#store.set(
      keyOf(state),
      { expiresAt: now.getTime() + this.#ttlMs, installOptions },
      // Kept a little longer than it is valid, so an expired state is told apart from an unknown one.
      this.#ttlMs + 60_000,
    );
    return state;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const key = keyOf(state);
    const saved = savedSchema.safeParse(await this.#store.get<unknown>(key));
    // Single use: of two redirects racing with one state, only the one whose delete removed it goes on.
    if (!saved.success || !(await this.#store.delete(key)))
      throw new InvalidStateError('The state parameter is unknown or was already used.');
    if (saved.data.expiresAt < now.getTime())
      throw new InvalidStateError('The state parameter has expired: start the install again.');
    return saved.data.installOptions as InstallURLOptions;
  }
}

function keyOf(state: string): string {
  return `oauth-state:${createHash('sha256').update(state).digest('base64url')}`;
}
