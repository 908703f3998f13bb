import { ForbiddenError, InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Grant, GrantStore } from './grant-store.js';
import { describeScope, grantApplies, type Scope } from './policy.js';
import { type Capability, higherRole, REQUIRED_ROLE, type Role, roleAllows, roleRank } from './roles.js';
import type { SlackDirectory } from './slack-directory.js';

/**
 * User groups looked up in Slack for one decision at most (answers already cached do not count):
 * `usergroups.users.list` is Tier 2, about 20 calls a minute for the whole workspace, so one
 * channel's grants cannot spend it on every request. Groups past the bound are looked up on the
 * next request; this one is refused with "try again" if one of them could have allowed it.
 */
export const MAX_GROUP_LOOKUPS_PER_DECISION = 5;

/** A role, and whether Slack failed to say something that could have raised it. */
interface Resolved {
  role: Role;
  unsure: boolean;
  /** What Slack did not answer (`unsure` because of it): whether they are an admin, a user group. */
  adminUnknown?: boolean;
  groupsUnknown?: boolean;
  /** What gave the role: workspace admin, a grant (to the person or a group of theirs), or nothing. */
  source: 'admin' | Grant | 'everyone';
}

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

  /** Whether the user is in the Slack user group (a guardrail's approvers); throws when Slack cannot say. */
  async memberOf(teamId: string, userId: string, usergroupId: string): Promise<boolean> {
    return (await this.#directory.usergroupMembers(teamId, usergroupId)).includes(userId);
  }

  /** The actor's role for actions in `scope` (what Slack could not tell counts for nothing). */
  async roleOf(who: Actor, scope: Scope): Promise<Role> {
    return (await this.#resolve(who, scope)).role;
  }

  /**
   * The role the policy applies to the actor in `scope`, with what gives it, every user group
   * looked up (`require` stops at the first role that allows the action: a viewer's answer).
   */
  async explain(who: Actor, scope: Scope): Promise<Resolved> {
    return this.#resolve(who, scope);
  }

  /** `enough`: the capability asked for; no user group is looked up once the role allows it. */
  async #resolve(who: Actor, scope: Scope, enough?: Capability): Promise<Resolved> {
    let role: Role = 'viewer';
    let unsure = false;
    let adminUnknown = false;
    let groupsUnknown = false;
    let source: Resolved['source'] = 'everyone';
    const raise = (grant: Grant) => {
      if (roleRank(grant.role) > roleRank(role)) source = grant;
      role = higherRole(role, grant.role);
    };
    try {
      if (await this.#directory.isWorkspaceAdmin(who.teamId, who.userId))
        return { role: 'admin', unsure, source: 'admin' };
    } catch (error) {
      // Directory unreachable: fall through to explicit grants only (fail closed).
      this.#logger.warn({ err: error, team: who.teamId }, 'admin check failed; explicit grants only');
      unsure = true;
      adminUnknown = true;
    }
    const grants = (await this.#grants.list(who.teamId)).filter((g) => grantApplies(g.channel, scope));
    for (const grant of grants) {
      if (grant.subject.kind === 'user' && grant.subject.id === who.userId) raise(grant);
    }
    // The highest group grants first, answers already cached before those Slack must be asked for;
    // a group that could not raise the role is not looked up at all.
    const groups = grants
      .filter((g) => g.subject.kind === 'usergroup')
      .map((g) => ({
        grant: g,
        cached: this.#directory.usergroupCached?.(who.teamId, g.subject.id) ?? false,
      }))
      .sort((a, b) => roleRank(b.grant.role) - roleRank(a.grant.role) || Number(b.cached) - Number(a.cached));
    let lookups = 0;
    for (const { grant, cached } of groups) {
      if (enough && roleAllows(role, enough)) break;
      if (roleRank(grant.role) <= roleRank(role)) continue;
      if (!cached && lookups >= MAX_GROUP_LOOKUPS_PER_DECISION) {
        groupsUnknown = true;
        continue;
      }
      if (!cached) lookups++;
      try {
        const members = await this.#directory.usergroupMembers(who.teamId, grant.subject.id);
        if (members.includes(who.userId)) raise(grant);
      } catch (error) {
        groupsUnknown = true;
        this.#logger.warn(
          { err: error, usergroup: grant.subject.id },
          'user group lookup failed; grant skipped',
        );
      }
    }
    return {
      role,
      unsure: unsure || groupsUnknown,
      source,
      ...(adminUnknown ? { adminUnknown } : {}),
      ...(groupsUnknown ? { groupsUnknown } : {}),
    };
  }

  /**
   * Records a grant, refusing one to a user group Slack does not know (a typo, a deleted group):
   * such a grant gives no one anything and costs a Slack lookup on every decision.
   */
  async grant(teamId: string, grant: Grant): Promise<void> {
    if (grant.subject.kind === 'usergroup' && this.#directory.usergroupExists) {
      const group = `<!subteam^${grant.subject.id}>`;
      let exists: boolean;
      try {
        exists = await this.#directory.usergroupExists(teamId, grant.subject.id);
      } catch (error) {
        this.#logger.warn({ err: error, usergroup: grant.subject.id }, 'user group check failed');
        throw ForbiddenError.of('error.usergroupUnchecked', { group });
      }
      if (!exists) throw InvalidInputError.of('error.usergroupUnknown', { group });
    }
    await this.#grants.grant(teamId, grant);
  }

  /**
   * Allows `capability` on `scope` or throws a ForbiddenError that says which role is needed,
   * where, and how to get it. `what` is the bot's own English phrase for the action.
   */
  async require(who: Actor, capability: Capability, scope: Scope, what: string): Promise<Role> {
    const { role, unsure } = await this.#resolve(who, scope, capability);
    return this.#decide(who, role, unsure, capability, scope, what);
  }

  /**
   * The same decision for an actor whose role is given, not looked up (an API token): `granted`
   * counts in its channel only, as a channel grant does; anywhere else the actor is a viewer.
   */
  async requireAs(
    who: Actor,
    granted: { role: Role; channel?: string },
    capability: Capability,
    scope: Scope,
    what: string,
  ): Promise<Role> {
    const role = grantApplies(granted.channel, scope) ? granted.role : 'viewer';
    return this.#decide(who, role, false, capability, scope, what, 'token');
  }

  #decide(
    who: Actor,
    role: Role,
    unsure: boolean,
    capability: Capability,
    scope: Scope,
    what: string,
    as: 'person' | 'token' = 'person',
  ): Role {
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
    // Slack did not answer about something that could have allowed it: refused, but say why.
    if (unsure) throw ForbiddenError.of('error.roleUnchecked', { what });
    const channel = scope.kind === 'channel' ? scope.channelId : '';
    // The role names are what people type in `access grant`; a token's role is fixed when it is
    // made, so its refusal names the token an admin can make instead.
    throw ForbiddenError.of(as === 'token' ? 'error.forbiddenToken' : 'error.forbidden', {
      needed,
      what,
      role,
      where: scope.kind,
      channel: channel ? `<#${channel}>` : '',
    });
  }
}
