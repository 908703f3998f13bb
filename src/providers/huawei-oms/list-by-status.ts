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
 * maps onto the API's own paging; several (a task group is `failed` in status 4 or 5) are merged
 * (`listMerged`). `offsetMax` is the operation's documented offset limit (sync tasks stop at 10,000).
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
  return listMerged(query, statuses, fetch, offsetMax);
}

/**
 * Several statuses as one sequence (group `failed` is 4 then 5) with one `offset`/`limit` and one total.
 * Each status is read from where the page falls in it (the sum of earlier statuses' `count`): page 100 of
 * 10,000 failed groups is one or two calls, not fifty per status. OMS documents `count` (Tables 5-14, 5-79,
 * 5-116); an answer without it gets the status's length found (`lengthBelow`) or "more than N" (`moreThan`).
 */
async function listMerged<S>(
  query: Pick<ListQuery, 'limit' | 'offset'>,
  statuses: S[],
  fetch: FetchStatusPage<S>,
  offsetMax: number,
): Promise<ResourcePage> {
  const resources: MigrationResource[] = [];
  let skip = query.offset; // items of the sequence before the page, not yet passed
  let known = 0; // items in the statuses whose length is known
  let beyond = 0; // items seen past the known lengths: there are more than this many
  let exact = true;
  let pageDone = false;
  for (const status of statuses) {
    const want = query.limit - resources.length;
    if (pageDone || want <= 0) {
      // The page is full: only how many this status holds is still needed, for the total.
      const probe = await fetch(status, 1, 0);
      if (probe.count !== undefined) known += probe.count;
      else if (probe.items.length > 0) exact = false;
      continue;
    }
    const got = await collect(fetch, status, skip, want, offsetMax, true);
    const items = got.items.slice(0, want);
    resources.push(...items);
    let length = got.count;
    if (length === undefined) {
      if (got.items.length > want || got.more) {
        // It goes on past what was read (the item after the page, or the read's bounds): the last
        // item seen is at skip + read - 1, so there are more than that many.
        exact = false;
        beyond += skip + got.items.length - 1;
        pageDone = true;
        continue;
      }
      length =
        got.items.length > 0 || skip === 0
          ? skip + got.items.length
          : await lengthBelow(fetch, status, skip, offsetMax);
    } else if (items.length < want && skip + items.length < length) {
      // Cut at the page bound with more of this status to come: the page ends here, still in order.
      pageDone = true;
    }
    known += length;
    skip = Math.max(0, skip - length);
  }
  if (exact) return { resources, total: known };
  return { resources, moreThan: Math.max(known + beyond, query.offset + resources.length) };
}

/**
 * How many items a status without a count holds, knowing it has at most `upper` (a read at offset
 * `upper` came back empty): a binary search with one-item reads, at most 32 calls for any offset.
 */
async function lengthBelow<S>(
  fetch: FetchStatusPage<S>,
  status: S,
  upper: number,
  offsetMax: number,
): Promise<number> {
  let low = 0;
  let high = Math.min(upper, offsetMax + 1);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const probe = await fetch(status, 1, mid - 1);
    if (probe.items.length > 0) low = mid;
    else high = mid - 1;
  }
  return low;
}

interface Collected extends StatusPage {
  /** The read stopped at its bounds on a full page: the status may go on. */
  more: boolean;
}

/**
 * Up to `want` items of one status from `offset`, in pages of at most 100, bounded in pages. With
 * `peek`, while OMS has given no count, one item more is read: it says whether the status goes on.
 */
async function collect<S>(
  fetch: FetchStatusPage<S>,
  status: S | undefined,
  offset: number,
  want: number,
  offsetMax: number,
  peek = false,
): Promise<Collected> {
  const items: MigrationResource[] = [];
  let count: number | undefined;
  let at = offset;
  const target = () => (peek && count === undefined ? want + 1 : want);
  for (let page = 0; page < MAX_PAGES_PER_STATUS && items.length < target(); page++) {
    if (at > offsetMax) return { items, count, more: true };
    const size = Math.min(LIMITS.pageSize.max, target() - items.length);
    const got = await fetch(status, size, at);
    count ??= got.count;
    items.push(...got.items);
    at += got.items.length;
    // A short page is the last one; so is reaching the count the server gave.
    if (got.items.length < size || (count !== undefined && at >= count)) return { items, count, more: false };
  }
  return { items: items.slice(0, target()), count, more: items.length < target() };
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
