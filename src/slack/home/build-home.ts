import { setTimeout as sleep } from 'node:timers/promises';
import { WORKSPACE } from '../../access/policy.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { asAppError, ProviderError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { ResourceTitles } from '../../resources/resource-titles.js';
import { brokenFixParts } from '../../watcher/outbox/broken-channel.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import { HOME_ROWS, type HomeView } from '../blocks/app-home.js';
import type { AppDeps } from '../context.js';
import { rowLinesOf } from './row-lines.js';

/** Each provider gets this long; a slow one is shown as "not answering", the Home tab still opens. */
const CALL_BUDGET_MS = 2_500;

async function withBudget<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    sleep(CALL_BUDGET_MS).then(() => {
      throw new Error(`no answer within ${CALL_BUDGET_MS / 1000} s`);
    }),
  ]);
}

function describeProblem(error: unknown): string {
  if (error instanceof ProviderError && error.errorCode) {
    const explained = explainForDisplay(error.errorCode, error.httpStatus);
    // The catalogue's title already starts with the code: say it once.
    return (explained.known ? explained.title : `${error.errorCode}: ${error.errorMessage ?? ''}`).slice(
      0,
      200,
    );
  }
  return asAppError(error).message.slice(0, 200);
}

/** Gathers what the Home tab shows: connection health, running and failed resources of every connection. */
export async function buildHome(
  deps: AppDeps,
  who: { teamId: string; userId: string },
  tr: Translator,
): Promise<HomeView> {
  // Everyone may see the Home tab: asked through the policy like every other surface, for its role.
  const role = await deps.access.require(
    { teamId: who.teamId, userId: who.userId },
    'view',
    WORKSPACE,
    'see the Home tab',
  );
  const connections = deps.connections.forTeam(who.teamId);
  const results = await Promise.all(
    connections.map(async (connection) => {
      const provider = deps.connections.provider(connection, 'interactive');
      const host = URL.canParse(connection.endpoint)
        ? new URL(connection.endpoint).host
        : connection.endpoint;
      try {
        const page = await withBudget(
          provider.list({
            kind: provider.kinds[0]!,
            states: ['running', 'retrying', 'failed', 'paused', 'pausing'],
            limit: HOME_ROWS * 2,
            offset: 0,
          }),
        );
        return {
          health: { name: connection.name, provider: connection.provider, host },
          resources: page.resources,
        };
      } catch (error) {
        return {
          health: {
            name: connection.name,
            provider: connection.provider,
            host,
            problem: describeProblem(error),
          },
          resources: [] as MigrationResource[],
        };
      }
    }),
  );
  const all = results.flatMap((r) => r.resources);
  const titles = await new ResourceTitles(deps.store).many(who.teamId, all).catch(() => undefined);
  const failed = all.filter((r) => r.state === 'failed');
  // From the watcher's store only (no provider call): a store outage must not keep the tab closed.
  const watches = await deps.watcher.list(who.teamId).catch(() => []);
  const paused = all.filter((r) => r.state === 'paused' || r.state === 'pausing');
  // What the capabilities say under each row (store reads only): who is on a failure, the window
  // that holds it. Their own sections (the time windows) are drawn by `homeBlocks`.
  const rowLines = await rowLinesOf(deps.capabilities, who.teamId, all, tr, deps.clock.now());
  return {
    role,
    connections: results.map((r) => r.health),
    running: all.filter((r) => r.state === 'running' || r.state === 'retrying'),
    failed,
    paused,
    rowLines,
    use: await deps.watcher.usage(who.teamId).catch(() => undefined),
    unreadable: results.filter((r) => r.health.problem).map((r) => r.health.name),
    titles,
    brokenWatches: watches.flatMap((r) =>
      r.broken
        ? [
            {
              name: titleOf(r) ?? r.snapshot.name,
              ref: `${r.watch.connection}:${r.watch.id}`,
              channelId: r.watch.channelId,
              broken: r.broken,
              fix: brokenFixParts(r, r.broken.reason),
            },
          ]
        : [],
    ),
  };
}
