import type { Connection } from '../connections/connection.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { groupBy } from './observe.js';
import { type WatchStore, watchChannelPartOf, watchTargetOf } from './records/watch-store.js';
import type { Interested } from './whole-lists.js';

/** A connection's watches and what capabilities list of it whole, polled together in one pass. */
export interface ConnectionGroup {
  connection: Connection | undefined;
  /** As the watches name it (the connection may be gone from the configuration). */
  name: string;
  /** The watches' keys: their records are read when the connection's poll starts. */
  keys: string[];
  /** Capabilities' interests in every item of its lists (a `watch.listing` part). */
  wanted: Interested[];
}

export interface GroupDeps {
  store: WatchStore;
  connections: ConnectionRegistry;
  logger: Logger;
}

/** Watch keys of one workspace connection, as the keys (or, for another shape, the record) name it. */
interface NamedKeys {
  teamId: string;
  connection: string;
  keys: string[];
}

/**
 * One group per connection (a file connection shared by workspaces is polled once), from the
 * watch keys, which name their workspace and connection, so no record is read to group them. A
 * key of another shape is grouped by its record, read now.
 */
export async function groupByConnection(
  keys: readonly string[],
  wanted: readonly Interested[],
  deps: GroupDeps,
): Promise<Map<string, ConnectionGroup>> {
  // Keys by their `w:team:channel:connection:` part: a channel's keys are parsed once. Only
  // those parts are map keys, so no key of another shape can stand for (and drop) a channel.
  const byChannelPart = new Map<string, NamedKeys>();
  const named: NamedKeys[] = [];
  const odd: string[] = [];
  for (const key of keys) {
    const part = watchChannelPartOf(key);
    let channel = part === undefined ? undefined : byChannelPart.get(part);
    if (!channel) {
      const target = watchTargetOf(key);
      if (!target) {
        odd.push(key);
        continue;
      }
      channel = { teamId: target.teamId, connection: target.connection, keys: [] };
      named.push(channel);
      // A key of an unusual shape (an escaped id) is parsed on its own each time.
      if (part !== undefined) byChannelPart.set(part, channel);
    }
    channel.keys.push(key);
  }
  for (const { key, record } of await deps.store.loadMany(odd))
    named.push({ teamId: record.watch.teamId, connection: record.watch.connection, keys: [key] });
  // Connections added from Slack live in the store: load each workspace's before resolving.
  const teams = new Set([...named.map((w) => w.teamId), ...wanted.map((w) => w.interest.teamId)]);
  await Promise.all([...teams].map((t) => deps.connections.sync(t)));
  const groups = new Map<string, ConnectionGroup>();
  // A workspace's connection is looked up once, not once per watch (keys come sorted by it).
  const known = new Map<string, ConnectionGroup>();
  const groupOf = (teamId: string, name: string) => {
    const pair = `${teamId}\n${name}`;
    const seen = known.get(pair);
    if (seen) return seen;
    const connection = connectionOf(deps, teamId, name);
    const id = connection ? connectionId(connection) : `${teamId}/${name}`;
    const group = groups.get(id) ?? { connection, name, keys: [], wanted: [] };
    groups.set(id, group);
    known.set(pair, group);
    return group;
  };
  for (const w of named) groupOf(w.teamId, w.connection).keys.push(...w.keys);
  for (const w of wanted) groupOf(w.interest.teamId, w.interest.connection).wanted.push(w);
  return groups;
}

/** Undefined when the connection is gone from the configuration or cannot be read right now. */
function connectionOf(deps: GroupDeps, teamId: string, name: string): Connection | undefined {
  try {
    return deps.connections.get(teamId, name);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    deps.logger.warn({ err: error, team: teamId, connection: name }, 'watched connection not available');
    return undefined;
  }
}

/** A file connection without a team is one connection for every workspace; stored ones are per team. */
function connectionId(connection: Connection): string {
  return `${connection.team ?? '*'}/${connection.name}`;
}

/**
 * The connections' lease names in the order a replica keeps its share of them (`Leases.plan`):
 * each provider's sorted, then one of each provider in turn. A replica's share is then spread over
 * the providers, and so are its requests: each provider has its own lanes in a replica, and a
 * share of one provider's connections only would leave the others' lanes idle.
 */
export function spreadOverProviders(groups: ReadonlyMap<string, ConnectionGroup>): string[] {
  const byProvider = groupBy([...groups], ([, group]) => providerOf(group));
  const lists = [...byProvider.keys()].sort().map((p) => byProvider.get(p)!.map(([id]) => `conn:${id}`));
  for (const list of lists) list.sort();
  const longest = Math.max(0, ...lists.map((l) => l.length));
  const spread: string[] = [];
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) spread.push(list[i]!);
  return spread;
}

/** The provider whose lanes a connection's requests take ('unknown' once it left the configuration). */
export function providerOf(group: ConnectionGroup): string {
  return group.connection?.provider ?? 'unknown';
}
