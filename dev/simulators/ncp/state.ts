import type { Reading } from '../shapes.js';

/**
 * Policy states as NAVER Cloud documents them (seed 000 prints `jobState: "PAUSED"`; the full list is
 * in reference/providers.md §1), and the source clouds a policy migrates from. The simulator's own
 * copy: it never imports the client's schemas.
 */
export type NcpJobState = 'INITIALIZED' | 'STARTED' | 'PAUSED' | 'DELETED' | 'DONE' | 'ERROR';
export type NcpSourceCspType = 'AWS' | 'Azure';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/** What the simulator knows about a policy beyond what the API returns. */
export interface SimPolicy {
  title: string;
  jobState: NcpJobState;
  source: { cspType: NcpSourceCspType; region: string; bucket: string; prefix: string; endpoint: string };
  target: { region: string; bucket: string; prefix: string; endpoint: string };
  /** Virtual clock times, ms. */
  createTime: number;
  updateTime: number;
  /** What listing will find once it is over. */
  totalSize: number;
  totalObjects: number;
  skippedSize: number;
  skippedObjects: number;
  /** Listing time spent so far; listing is over (`estimatedDone`) at `timings.listingDelayMs`. */
  listingMs: number;
  estimatedDone: boolean;
  /** Fractional, so slow speeds still add up; shown floored. */
  migratedSize: number;
  speed: number;
  /** Set while STARTED: the virtual time progress was last computed at. */
  runningSince?: number;
  /** Turn to ERROR once this fraction (0..1) of the bytes is migrated; consumed when it fires. */
  failAt?: number;
  /** What changed in the source since the policy was done: a run started again migrates only this. */
  changed?: { size: number; objects: number };
}

export interface PolicyTimings {
  /** STARTED → source listing over (`estimatedDone` true). */
  listingDelayMs: number;
  /** Default migration speed of new policies, bytes per second. */
  speedBytesPerSecond: number;
}

export const DEFAULT_TIMINGS: PolicyTimings = {
  listingDelayMs: 5_000,
  speedBytesPerSecond: 64 * MiB,
};

/**
 * Moves a STARTED policy forward to `now` (state is computed lazily on every read): listing first,
 * then bytes at `speed` until DONE, or ERROR at the armed fraction.
 */
export function advancePolicy(policy: SimPolicy, now: number, timings: PolicyTimings): void {
  if (policy.jobState !== 'STARTED' || policy.runningSince === undefined) return;
  let elapsed = Math.max(0, now - policy.runningSince);
  policy.runningSince = now;
  if (!policy.estimatedDone) {
    const listing = Math.min(elapsed, Math.max(0, timings.listingDelayMs - policy.listingMs));
    policy.listingMs += listing;
    elapsed -= listing;
    if (policy.listingMs < timings.listingDelayMs) return;
    policy.estimatedDone = true;
  }
  const migratable = Math.max(0, policy.totalSize - policy.skippedSize);
  const reached = Math.min(migratable, policy.migratedSize + (policy.speed * elapsed) / 1000);
  const failSize = policy.failAt !== undefined ? policy.failAt * policy.totalSize : Number.POSITIVE_INFINITY;
  if (reached >= failSize) {
    policy.migratedSize = Math.max(policy.migratedSize, Math.min(failSize, migratable));
    finish(policy, 'ERROR', now);
    // A policy fails once; starting it again carries on unless a test arms it again.
    policy.failAt = undefined;
    return;
  }
  policy.migratedSize = reached;
  if (reached >= migratable) finish(policy, 'DONE', now);
}

/**
 * A DONE policy started again (READINGS.startDone): it lists the source again, and what is in the
 * target already is skipped; only what changed (`changed`, set by a test) is migrated.
 */
export function rerunPolicy(policy: SimPolicy): void {
  const changed = policy.changed ?? { size: 0, objects: 0 };
  policy.skippedSize = Math.max(0, policy.totalSize - Math.min(changed.size, policy.totalSize));
  policy.skippedObjects = Math.max(0, policy.totalObjects - Math.min(changed.objects, policy.totalObjects));
  policy.migratedSize = 0;
  policy.listingMs = 0;
  policy.estimatedDone = false;
  policy.changed = undefined;
}

function finish(policy: SimPolicy, state: NcpJobState, now: number): void {
  policy.jobState = state;
  policy.runningSince = undefined;
  policy.updateTime = now;
}

/** How `createTime` and `updateTime` are printed (shapes.ts, `otherReadings`). */
export const TIMES_READING: Reading = {
  usual: 'ISO 8601 with an offset, as seed 000 prints them (`2025-07-15T00:32:36.480+00:00`)',
  other: 'epoch milliseconds (a number), as older editions of the policy page ("Date") allow',
  source: 'providers.md §1.4: ISO 8601 in the current KR doc, "Date" in older ones',
};

/** The policy object exactly as seed 000 prints it (times as epoch milliseconds in the other reading). */
export function toPolicyObject(
  policy: SimPolicy,
  timings: PolicyTimings,
  jobState: NcpJobState = policy.jobState,
  times: 'iso' | 'epochMillis' = 'iso',
): Record<string, unknown> {
  const time = times === 'iso' ? isoWithOffset : (ms: number) => ms;
  const listedFraction = policy.estimatedDone
    ? 1
    : timings.listingDelayMs > 0
      ? Math.min(1, policy.listingMs / timings.listingDelayMs)
      : 0;
  const migratable = Math.max(0, policy.totalSize - policy.skippedSize);
  const movedFraction = migratable === 0 ? 1 : policy.migratedSize / migratable;
  const migratableObjects = Math.max(0, policy.totalObjects - policy.skippedObjects);
  return {
    title: policy.title,
    sourceBucketName: policy.source.bucket,
    sourceRegionName: policy.source.region,
    sourceCspType: policy.source.cspType,
    sourceEndpoint: policy.source.endpoint,
    sourcePrefix: policy.source.prefix,
    targetBucketName: policy.target.bucket,
    targetRegionName: policy.target.region,
    targetEndpoint: policy.target.endpoint,
    targetPrefix: policy.target.prefix,
    jobState,
    createTime: time(policy.createTime),
    updateTime: time(policy.updateTime),
    estimatedDone: policy.estimatedDone,
    // While listing, the totals are a running count [I].
    estimatedSize: Math.floor(policy.totalSize * listedFraction),
    migratedSize: Math.floor(policy.migratedSize),
    skippedSize: policy.estimatedDone ? policy.skippedSize : 0,
    estimatedObjectNum: Math.floor(policy.totalObjects * listedFraction),
    migratedObjectNum: Math.floor(migratableObjects * Math.min(1, movedFraction)),
    skippedObjectNum: policy.estimatedDone ? policy.skippedObjects : 0,
  };
}

/** `2025-07-15T00:32:36.480+00:00`, the format of seed 000. */
export function isoWithOffset(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function sourceEndpointFor(cspType: NcpSourceCspType, region: string, accessKey: string): string {
  // Azure's "accessKey" is the storage account name, which is part of its public endpoint.
  return cspType === 'AWS'
    ? `https://s3.${region}.amazonaws.com`
    : `https://${accessKey}.blob.core.windows.net`;
}

export function targetEndpointFor(region: string): string {
  return `https://${region.toLowerCase()}.object.ncloudstorage.com`;
}
