import { ForbiddenError, InvalidInputError, localized } from '../errors.js';
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

  /** The actor's role for actions in `scope` (what Slack could not tell counts for nothing). */
  async roleOf(who: Actor, scope: Scope): Promise<Role> {
    return (await this.#resolve(who, scope)).role;
  }

  /** `enough`: the capability asked for; no user group is looked up once the role allows it. */
  async #resolve(who: Actor, scope: Scope, enough?: Capability): Promise<Resolved> {
    let role: Role = 'viewer';
    let unsure = false;
    try {
      if (await this.#directory.isWorkspaceAdmin(who.teamId, who.userId)) return { role: 'admin', unsure };
    } catch (error) {
      // Directory unreachable: fall through to explicit grants only (fail closed).
      this.#logger.warn({ err: error, team: who.teamId }, 'admin check failed; explicit grants only');
      unsure = true;
    }
    const grants = (await this.#grants.list(who.teamId)).filter((g) => grantApplies(g.channel, scope));
    for (const grant of grants) {
      if (grant.subject.kind === 'user' && grant.subject.id === who.userId)
        role = higherRole(role, grant.role);
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
        unsure = true;
        continue;
      }
      if (!cached) lookups++;
      try {
        const members = await this.#directory.usergroupMembers(who.teamId, grant.subject.id);
        if (members.includes(who.userId)) role = higherRole(role, grant.role);
      } catch (error) {
        unsure = true;
        this.#logger.warn(
          { err: error, usergroup: grant.subject.id },
          'user group lookup failed; grant skipped',
        );
      }
    }
    return { role, unsure };
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
        throw localized(
          new ForbiddenError(
            `Could not check the user group ${group} with Slack just now, so nothing was granted. Try again in a minute.`,
          ),
          'error.usergroupUnchecked',
          { group },
        );
      }
      if (!exists)
        throw localized(
          new InvalidInputError(
            `Slack knows no user group ${group} in this workspace (deleted, or a typo?), so nothing was granted. Pick the group from Slack's @-mention list.`,
          ),
          'error.usergroupUnknown',
          { group },
        );
    }
    await this.#grants.grant(teamId, grant);
  }

  /**
   * Allows `capability` on `scope` or throws a ForbiddenError that says which role is needed,
   * where, and how to get it. `what` is the bot's own English phrase for the action.
   */
  async require(who: Actor, capability: Capability, scope: Scope, what: string): Promise<Role> {
    const { role, unsure } = await this.#resolve(who, scope, capability);
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
    if (unsure)
      throw localized(
        new ForbiddenError(
          `Could not check your role with Slack just now, so I cannot let you ${what}. Try again in a minute.`,
        ),
        'error.roleUnchecked',
        { what },
      );
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
