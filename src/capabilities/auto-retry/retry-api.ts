import type { ApiRead } from '../../contract/http.js';
import { parseRef } from '../../slack/command-text.js';
import { findResource } from '../../use-cases/context.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { retryFactOf } from './retry-fact.js';
import type { AutoRetryState } from './retry-state.js';

/**
 * `GET /api/v1/resources/{ref}/retry` (viewers): a resource's automatic retries, as its card says
 * them: the connection's policy in force (null: off) and where the series stands (null: none).
 */
export function retryApiRead(s: AutoRetryState): ApiRead {
  return {
    path: 'resources/:ref/retry',
    read: async (ctx, params) => {
      await ctx.require('view', ctx.here, 'see automatic retries');
      const ref = parseRef('status', [decodeURIComponent(params.ref ?? '')]);
      const { resource } = await findResource(ctx, { ref });
      const { connection, kind, id } = resource;
      const watches = await watchesOf(ctx.deps.watcher.store, { teamId: ctx.teamId, connection, kind, id });
      const fact = watches.map((w) => retryFactOf(w.record)).find((f) => f !== undefined);
      const policy = s.policies.of(ctx.teamId, connection);
      return {
        resource: { connection, kind, id, state: resource.state },
        policy: policy
          ? {
              classes: policy.classes,
              max: policy.max,
              afterMinutes: policy.afterMinutes,
              dailyBudget: policy.dailyBudget,
              by: policy.by,
              from: policy.from,
            }
          : null,
        retry: fact
          ? {
              status: fact.status,
              attempt: fact.attempt,
              max: fact.max,
              ...(fact.status === 'waiting' ? { next: new Date(fact.at).toISOString() } : {}),
              ...(fact.reason ? { reason: fact.reason } : {}),
              class: fact.cls,
              ...(fact.code ? { code: fact.code } : {}),
              history: fact.history.map((h) => ({
                n: h.n,
                at: new Date(h.at).toISOString(),
                class: h.cls,
                ...(h.code ? { code: h.code } : {}),
                ...(h.interrupted ? { interrupted: true } : {}),
              })),
            }
          : null,
      };
    },
  };
}
