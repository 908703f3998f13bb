import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** What access control asks Slack about people. */
export interface SlackDirectory {
  isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean>;
  /** The group's members; none for a group Slack does not know (deleted, never existed). */
  usergroupMembers(teamId: string, usergroupId: string): Promise<string[]>;
  /** Whether Slack knows the user group (a grant to one that does not exist is refused). */
  usergroupExists?(teamId: string, usergroupId: string): Promise<boolean>;
  /** Whether the group's members are known without asking Slack (a fresh answer is cached). */
  usergroupCached?(teamId: string, usergroupId: string): boolean;
  /** The person's Slack language (`ko-KR`, `en-US`); undefined when Slack does not say. */
  userLocale?(teamId: string, userId: string): Promise<string | undefined>;
  /** Drops what is cached about a person (their profile changed). */
  forgetUser?(teamId: string, userId: string): void;
}

export interface DirectoryClient {
  users: {
    info(args: {
      user: string;
      include_locale?: boolean;
    }): Promise<{ user?: { is_admin?: boolean; is_owner?: boolean; locale?: string } }>;
  };
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

/** A Slack answer is used this long, then asked again. */
export const DIRECTORY_TTL_MS = 5 * 60 * 1000;
/**
 * Past its TTL, an answer still stands in for a lookup that fails for at most this much longer (a
 * short Slack hiccup does not lock admins out); after that a failed lookup is a failure, so a
 * demoted admin, or someone taken out of a group, loses the role within TTL + grace at the latest.
 */
export const DIRECTORY_STALE_GRACE_MS = 60 * 1000;
/**
 * A lookup that failed is not tried again for this long: the next questions fail at once instead
 * of spending Slack's budget (`usergroups.users.list` is Tier 2, about 20 a minute per workspace).
 */
export const DIRECTORY_FAILURE_TTL_MS = 30 * 1000;
/** Entries kept at most; the oldest answer goes first (a Map keeps insertion order). */
const MAX_ENTRIES = 10_000;
/** Slack's answers for a user group it does not know. */
const NO_SUCH_GROUP = new Set(['no_such_subteam', 'subteam_not_found']);

/** Slack could not tell (it failed, or failed a moment ago): nothing is granted on its word. */
export class DirectoryUnavailableError extends Error {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`Slack could not be asked about ${key}`, options);
    this.name = 'DirectoryUnavailableError';
  }
}

type Entry = { at: number; value: unknown } | { at: number; failed: unknown };

/**
 * Slack's answers about admins and user-group members, cached for five minutes: `usergroups.users.list`
 * is Tier 2, and every button press would otherwise ask again. A failed lookup is remembered briefly
 * too (it fails at once), and a group Slack does not know is remembered as having no members.
 */
export class CachedSlackDirectory implements SlackDirectory {
  readonly #client: (teamId: string) => Promise<DirectoryClient>;
  readonly #logger: Logger;
  readonly #cache = new Map<string, Entry>();
  readonly #clock: Clock;

  /** `clock`: the bot's one clock, which ages the answers. */
  constructor(client: (teamId: string) => Promise<DirectoryClient>, logger: Logger, clock: Clock) {
    this.#client = client;
    this.#logger = logger;
    this.#clock = clock;
  }

  async isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean> {
    return (await this.#user(teamId, userId)).admin;
  }

  /** From the same cached `users.info` answer as the admin check: one call tells both. */
  async userLocale(teamId: string, userId: string): Promise<string | undefined> {
    return (await this.#user(teamId, userId)).locale;
  }

  #user(teamId: string, userId: string): Promise<{ admin: boolean; locale?: string }> {
    return this.#cached(`user:${teamId}:${userId}`, async () => {
      const { user } = await (await this.#client(teamId)).users.info({ user: userId, include_locale: true });
      return { admin: Boolean(user?.is_admin || user?.is_owner), locale: user?.locale };
    });
  }

  /**
   * Slack said the person changed (`user_change`: admin rights, language): the next question about
   * them asks Slack again instead of waiting out the cache.
   */
  forgetUser(teamId: string, userId: string): void {
    this.#cache.delete(`user:${teamId}:${userId}`);
  }

  async usergroupMembers(teamId: string, usergroupId: string): Promise<string[]> {
    return (await this.#group(teamId, usergroupId)).members;
  }

  async usergroupExists(teamId: string, usergroupId: string): Promise<boolean> {
    return (await this.#group(teamId, usergroupId)).exists;
  }

  usergroupCached(teamId: string, usergroupId: string): boolean {
    const hit = this.#cache.get(groupKey(teamId, usergroupId));
    if (!hit) return false;
    const age = this.#clock.now() - hit.at;
    return 'failed' in hit ? age < DIRECTORY_FAILURE_TTL_MS : age < DIRECTORY_TTL_MS;
  }

  #group(teamId: string, usergroupId: string): Promise<{ exists: boolean; members: string[] }> {
    return this.#cached(groupKey(teamId, usergroupId), async () => {
      try {
        const { users } = await (await this.#client(teamId)).usergroups.users.list({
          usergroup: usergroupId,
        });
        return { exists: true, members: users ?? [] };
      } catch (error) {
        // Slack's definite "no such group" is an answer, cached like one: no members.
        if (NO_SUCH_GROUP.has(platformError(error) ?? '')) return { exists: false, members: [] };
        throw error;
      }
    });
  }

  async #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#cache.get(key);
    const age = hit ? this.#clock.now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && 'value' in hit && age < DIRECTORY_TTL_MS) return hit.value as T;
    // Failed a moment ago: fail again without asking (the last good answer, while in its grace).
    if (hit && 'failed' in hit && age < DIRECTORY_FAILURE_TTL_MS)
      throw new DirectoryUnavailableError(key, { cause: hit.failed });
    try {
      const value = await load();
      this.#remember(key, { at: this.#clock.now(), value });
      return value;
    } catch (error) {
      // Fail closed: a lookup that fails grants nothing beyond the default role. An answer only
      // just past its TTL stands in for it (bounded by the grace); an older one is never used.
      this.#logger.warn({ err: error, key }, 'Slack directory lookup failed');
      if (hit && 'value' in hit && age < DIRECTORY_TTL_MS + DIRECTORY_STALE_GRACE_MS) return hit.value as T;
      this.#remember(key, { at: this.#clock.now(), failed: error });
      throw new DirectoryUnavailableError(key, { cause: error });
    }
  }

  #remember(key: string, entry: Entry): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    if (this.#cache.size > MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}

function groupKey(teamId: string, usergroupId: string): string {
  return `group:${teamId}:${usergroupId}`;
}

/** Slack's `error` of a refused Web API call (`ok: false`), as `@slack/web-api` throws it. */
function platformError(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
