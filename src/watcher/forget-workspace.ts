import { SKIP } from '../store/atomic-kv.js';
import { holdKey } from './outbox/slack-holds.js';
import {
  channelKey,
  healthKey,
  type WatchRecord,
  type WatchStore,
  type WatchTarget,
  watchTargetOf,
} from './records/watch-store.js';

export interface ForgottenWatches {
  watches: number;
  /** The resources its watches named (their last-action attributions go too). */
  resources: Pick<WatchTarget, 'connection' | 'kind' | 'id'>[];
}

/**
 * Everything the watcher keeps for a workspace that uninstalled the app: its watches with their
 * outboxes (nothing more is posted there), its channels' digest records, its own connections'
 * health and its Slack hold. Run after the capabilities forgot it (what they list whole would add
 * watches again): with no watch of it left, no cycle asks a provider anything for it. Idempotent.
 */
export async function forgetWorkspaceWatches(store: WatchStore, teamId: string): Promise<ForgottenWatches> {
  const channels = new Set<string>();
  const connections = new Set<string>();
  const resources: ForgottenWatches['resources'] = [];
  let watches = 0;
  for (const key of await store.watchKeys()) {
    // A key names its target; one of another shape is read to find its workspace.
    const target = watchTargetOf(key) ?? (await store.read<WatchRecord>(key))?.watch;
    if (target?.teamId !== teamId) continue;
    if (await store.remove(key)) watches++;
    channels.add(target.channelId);
    connections.add(target.connection);
    resources.push({ connection: target.connection, kind: target.kind, id: target.id });
  }
  const gone = (current: string | undefined) => (current === undefined ? SKIP : undefined);
  for (const channel of channels) await store.backend.update(channelKey(teamId, channel), gone);
  // Its own connections' health (a connection shared by every workspace keeps its own).
  for (const name of connections) await store.backend.update(healthKey(`${teamId}/${name}`), gone);
  // What Slack last told the replicas about it (several replicas keep it in the store).
  await store.backend.update(holdKey(teamId), gone);
  return { watches, resources };
}
