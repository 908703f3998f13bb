import type { Logger } from '../logger.js';

/** What access control asks Slack about people. */
export interface SlackDirectory {
  isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean>;
  usergroupMembers(teamId: string, usergroupId: string): Promise<string[]>;
}

export interface DirectoryClient {
  users: { info(args: { user: string }): Promise<{ user?: { is_admin?: boolean; is_owner?: boolean } }> };
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

const TTL_MS = 5 * 60 * 1000;

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

  isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean> {
    return this.#cached(`admin:${teamId}:${userId}`, async () => {
      const { user } = await (await this.#client(teamId)).users.info({ user: userId });
      return Boolean(user?.is_admin || user?.is_owner);
    });
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
      this.#cache.set(key, { at: this.#now(), value });
      return value;
    } catch (error) {
      // Fail closed: a lookup that fails grants nothing beyond the default role.
      this.#logger.warn({ err: error, key }, 'Slack directory lookup failed');
      if (hit) return hit.value as T;
      throw error;
    }
  }
}
