import type { CapabilityCore } from '../../contract/capability.js';
import type { MigrationResource, ObjectList } from '../../domain/migration-resource.js';
import { ObjectStoreError } from '../../object-store/object-store.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import type { Observation } from '../../watcher/transitions.js';
import { bucketStore } from './bucket-store.js';
import { planCheck } from './plan.js';
import { decodeListLine } from './run-check.js';

/** Keys of a failed-object list named on the verification post and in its CSV. */
export const ENDING_LIST_KEYS = 1_000;
/** Bytes read of the list at the ending (1,000 keys of up to 1 KiB each, URL-encoded). */
const ENDING_LIST_BYTES = 3 * 1024 * 1024;
/** The read's own deadline: the poll that records the ending waits for it. */
const ENDING_LIST_MS = 5_000;

/**
 * Before a poll records a run's ending with failed objects the provider listed in the destination
 * bucket (OMS), the list is read (bounded in keys, bytes and time) and its keys put on the
 * observed list, so the verification decided at that ending names them on its post and in its
 * CSV in the run's thread. Only at the ending: later polls read nothing.
 */
export function readFailedListAtEnding(core: CapabilityCore) {
  return async (record: WatchRecord, observation: Observation): Promise<void> => {
    if (!('resource' in observation)) return;
    const resource = observation.resource;
    const failed = resource.reconciliation?.lists?.failed;
    const ending = (resource.state === 'failed' || resource.state === 'succeeded') && !record.ended;
    if (!ending || record.follow || !failed?.recorded || !resource.failedObjectList || failed.names) return;
    if (record.state === resource.state) return;
    failed.names = await namesOf(core, record.watch.teamId, resource);
  };
}

async function namesOf(
  core: CapabilityCore,
  teamId: string,
  resource: MigrationResource,
): Promise<NonNullable<ObjectList['names']>> {
  const plan = planCheck(resource, core.connections.get(teamId, resource.connection));
  const side = plan.destination;
  if (!side.ok || !plan.failedList) return { keys: [], more: true, unread: side.ok ? 'no-object' : side.why };
  const keys: string[] = [];
  let more = false;
  try {
    const store = bucketStore(core.config, core.clock)(side);
    const read = await store.readLines(
      side.bucket,
      plan.failedList,
      ENDING_LIST_BYTES,
      AbortSignal.timeout(ENDING_LIST_MS),
    );
    for await (const line of read.lines) {
      const key = decodeListLine(line);
      if (key === undefined) continue;
      if (keys.length >= ENDING_LIST_KEYS) {
        more = true;
        break;
      }
      keys.push(key);
    }
    more ||= read.truncated();
    return { keys, more };
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) {
      core.logger.warn({ err: error }, 'the failed-object list was not read at the ending');
      return { keys, more: true, unread: 'unreachable' };
    }
    return { keys, more: true, unread: error.failure };
  }
}
