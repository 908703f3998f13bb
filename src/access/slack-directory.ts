import type { Logger } from '../logger.js';

/** What access control asks Slack about people. */
export interface SlackDirectory {
  isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean>;
  usergroupMembers(teamId: string, usergroupId: string): Promise<string[]>;
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

const TTL_MS = 5 * 60 * 1000;
/** Entries kept at most; the oldest answer goes first (a Map keeps insertion order). */
const MAX_ENTRIES = 10_000;

/**
 * Slack's answers about admins and user-group members, cached for five minutes: `usergroups.users.list`
 * is Tier 2, and every button press would otherwise ask again.
 */
export class CachedSlackDirectory implements SlackDirectory {
  readonly #client: (teamId: string) => Promise<DirectoryClient>;
  readonly #logger: Logger;
  readonly #cache = new Map<string, { at: number; value: unknown }>();
  readonly #now: () => number;

  constructor(
    client: (teamId: string) => Promise<DirectoryClient>,
    logger: Logger,
    now: () => number = Date.now,
  ) {
    this.#client = client;
    this.#logger = logger;
    this.#now = now;
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

  usergroupMembers(teamId: string, usergroupId: string): Promise<string[]> {
    return this.#cached(`group:${teamId}:${usergroupId}`, async () => {
      const { users } = await (await this.#client(teamId)).usergroups.users.list({ usergroup: usergroupId });
      return users ?? [];
    });
  }

  async #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#cache.get(key);
    if (hit && this.#now() - hit.at < TTL_MS) return hit.value as T;
    try {
      const value = await load();
      this.#cache.delete(key);
      this.#cache.set(key, { at: this.#now(), value });
      if (this.#cache.size > MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
      return value;
    } catch (error) {
      // Fail closed: a lookup that fails grants nothing beyond the default role.
      this.#logger.warn({ err: error, key }, 'Slack directory lookup failed');
      if (hit) return hit.value as T;
      throw error;
    }
  }
}
