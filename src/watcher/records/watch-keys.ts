import { targetOfKey } from './record-codec.js';
import { dedupBaseOf } from './record-expand.js';
import type { OutboxEntry, WatchTarget } from './watch-store.js';

/** The names of the watcher's records and sets in the store. */
const enc = encodeURIComponent;

export const INDEX_KEY = 'index';

export function watchKey(t: WatchTarget): string {
  return `w:${enc(t.teamId)}:${enc(t.channelId)}:${enc(t.connection)}:${t.kind}:${enc(t.id)}`;
}

/**
 * The target a watch key names (the inverse of `watchKey`), so a cycle can group watches by
 * connection from the index alone, before it reads any record. Undefined for a key of another
 * shape. The same reading the compact record codec uses to restore a record's target.
 */
export const watchTargetOf: (key: string) => WatchTarget | undefined = targetOfKey;

export function healthKey(connection: string): string {
  return `conn:${enc(connection)}`;
}

export function channelKey(teamId: string, channelId: string): string {
  return `ch:${enc(teamId)}:${enc(channelId)}`;
}

/** The outbox entry that posts a watch's card (its dedup key is the watch's own). */
export function parentEntry(t: WatchTarget, now: number): OutboxEntry {
  return {
    key: `${dedupBase(t)}:parent`,
    type: 'parent',
    teamId: t.teamId,
    channel: t.channelId,
    createdAt: now,
    attempts: 0,
  };
}

/** The stable part of every dedup key: (team, channel, connection, kind, id). */
export const dedupBase: (t: WatchTarget) => string = dedupBaseOf;

/**
 * The set of one resource's watch keys in a workspace (every channel watching it): a click on a
 * resource's post finds its watches here, by key, not by reading the whole index.
 */
export function resourceSetOf(watchKey: string): string {
  // w:<team>:<channel>:<connection>:<kind>:<id>, each part already encoded: the channel left out.
  const [, team, , connection, kind, id] = watchKey.split(':');
  return `resource-watches:${team}:${connection}:${kind}:${id}`;
}

/** The same set, named by the resource. */
export function resourceSetFor(t: Omit<WatchTarget, 'channelId'>): string {
  return `resource-watches:${enc(t.teamId)}:${enc(t.connection)}:${t.kind}:${enc(t.id)}`;
}

/**
 * The Redis Cluster hash tag: `<team>:<connection>` (as the key spells them) for a watch record and a
 * resource's set, undefined for other keys. A poll's `MGET` (a workspace connection's records) and a
 * click's reads (a resource's set, then its records) each stay in one slot while workspaces spread over
 * the cluster; a file connection shared by workspaces is one `MGET` per workspace.
 */
export function watchSlotTag(key: string): string | undefined {
  // w:<team>:<channel>:<connection>:… and resource-watches:<team>:<connection>:…
  const skip = key.startsWith('w:') ? 1 : key.startsWith('resource-watches:') ? 0 : -1;
  if (skip < 0) return undefined;
  const teamStart = key.indexOf(':') + 1;
  const teamEnd = key.indexOf(':', teamStart);
  if (teamEnd < 0) return undefined;
  let connectionStart = teamEnd + 1;
  if (skip === 1) connectionStart = key.indexOf(':', connectionStart) + 1;
  const connectionEnd = connectionStart > 0 ? key.indexOf(':', connectionStart) : -1;
  if (connectionEnd < 0) return undefined;
  return `${key.slice(teamStart, teamEnd)}:${key.slice(connectionStart, connectionEnd)}`;
}
