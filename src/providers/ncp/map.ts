import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import type { NcpJobState, NcpPolicy } from './schemas.js';

/** `jobState` (providers.md §1.5) → normalized state. */
export const POLICY_STATE_BY_JOB_STATE: Readonly<Record<NcpJobState, NormalizedState>> = {
  INITIALIZED: 'queued',
  STARTED: 'running',
  PAUSED: 'paused',
  DELETED: 'deleted',
  DONE: 'succeeded',
  ERROR: 'failed',
};

/** The API documents no field explaining an ERROR, so the message says exactly that. */
export const NCP_ERROR_WITHOUT_DETAIL = 'NCP reported ERROR; no detail is given by the API';

export function normalizeJobState(jobState: string | undefined): NormalizedState {
  if (jobState === undefined) return 'unknown';
  return Object.hasOwn(POLICY_STATE_BY_JOB_STATE, jobState)
    ? POLICY_STATE_BY_JOB_STATE[jobState as NcpJobState]
    : 'unknown';
}

/** A policy seen as a `MigrationResource`: the title is both its id and its name. */
export function mapPolicy(policy: NcpPolicy, connection: string): MigrationResource {
  const state = normalizeJobState(policy.jobState);
  const bytesTotal = count(policy.estimatedSize);
  const bytesDone = count(policy.migratedSize);
  return {
    provider: 'ncp',
    connection,
    kind: 'policy',
    id: policy.title,
    name: policy.title,
    state,
    rawStatus: policy.jobState ?? '',
    progress: progressOf(policy.estimatedDone, bytesDone, bytesTotal, state),
    bytes: { done: bytesDone, skipped: count(policy.skippedSize), total: bytesTotal },
    objects: {
      done: count(policy.migratedObjectNum),
      skipped: count(policy.skippedObjectNum),
      total: count(policy.estimatedObjectNum),
    },
    source: {
      cloud: policy.sourceCspType || undefined,
      region: policy.sourceRegionName || undefined,
      bucket: policy.sourceBucketName || undefined,
      prefix: policy.sourcePrefix || undefined,
    },
    destination: {
      cloud: 'NCP',
      region: policy.targetRegionName || undefined,
      bucket: policy.targetBucketName || undefined,
      prefix: policy.targetPrefix || undefined,
    },
    lastError: state === 'failed' ? { message: NCP_ERROR_WITHOUT_DETAIL } : undefined,
    // Seed 000: an estimate (final once estimatedDone) against migrated and skipped; no failure count.
    reconciliation: { basis: 'estimate', ...(policy.estimatedDone === true ? {} : { totalFinal: false }) },
    createdAt: dateOf(policy.createTime),
    updatedAt: dateOf(policy.updateTime),
  };
}

/**
 * migratedSize / estimatedSize, but only once listing is over: before that the total is still being
 * counted and a ratio would run backwards as it grows.
 */
function progressOf(
  estimatedDone: boolean | undefined,
  done: number | undefined,
  total: number | undefined,
  state: NormalizedState,
): number | undefined {
  if (estimatedDone !== true || done === undefined || total === undefined) return undefined;
  // An empty source: nothing to move, so it is complete exactly when NCP says so.
  if (total === 0) return state === 'succeeded' ? 1 : 0;
  return Math.min(1, done / total);
}

/** Negative or non-finite values are no count at all (some APIs use -1 for "unknown") [I]. */
function count(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function dateOf(value: string | number | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
