import { ForbiddenError, localized } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GrantStore } from './grant-store.js';
import { describeScope, grantApplies, type Scope } from './policy.js';
import { type Capability, higherRole, REQUIRED_ROLE, type Role, roleAllows } from './roles.js';
import type { SlackDirectory } from './slack-directory.js';

/** Who acts: a person of a workspace. Where they act is the action's scope, not part of who they are. */
export interface Actor {
  teamId: string;
  userId: string;
}

/** One decision of the policy, as told to its observer (metrics, the seam tests). */
export interface PolicyDecision {
  teamId: string;
  userId: string;
  capability: Capability;
  scope: Scope;
  role: Role;
  allowed: boolean;
}

/**
 * The one policy: every command, button, view, App Home action and workflow step asks `require`
 * with who acts, what the action is, and the scope the action changes. Everyone is a viewer,
 * workspace admins are admins, and grants to users or user groups raise that: workspace grants
 * everywhere, a channel's grants in that channel only. The effective role is the highest that applies.
 */
export class AccessControl {
  readonly #grants: GrantStore;
  readonly #directory: SlackDirectory;
  readonly #logger: Logger;
  readonly #onDecision: ((decision: PolicyDecision) => void) | undefined;

  constructor(
    grants: GrantStore,
    directory: SlackDirectory,
    logger: Logger,
    onDecision?: (decision: PolicyDecision) => void,
  ) {
    this.#grants = grants;
    this.#directory = directory;
    this.#logger = logger;
    this.#onDecision = onDecision;
  }

  get grants(): GrantStore {
    return this.#grants;
  }

  /** The actor's role for actions in `scope`. */
  async roleOf(who: Actor, scope: Scope): Promise<Role> {
    let role: Role = 'viewer';
    try {
      if (await this.#directory.isWorkspaceAdmin(who.teamId, who.userId)) return 'admin';
    } catch {
      // Directory unreachable: fall through to explicit grants only.
    }
    const grants = (await this.#grants.list(who.teamId)).filter((g) => grantApplies(g.channel, scope));
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

  /**
   * Allows `capability` on `scope` or throws a ForbiddenError that says which role is needed,
   * where, and how to get it. `what` is the bot's own English phrase for the action.
   */
  async require(who: Actor, capability: Capability, scope: Scope, what: string): Promise<Role> {
    const role = await this.roleOf(who, scope);
    const allowed = roleAllows(role, capability);
    this.#onDecision?.({ teamId: who.teamId, userId: who.userId, capability, scope, role, allowed });
    // One line per decision: which rule let an action through, or stopped it, is read from the log.
    if (this.#logger.isLevelEnabled('debug'))
      this.#logger.debug(
        { team: who.teamId, user: who.userId, capability, scope: describeScope(scope), role, allowed },
        'policy decision',
      );
    if (allowed) return role;
    const needed = REQUIRED_ROLE[capability];
    const channel = scope.kind === 'channel' ? scope.channelId : '';
    const where = scope.kind === 'channel' ? ` in <#${channel}>` : ' for the whole workspace';
    const error = new ForbiddenError(
      `You need the ${needed} role${where} to ${what}; your role there is ${role}. ` +
        `A workspace admin can grant it with \`/migrate access grant @you ${needed}${channel ? ` <#${channel}>` : ''}\`.`,
    );
    // The role names are what people type in `access grant`.
    throw localized(error, 'error.forbidden', {
      needed,
      what,
      role,
      where: scope.kind,
      channel: channel ? `<#${channel}>` : '',
    });
  }
}
