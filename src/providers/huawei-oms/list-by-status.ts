import {
  type MigrationResource,
  type NormalizedState,
  type ResourceKind,
  unreadableResource,
} from '../../domain/migration-resource.js';
import type { UnreadableItem } from '../list-items.js';
import type { ListQuery, ResourcePage } from '../types.js';
import { LIMITS } from './schemas.js';

/** One OMS list call's answer, mapped: unreadable items included, so page lengths stay true. */
export interface StatusPage {
  items: MigrationResource[];
  count?: number;
}

export type FetchStatusPage<S> = (
  status: S | undefined,
  limit: number,
  offset: number,
) => Promise<StatusPage>;

/**
 * At most this many pages of 100 are read per status for one listing (5,000 items), whatever the
 * server answers, so a server that ignores `offset` or miscounts cannot keep a listing going.
 */
export const MAX_PAGES_PER_STATUS = 50;

/** undefined: no filter; 'none': a state no status has, so nothing can match. */
export function statusesFor<S>(
  states: readonly NormalizedState[] | undefined,
  lookup: (state: NormalizedState) => S[],
): S[] | 'all' | 'none' {
  if (!states || states.length === 0) return 'all';
  const statuses = [...new Set(states.flatMap(lookup))];
  return statuses.length === 0 ? 'none' : statuses;
}

/**
 * A page of `query` over OMS's one-status-per-call filter and 100-item pages. One status (or none)
 * maps onto the API's own paging; several (a task group is `failed` in status 4 or 5) are read each
 * from the start up to `offset + limit`, page by page, merged in status order, then cut to the page.
 * `offsetMax` is the operation's documented offset limit (sync tasks stop at 10,000).
 */
export async function listByStatus<S>(
  query: Pick<ListQuery, 'limit' | 'offset'>,
  statuses: S[] | 'all' | 'none',
  fetch: FetchStatusPage<S>,
  offsetMax: number = LIMITS.taskOffsetMax,
): Promise<ResourcePage> {
  if (statuses === 'none' || query.limit <= 0)
    return { resources: [], total: statuses === 'none' ? 0 : undefined };
  if (statuses === 'all' || statuses.length === 1) {
    const status = statuses === 'all' ? undefined : statuses[0];
    const page = await collect(fetch, status, query.offset, query.limit, offsetMax);
    return { resources: page.items, total: page.count };
  }
  const wanted = query.offset + query.limit;
  const pages = await Promise.all(statuses.map((status) => collect(fetch, status, 0, wanted, offsetMax)));
  return {
    resources: pages.flatMap((p) => p.items).slice(query.offset, wanted),
    total: pages.reduce((sum, p) => sum + (p.count ?? p.items.length), 0),
  };
}

/** Up to `want` items of one status from `offset`, in pages of at most 100, bounded in pages. */
async function collect<S>(
  fetch: FetchStatusPage<S>,
  status: S | undefined,
  offset: number,
  want: number,
  offsetMax: number,
): Promise<StatusPage> {
  const items: MigrationResource[] = [];
  let count: number | undefined;
  let at = offset;
  for (let page = 0; page < MAX_PAGES_PER_STATUS && items.length < want && at <= offsetMax; page++) {
    const size = Math.min(LIMITS.pageSize.max, want - items.length);
    const got = await fetch(status, size, at);
    count ??= got.count;
    items.push(...got.items);
    at += got.items.length;
    // A short page is the last one; so is reaching the count the server gave.
    if (got.items.length < size || (count !== undefined && at >= count)) break;
  }
  return { items: items.slice(0, want), count };
}

/** Resources for a page's readable items, then one stand-in per unreadable item. */
export function pageResources<T>(
  where: { connection: string; kind: ResourceKind },
  items: readonly T[],
  map: (item: T) => MigrationResource,
  unreadable: readonly UnreadableItem[],
): MigrationResource[] {
  return [
    ...items.map(map),
    ...unreadable.map((u) => unreadableResource({ provider: 'huawei-oms', ...where }, u.id, u.reason)),
  ];
}
