import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../../domain/migration-resource.js';
import type { MigrationProvider } from '../../providers/types.js';
import type { TimeWindow } from './window-store.js';

/** A window pauses only what is moving: never something being created, failed, paused by hand or ended. */
export const PAUSABLE: ReadonlySet<NormalizedState> = new Set([
  'running',
  'queued',
  'retrying',
  'monitoring',
]);
/** At most this many of a connection's resources are read per kind (pages of 100). */
const MAX_PAGES = 5;

/** What the window's target covers now, as the provider shows it. */
export async function coveredNow(
  connections: ConnectionRegistry,
  teamId: string,
  w: TimeWindow,
): Promise<MigrationResource[]> {
  const t = w.target;
  const provider = connections.provider(connections.get(teamId, t.connection), 'background');
  if (t.kind === 'resource') return [await provider.get(t.resourceKind as MigrationResource['kind'], t.id)];
  if (t.kind === 'group') return [await provider.get('task-group', t.id)];
  const found: MigrationResource[] = [];
  // A connection's groups are covered through their tasks: pausing both would act twice.
  for (const kind of provider.kinds.filter((k) => k !== 'task-group'))
    found.push(...(await pausableOf(provider, kind).catch(() => [] as MigrationResource[])));
  return found;
}

/**
 * A kind's pausable resources: one list when they all fit in one page (OMS filters one status per
 * call: a filter over several states costs a call each); else pages filtered by state.
 */
async function pausableOf(provider: MigrationProvider, kind: ResourceKind): Promise<MigrationResource[]> {
  const first = await provider.list({ kind, limit: 100, offset: 0 });
  if (first.resources.length < 100 && (first.total === undefined || first.total <= 100))
    return first.resources.filter((r) => PAUSABLE.has(r.state));
  const found: MigrationResource[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const { resources } = await provider.list({
      kind,
      states: [...PAUSABLE],
      limit: 100,
      offset: page * 100,
    });
    found.push(...resources);
    if (resources.length < 100) break;
  }
  return found;
}
