import type { Connection } from '../connections/connection.js';
import type { MigrationResource, ResourceKind } from '../domain/migration-resource.js';
import { KindNotOfferedError, NotFoundError, ProviderError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MigrationProvider } from '../providers/types.js';
import type { KindOffering } from '../resources/kind-offering.js';
import type { Clock } from './clock.js';
import { tallyGroup } from './group-tally.js';
import type { CycleReport, CycleSettings } from './poll-cycle.js';
import type { Observation } from './transitions.js';
import { connectionWhere } from './watch-log.js';

export interface ObserveDeps {
  offering: KindOffering;
  /** Stamps each answer (`Observation.seenAt`). */
  clock: Clock;
  logger: Logger;
  settings: Pick<CycleSettings, 'pageSize' | 'maxPages' | 'getsPerConnection' | 'subscriptionMaxPages'>;
}

/**
 * What observing needs of a watch: its key, the resource it watches, and whether it is a
 * subscription's watch without a card (`follow`: such a task group's tasks are not counted).
 */
export interface Watched {
  key: string;
  kind: ResourceKind;
  id: string;
  follow?: string;
}

/** What one connection's poll saw: each watch's observation, and every item of the kinds listed whole. */
export interface Observed {
  observations: Map<string, Observation>;
  /** Items of the `whole` kinds (subscriptions discover new resources among them). */
  listed: MigrationResource[];
}

/**
 * Observes one connection's watches, each kind on its own: a kind the connection does not offer is
 * not polled, and a kind that fails leaves its watches unobserved this cycle while the other kinds
 * are still polled. Throws (the connection is down) only when no kind could be observed.
 */
export async function observeConnection(
  deps: ObserveDeps,
  connection: Connection,
  provider: MigrationProvider,
  watches: readonly Watched[],
  report: CycleReport,
  whole: ReadonlySet<ResourceKind> = new Set(),
): Promise<Observed> {
  const out = new Map<string, Observation>();
  const listed: MigrationResource[] = [];
  const byKind = groupBy(watches, (w) => w.kind);
  for (const kind of whole) if (!byKind.has(kind)) byKind.set(kind, []);
  const absent = await deps.offering.notOffered(connection, [...byKind.keys()]);
  const failed: [ResourceKind, unknown][] = [];
  let answered = 0;
  for (const [kind, group] of byKind) {
    if (absent.has(kind)) continue;
    try {
      const seen = await observeKind(deps, provider, kind, group, report, whole.has(kind));
      for (const [key, observation] of seen.observations) out.set(key, observation);
      listed.push(...seen.listed);
      answered++;
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      if (error instanceof KindNotOfferedError) {
        await deps.offering.markNotOffered(connection, kind);
        continue;
      }
      failed.push([kind, error]);
    }
  }
  // Nothing answered: the connection is down, said once per outage by the cycle (watch-log.ts).
  if (failed.length > 0 && answered === 0) throw failed[0]![1];
  for (const [kind, error] of failed)
    deps.logger.warn(
      { err: error, ...connectionWhere(connection), kind },
      'watched kind could not be polled this cycle',
    );
  await tallyGroups(deps, connection, provider, watches, out, report);
  return { observations: out, listed };
}

/**
 * A watched task group's card counts its tasks: each group's task list is read once per cycle
 * (however many channels watch it). A list that fails leaves the card's last counts in place.
 */
async function tallyGroups(
  deps: ObserveDeps,
  connection: Connection,
  provider: MigrationProvider,
  watches: readonly Watched[],
  out: Map<string, Observation>,
  report: CycleReport,
): Promise<void> {
  const byGroup = groupBy(
    watches.filter((w) => w.kind === 'task-group' && !w.follow),
    (w) => w.id,
  );
  for (const [groupId, group] of byGroup) {
    const seen = group.map((w) => out.get(w.key)).find((o) => o && 'resource' in o);
    if (!seen) continue;
    try {
      const tally = await tallyGroup(provider, groupId, deps.settings, report);
      for (const w of group) {
        const observation = out.get(w.key);
        if (observation && 'resource' in observation) out.set(w.key, { ...observation, group: tally });
      }
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      deps.logger.warn(
        { err: error, ...connectionWhere(connection), group: groupId },
        "task group's tasks could not be read this cycle",
      );
    }
  }
}

/**
 * Lists one kind page by page (stopping once every watched id is seen, unless the kind is listed
 * `whole` for a subscription), then confirms what the list did not show with `get`. All or nothing:
 * a failure part-way observes none of the kind.
 */
async function observeKind(
  deps: ObserveDeps,
  provider: MigrationProvider,
  kind: ResourceKind,
  group: readonly Watched[],
  report: CycleReport,
  whole: boolean,
): Promise<Observed> {
  const { pageSize, getsPerConnection } = deps.settings;
  const maxPages = whole ? deps.settings.subscriptionMaxPages : deps.settings.maxPages;
  const out = new Map<string, Observation>();
  const listed: MigrationResource[] = [];
  // Several channels may watch one resource: every one of their watches gets the observation.
  const wanted = new Map<string, string[]>();
  for (const w of group) {
    const keys = wanted.get(w.id);
    if (keys) keys.push(w.key);
    else wanted.set(w.id, [w.key]);
  }
  const seen = new Set<string>();
  for (let page = 0; page < maxPages && (whole || seen.size < wanted.size); page++) {
    report.providerRequests++;
    report.pages++;
    const { resources, total } = await provider.list({ kind, limit: pageSize, offset: page * pageSize });
    const seenAt = deps.clock.now();
    if (whole) listed.push(...resources);
    for (const resource of resources) {
      const keys = wanted.get(resource.id);
      // An unreadable list item is no observation: the resource is read on its own below.
      if (keys === undefined || seen.has(resource.id) || resource.unreadable) continue;
      seen.add(resource.id);
      const observation = { resource, actions: provider.actionsFor(resource), seenAt };
      for (const key of keys) out.set(key, observation);
    }
    const end = (page + 1) * pageSize;
    if (resources.length < pageSize || (total !== undefined && end >= total)) break;
  }
  // Not in the list: fetched one by one; a 404 confirms it is gone (never assumed from a list).
  const missing: [string, string[]][] = [];
  if (seen.size < wanted.size) for (const entry of wanted) if (!seen.has(entry[0])) missing.push(entry);
  await forEachLimited(missing, getsPerConnection, async ([id, keys]) => {
    report.providerRequests++;
    try {
      const resource = await provider.get(kind, id);
      const seen = { resource, actions: provider.actionsFor(resource), seenAt: deps.clock.now() };
      for (const key of keys) out.set(key, seen);
    } catch (error) {
      if ((error instanceof ProviderError && error.httpStatus === 404) || error instanceof NotFoundError)
        for (const key of keys) out.set(key, { gone: true });
      else throw error;
    }
  });
  return { observations: out, listed };
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/** The items that pass `test`, and the others, each in their order. */
export function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
