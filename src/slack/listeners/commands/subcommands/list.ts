import type { Connection } from '../../../../connections/connection.js';
import type { ListFilter } from '../../../../contract/commands.js';
import type { HandlerContext } from '../../../../contract/handler-context.js';
import { defineSubcommand } from '../../../../contract/subcommand.js';
import type { MigrationResource, ResourceKind } from '../../../../domain/migration-resource.js';
import { AppError, ErrorCode } from '../../../../errors.js';
import type { Translator } from '../../../../i18n/translator.js';
import { ResourceTitles } from '../../../../resources/resource-titles.js';
import { orderForTriage, triageSummary } from '../../../../resources/triage.js';
import { describeUnreadable } from '../../../blocks/error-message.js';
import { kindPlural } from '../../../blocks/resource-card.js';
import { type ListGap, MAX_LIST_ROWS, renderResourceList } from '../../../blocks/resource-list.js';
import { stateWords } from '../../../blocks/state-words.js';
import { rowLinesOf } from '../../../home/row-lines.js';
import { closeListWord, didYouMean, type ListQuery, parseListQuery } from '../../../list-query.js';

/** A page is at most this many rows; deeper pages read more from each connection (bounded). */
export const PAGE_SIZE = 20;
const MAX_PAGE = Math.floor((MAX_LIST_ROWS * 25) / PAGE_SIZE);

/** What the list is narrowed to, for its title: connection or provider, kind, states. */
function listFilters(query: ListQuery, tr: Translator): string[] {
  // English keeps the words as typed ("task-groups", "failed/running"); other languages the card's.
  const english = tr.locale === 'en';
  const kind = query.kind ? (english ? `${query.kind}s` : kindPlural(query.kind, tr)) : '';
  const states = [...new Set(query.states ?? [])].map((s) => (english ? s : stateWords(s, tr)));
  return [
    query.connection
      ? tr.t('list.filter.connection', { name: query.connection })
      : query.provider
        ? tr.t('list.filter.provider', { provider: query.provider })
        : '',
    kind,
    states.join('/'),
  ].filter(Boolean);
}

/**
 * The connection a list names. A word that names none but is close to a state, a kind, a provider or
 * one of this workspace's connections (`list runing`) gets "Did you mean …?" instead of "No
 * connection named runing": any word a connection could be called reaches here as a connection.
 */
function namedConnection(ctx: HandlerContext, query: ListQuery & { connection: string }): Connection {
  const { connections } = ctx.deps;
  try {
    return connections.get(ctx.teamId, query.connection);
  } catch (error) {
    if (!(error instanceof AppError && error.code === ErrorCode.NotFound) || !query.typed) throw error;
    const { name, words } = query.typed;
    const typed =
      words.find((w) => w.toLowerCase().replace(/^-+/, '') === query.connection) ?? query.connection;
    const close = closeListWord(query.connection, {
      fixedKind: name === 'list' ? undefined : query.kind,
      connections: connections.forTeam(ctx.teamId).map((c) => c.name),
    });
    throw close ? didYouMean(name, words, typed, close) : error;
  }
}

/**
 * Lists one kind (or every kind) across the workspace's connections, merged, one page at a time.
 * Each connection's kinds are listed on their own: a kind the connection does not offer is skipped
 * (learned once), and one that cannot be read is named, never shown as "no tasks".
 */
