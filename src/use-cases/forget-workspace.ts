import type { GrantStore } from '../access/grant-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { Logger } from '../logger.js';
import type { LastActions } from '../resources/last-actions.js';
import type { ResourceIndex } from '../resources/resource-index.js';
import type { SettingsStore } from '../settings/workspace-settings.js';
import { type ForgottenWatches, forgetWorkspaceWatches } from '../watcher/forget-workspace.js';
import type { Watcher } from '../watcher/watcher.js';

export interface WorkspaceDataStores {
  connections: ConnectionRegistry;
  watcher: Pick<Watcher, 'store'>;
  grants: GrantStore;
  settings: SettingsStore;
  audit: AuditLog;
  resourceIndex: ResourceIndex;
  lastActions: LastActions;
  /**
   * What the capabilities keep about it (`src/capabilities/`): gone first, so none of their jobs
   * acts for the workspace after this.
   */
  capabilities?: { forgetWorkspace(teamId: string): Promise<void> };
  logger: Logger;
  /** AUDIT_RETENTION_DAYS in ms: how long a departed workspace's audit entries are kept. */
  auditRetentionMs: number;
}

/**
 * What the bot keeps about a workspace, deleted when the workspace uninstalls the app: stored
 * connections (with their encrypted keys), the capabilities' data, watches and subscriptions (so no
 * job and no cycle asks a provider anything for it again), role grants, settings, pending
 * approval requests, the resource index and the attributions of its watched resources. Its audit
 * entries are kept as long as the audit retention allows, then go. What is kept with a TTL of
 * its own expires by it: decided approval requests (30 days) and other attributions (7 days).
 *
 * Idempotent (a second run deletes nothing more), and every part is tried even when one fails: a
 * failure is logged and thrown at the end, and Departures (departures.ts, ADR 0010) runs it again,
 * with a backoff, until it is done.
 */
export class WorkspaceDeparture {
  readonly #stores: WorkspaceDataStores;

  constructor(stores: WorkspaceDataStores) {
    this.#stores = stores;
  }

  /**
   * Only the capabilities' data, its watches and subscriptions: no job and no cycle asks a provider
   * anything for the workspace after this.
   */
  async stopWatching(teamId: string): Promise<void> {
    const s = this.#stores;
    await s.capabilities?.forgetWorkspace(teamId);
    await forgetWorkspaceWatches(s.watcher.store, teamId);
  }

  async forget(teamId: string): Promise<void> {
    const s = this.#stores;
    const failed: string[] = [];
    const step = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        failed.push(what);
        s.logger.error(
          { err: error, team: teamId, part: what },
          'could not delete a departed workspace’s data',
        );
        return fallback;
      }
    };
    const none: ForgottenWatches = { watches: 0, resources: [] };
    // The capabilities' data before anything: their jobs (a window's edge) would act for it.
    await step('capabilities', async () => s.capabilities?.forgetWorkspace(teamId), undefined);
    // Watches next: from then on no cycle polls a provider for the workspace.
    const watched = await step('watches', () => forgetWorkspaceWatches(s.watcher.store, teamId), none);
    const connections = await step('connections', () => s.connections.forget(teamId), 0);
    // Again, now that its connections are gone: a cycle that was running may have added a watch
    // for a subscription (a capability's listing) it read before the first pass.
    const late = await step('watches', () => forgetWorkspaceWatches(s.watcher.store, teamId), none);
    await step('grants', () => s.grants.forget(teamId), undefined);
    await step('settings', () => s.settings.forget(teamId), undefined);
    await step('resource index', () => s.resourceIndex.forgetWorkspace(teamId), undefined);
    await step(
      'last actions',
      () => s.lastActions.forget(teamId, [...watched.resources, ...late.resources]),
      undefined,
    );
    await step('audit', () => s.audit.retire(teamId, s.auditRetentionMs), undefined);
    s.logger.info(
      {
        team: teamId,
        connections,
        watches: watched.watches + late.watches,
        auditKeptDays: Math.round(s.auditRetentionMs / 86_400_000),
        ...(failed.length > 0 ? { failed: [...new Set(failed)] } : {}),
      },
      'workspace uninstalled the app: its data deleted',
    );
    if (failed.length > 0)
      throw new Error(
        `Could not delete all of workspace ${teamId}'s data (${[...new Set(failed)].join(', ')}).`,
      );
  }
}
