import type { MigrationResource } from '../../../../domain/migration-resource.js';
import { asAppError } from '../../../../errors.js';
import { MAX_LIST_ROWS, renderResourceList } from '../../../blocks/resource-list.js';
import type { HandlerContext } from '../../../context.js';
import { type ListQuery, parseListQuery } from '../../../list-query.js';
import { defineSubcommand } from '../subcommand.js';

/** A page is at most this many rows; deeper pages read more from each connection (bounded). */
export const PAGE_SIZE = 20;
const MAX_PAGE = Math.floor((MAX_LIST_ROWS * 25) / PAGE_SIZE);

/**
 * Lists one kind (or each connection's default kind) across the workspace's connections, merged,
 * one page at a time; a connection that cannot be read is named, never shown as "no tasks".
 */
export async function listResources(
  ctx: HandlerContext,
  query: ListQuery,
  replaceOriginal = false,
): Promise<void> {
  await ctx.require('view', 'see migrations');
  const { connections, resolver } = ctx.deps;
  const page = Math.min(query.page, MAX_PAGE);
  const targets = (
    query.connection ? [connections.get(ctx.teamId, query.connection)] : connections.forTeam(ctx.teamId)
  )
    .filter((c) => !query.provider || c.provider === query.provider)
    .map((connection) => ({ connection, provider: connections.provider(connection) }))
    .filter(({ provider }) => !query.kind || provider.kinds.includes(query.kind));
  const wanted = (page + 1) * PAGE_SIZE;
  const results = await Promise.allSettled(
    targets.map(({ provider }) =>
      provider.list({
        kind: query.kind ?? provider.kinds[0]!,
        states: query.states,
        limit: Math.min(100, wanted),
        offset: 0,
      }),
    ),
  );
  const resources: MigrationResource[] = [];
  const failures: { connection: string; message: string }[] = [];
  let total = 0;
  results.forEach((result, i) => {
    const name = targets[i]!.connection.name;
    if (result.status === 'fulfilled') {
      resources.push(...result.value.resources);
      total += result.value.total ?? result.value.resources.length;
    } else {
      failures.push({ connection: name, message: asAppError(result.reason).message });
    }
  });
  await resolver.index.remember(
    ctx.teamId,
    resources.map((r) => ({ connection: r.connection, kind: r.kind, id: r.id, name: r.name })),
  );
  const shown = resources.slice(page * PAGE_SIZE, wanted);
  const filters = [
    query.connection ? `in ${query.connection}` : query.provider ? `on ${query.provider}` : '',
    query.kind ? `${query.kind}s` : '',
    query.states ? [...new Set(query.states)].join('/') : '',
  ].filter(Boolean);
  await ctx.reply({
    text: `${total} resource(s)${filters.length ? ` · ${filters.join(' · ')}` : ''}`,
    blocks: renderResourceList({
      title: `Migrations${filters.length ? ` · ${filters.join(' · ')}` : ''}`,
      resources: shown,
      total,
      failures,
      paging: { query, page, pageSize: PAGE_SIZE, hasNext: wanted < total && page < MAX_PAGE },
      emptyHint: targets.length === 0 ? 'No connection here has that kind of resource.' : undefined,
    }),
    share: query.share,
    replaceOriginal,
  });
}

export const list = defineSubcommand<ListQuery>({
  name: 'list',
  aliases: ['ls', 'tasks'],
  usage: '/migrate list [provider|connection] [state] [kind]',
  summary:
    'List migrations, e.g. `/migrate list failed`, `/migrate list hw-prod running`, `/migrate list ncp policies`.',
  parse: (args, share) => parseListQuery('list', args, share),
  run: (ctx, query) => listResources(ctx, query),
});

export const groups = defineSubcommand<ListQuery>({
  name: 'groups',
  usage: '/migrate groups [connection] [state]',
  summary: 'List OMS migration task groups.',
  parse: (args, share) => parseListQuery('groups', args, share, 'task-group'),
  run: (ctx, query) => listResources(ctx, query),
});

export const syncTasks = defineSubcommand<ListQuery>({
  name: 'sync',
  usage: '/migrate sync [connection] [state]',
  summary: 'List OMS synchronization tasks.',
  parse: (args, share) => parseListQuery('sync', args, share, 'sync-task'),
  run: (ctx, query) => listResources(ctx, query),
});
