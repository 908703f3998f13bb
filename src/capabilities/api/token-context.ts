import { randomUUID } from 'node:crypto';
import { channelScope } from '../../access/policy.js';
import type { CapabilityCore } from '../../contract/capability.js';
import { AppError, ErrorCode, isRefusal } from '../../errors.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import type { ApiToken } from './tokens.js';

/** Who a token is in the audit log and the policy's decisions: never a person. */
export const tokenActor = (token: ApiToken) => `token:${token.name}`;

/**
 * The use cases' context for one API request: the token acts with its role in its channel (a
 * viewer elsewhere), asked of the one policy (`AccessControl.requireAs`), and every change is
 * audited as the token, as a Slack request is as its person.
 */
export function tokenContext(core: CapabilityCore, team: string, token: ApiToken): UseCaseContext {
  const opId = `api-${randomUUID().slice(0, 8)}`;
  const userId = tokenActor(token);
  let decided = false;
  return {
    teamId: team,
    userId,
    channelId: token.channel,
    opId,
    logger: core.logger.child({ op: opId, team, token: token.name }),
    deps: {
      clock: core.clock,
      resources: core.resources,
      watcher: core.watcher,
      // Where approvals keep the titles requesters gave: the API calls a resource as Slack does.
      store: core.store,
    },
    here: channelScope(token.channel),
    async require(capability, scope, what) {
      const role = await core.access.requireAs({ teamId: team, userId }, token, capability, scope, what);
      decided = true;
      return role;
    },
    async audited(action, target, work) {
      if (!decided)
        throw new AppError(ErrorCode.Internal, `"${action}" reached the audit log without a policy decision`);
      const entry = {
        team,
        user: userId,
        ...(token.channel ? { channel: token.channel } : {}),
        action,
        target,
        op: opId,
      };
      try {
        const result = await work();
        await core.audit.record({ ...entry, result: 'ok' });
        return result;
      } catch (error) {
        const refused = isRefusal(error);
        const detail = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await core.audit
          .record({ ...entry, result: refused ? 'refused' : 'failed', detail })
          .catch(() => undefined);
        throw error;
      }
    },
  };
}
