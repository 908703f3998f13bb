import { randomUUID } from 'node:crypto';
import type { AccessControl } from '../access/access-control.js';
import { channelScope, WORKSPACE } from '../access/policy.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../logger.js';
import type { UseCaseContext } from './context.js';

/** What a background context is made from: the use cases' deps, the policy and the audit log. */
export interface ActingAsDeps extends Pick<UseCaseContext['deps'], 'clock' | 'resources' | 'watcher'> {
  access: AccessControl;
  audit: AuditLog;
  logger: Logger;
}

/** Whom timed work acts for, and what it is (said in every audit entry it writes). */
export interface ActingFor {
  teamId: string;
  userId: string;
  /** Where they set it up: the scope the policy is asked about (the workspace without one). */
  channelId: string | undefined;
  /** The audit entries' detail: "window w1 (nightly)", "plan p1 (estate), wave 2". */
  said: string;
  /** Fields for its logger lines (`{ window: id }`). */
  log?: Record<string, string>;
  /** What it adds to the context (`via`: the capability whose timed work acts, and what it says). */
  extra?: Pick<UseCaseContext, 'via'>;
}

/**
 * The one factory of contexts for work nobody clicked (a window's edge, a plan's wave): it acts as
 * the person who set it up, asking the policy what their own command would ask (someone whose role
 * was taken away no longer acts through what they set), and records each action as theirs in the
 * audit log, naming what acted. Slack requests get theirs from `slack/context.ts`.
 */
export function actingAs(deps: ActingAsDeps, who: ActingFor): UseCaseContext {
  const opId = randomUUID().slice(0, 8);
  const logger = deps.logger.child({ op: opId, team: who.teamId, ...who.log });
  let allowed = false;
  return {
    teamId: who.teamId,
    userId: who.userId,
    channelId: who.channelId,
    opId,
    logger,
    deps: {
      clock: deps.clock,
      resources: deps.resources,
      watcher: deps.watcher,
    },
    here: who.channelId ? channelScope(who.channelId) : WORKSPACE,
    ...who.extra,
    async require(capability, scope, what) {
      const role = await deps.access.require(
        { teamId: who.teamId, userId: who.userId },
        capability,
        scope,
        what,
      );
      allowed = true;
      return role;
    },
    async audited(action, target, work) {
      if (!allowed) throw new Error(`"${action}" reached the audit log without a policy decision`);
      const entry = { team: who.teamId, user: who.userId, channel: who.channelId, action, target, op: opId };
      try {
        const result = await work();
        await deps.audit.record({ ...entry, result: 'ok', detail: who.said });
        return result;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        await deps.audit
          .record({ ...entry, result: 'failed', detail: `${who.said}: ${why}`.slice(0, 500) })
          .catch(() => undefined);
        throw error;
      }
    },
  };
}