export async function listResources(
  ctx: HandlerContext,
  query: ListQuery,
  replaceOriginal = false,
): Promise<void> {
  await ctx.require('view', ctx.here, 'see migrations');
  const { connections, logger } = ctx.deps;
  const { resolver } = ctx.deps.resources;
  const page = Math.min(query.page, MAX_PAGE);
  const targets = (
    query.connection
      ? [namedConnection(ctx, { ...query, connection: query.connection })]
      : connections.forTeam(ctx.teamId)
  )
    .filter((c) => !query.provider || c.provider === query.provider)
    .map((connection) => {
      const provider = connections.provider(connection, 'interactive');
      const kinds: readonly ResourceKind[] = query.kind
        ? provider.kinds.filter((k) => k === query.kind)
        : provider.kinds;
      return { connection, provider, kinds };
    })
    .filter(({ kinds }) => kinds.length > 0);
  const wanted = (page + 1) * PAGE_SIZE;
  const outcomes = await Promise.all(
    targets.map(({ connection, provider, kinds }) =>
      resolver.offering.each(connection, kinds, (kind) =>
        provider.list({ kind, states: query.states, limit: Math.min(100, wanted), offset: 0 }),
      ),
    ),
  );
  // A shared list is read by the channel; otherwise by the asker (states, figures, buttons).
  const tr = await ctx.translator(query.share ? 'channel' : 'person');
  const resources: MigrationResource[] = [];
  const failures: ListGap[] = [];
  const notOffered: { connection: string; kind: ResourceKind }[] = [];
  let total = 0;
  let answered = 0;
  outcomes.forEach((perKind, i) => {
    const name = targets[i]!.connection.name;
    const failed = perKind.flatMap((o) => (o.status === 'failed' ? [o] : []));
    for (const outcome of perKind) {
      if (outcome.status === 'ok') {
        answered++;
        resources.push(...outcome.value.resources);
        total += outcome.value.total ?? outcome.value.resources.length;
      } else if (outcome.status === 'not-offered') {
        // Said only when that kind was asked for by name: otherwise it is simply not part of the list.
        if (query.kind) notOffered.push({ connection: name, kind: outcome.kind });
      } else {
        logger.warn({ err: outcome.error, connection: name, kind: outcome.kind }, 'list failed');
      }
    }
    // Every kind asked for failed: one line for the connection rather than one per kind.
    if (failed.length > 0 && failed.length === perKind.length)
      failures.push({ connection: name, reason: describeUnreadable(name, failed[0]!.error, tr) });
    else
      for (const f of failed)
        failures.push({ connection: name, kind: f.kind, reason: describeUnreadable(name, f.error, tr) });
  });
  await resolver.index.remember(
    ctx.teamId,
    resources.map((r) => ({
      connection: r.connection,
      kind: r.kind,
      id: r.id,
      name: r.name,
      state: r.state,
      rawStatus: r.rawStatus,
    })),
  );
  const ordered = orderForTriage(resources);
  const shown = ordered.slice(page * PAGE_SIZE, wanted);
  const titles = await new ResourceTitles(ctx.deps.store).many(ctx.teamId, shown).catch(() => undefined);
  // What the capabilities say under each row: who is on a failure, the window that holds it.
  const rowLines = await rowLinesOf(ctx.deps.capabilities, ctx.teamId, shown, tr, ctx.deps.clock.now());
  const filters = listFilters(query, tr);
  const unread = [...new Set(failures.map((f) => f.connection))].join(', ');
  const summary =
    resources.length === 0 && unread
      ? tr.t('list.text.unread', { connections: unread })
      : resources.length === 0 && answered === 0 && notOffered.length > 0
        ? tr.t('list.text.notOffered', {
            connections: [...new Set(notOffered.map((n) => n.connection))].join(', '),
          })
        : tr.t('list.text.count', {
            total,
            filters: filters.length ? ` · ${filters.join(' · ')}` : '',
            unread: unread ? tr.t('list.text.partly', { connections: unread }) : '',
          });
  await ctx.reply({
    text: summary,
    blocks: renderResourceList({
      tr,
      title: `${tr.t('list.title')}${filters.length ? ` · ${filters.join(' · ')}` : ''}`,
      resources: shown,
      titles,
      rowLines,
      summary: triageSummary(resources, tr, total),
      total,
      failures,
      notOffered,
      answered,
      paging: { query, page, pageSize: PAGE_SIZE, hasNext: wanted < total && page < MAX_PAGE },
      emptyHint: targets.length === 0 ? tr.t('list.noSuchKind') : undefined,
    }),
    share: query.share,
    replaceOriginal,
  });
}

/**
 * `/migrate list`: the providers' lists, or a capability's own list where the one word after it is
 * one of `filters` (`/migrate list unverified`), the capabilities' words beside the core's.
 */
export function listCommand(filters: readonly ListFilter[]) {
  const words = filters.map((f) => f.word);
  return defineSubcommand<ListQuery>({
    name: 'list',
    needs: 'view',
    aliases: ['ls', 'tasks'],
    usage: '/migrate list [provider|connection] [state] [kind]',
    summary:
      'List migrations, e.g. `/migrate list failed`, `/migrate list hw-prod running`, `/migrate list ncp policies`.',
    example: (f) => `/migrate list ${f.connection() ?? '<connection>'} failed`,
    related: ['status', 'groups', 'sync'],
    parse: (args, share) => parseListQuery('list', args, share, undefined, words),
    run: (ctx, query) => {
      const filter = filters.find((f) => f.word === query.filter);
      return filter ? filter.run(ctx, query.share) : listResources(ctx, query);
    },
  });
}

export const groups = defineSubcommand<ListQuery>({
  name: 'groups',
  needs: 'view',
  usage: '/migrate groups [connection] [state]',
  summary: 'List OMS migration task groups.',
  example: (f) => `/migrate groups ${f.connection({ kind: 'task-group' }) ?? '<connection>'} running`,
  related: ['list', 'status', 'subscribe'],
  parse: (args, share) => parseListQuery('groups', args, share, 'task-group'),
  run: (ctx, query) => listResources(ctx, query),
});

export const syncTasks = defineSubcommand<ListQuery>({
  name: 'sync',
  needs: 'view',
  usage: '/migrate sync [connection] [state]',
  summary: 'List OMS synchronization tasks.',
  example: (f) => `/migrate sync ${f.connection({ kind: 'sync-task' }) ?? '<connection>'}`,
  related: ['list', 'sync-event', 'status'],
  parse: (args, share) => parseListQuery('sync', args, share, 'sync-task'),
  run: (ctx, query) => listResources(ctx, query),
});
