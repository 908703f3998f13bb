import { ForbiddenError, localized } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GrantStore } from './grant-store.js';
import { type Capability, higherRole, REQUIRED_ROLE, type Role, roleAllows } from './roles.js';
import type { SlackDirectory } from './slack-directory.js';

export interface Principal {
  teamId: string;
  userId: string;
  channelId?: string;
}

/**
 * Role-based access: everyone is a viewer, workspace admins are admins, and grants to users or
 * user groups (optionally per channel) raise that. The effective role is the highest that applies.
 */
export class AccessControl {
  readonly #grants: GrantStore;
  readonly #directory: SlackDirectory;
  readonly #logger: Logger;

  constructor(grants: GrantStore, directory: SlackDirectory, logger: Logger) {
    this.#grants = grants;
    this.#directory = directory;
    this.#logger = logger;
  }

  get grants(): GrantStore {
    return this.#grants;
  }

  async roleOf(who: Principal): Promise<Role> {
    let role: Role = 'viewer';
    try {
      if (await this.#directory.isWorkspaceAdmin(who.teamId, who.userId)) return 'admin';
    } catch {
      // Directory unreachable: fall through to explicit grants only.
    }
    const grants = (await this.#grants.list(who.teamId)).filter(
      (g) => !g.channel || g.channel === who.channelId,
    );
    for (const grant of grants) {
      if (grant.subject.kind === 'user' && grant.subject.id === who.userId)
        role = higherRole(role, grant.role);
    }
    for (const grant of grants) {
      if (grant.subject.kind !== 'usergroup' || roleAllows(role, 'manage')) continue;
      try {
        const members = await this.#directory.usergroupMembers(who.teamId, grant.subject.id);
        if (members.includes(who.userId)) role = higherRole(role, grant.role);
      } catch (error) {
        this.#logger.warn(
          { err: error, usergroup: grant.subject.id },
          'user group lookup failed; grant skipped',
        );
      }
    }
    return role;
  }

  /** Throws a ForbiddenError that says which role is needed and how to get it. */
  async require(who: Principal, capability: Capability, what: string): Promise<Role> {
    const role = await this.roleOf(who);
    if (roleAllows(role, capability)) return role;
    const needed = REQUIRED_ROLE[capability];
    const error = new ForbiddenError(
      `You need the ${needed} role to ${what}${who.channelId ? ' in this channel' : ''}; you are a ${role}. ` +
        `A workspace admin can grant it with \`/migrate access grant @you ${needed}\`.`,
    );
    // `what` is the bot's own English phrase; the role names are what people type in `access grant`.
    throw localized(error, 'error.forbidden', {
      needed,
      what,
      role,
      where: who.channelId ? 'channel' : 'workspace',
    });
  }
}
