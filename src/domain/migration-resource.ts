import type { ProviderId } from '../providers/provider-ids.js';

export const RESOURCE_KINDS = ['task', 'sync-task', 'task-group', 'policy', 'job'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The states every provider's raw status maps into. */
export const NORMALIZED_STATES = [
  'queued',
  'running',
  'pausing',
  'paused',
  'retrying',
  'succeeded',
  'failed',
  'cancelled',
  'deleting',
  'deleted',
  'monitoring',
  'unknown',
] as const;
export type NormalizedState = (typeof NORMALIZED_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<NormalizedState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'deleted',
]);

export interface Counter {
  done?: number;
  failed?: number;
  skipped?: number;
  total?: number;
}

/** Where data comes from or goes to. Never carries credentials. */
export interface Endpoint {
  cloud?: string;
  region?: string;
  bucket?: string;
  prefix?: string;
}

export interface ResourceError {
  code?: string;
  message?: string;
}

/** A provider resource (OMS task, NCP policy, UpCloud job…) seen through one lens. */
export interface MigrationResource {
  provider: ProviderId;
  connection: string;
  kind: ResourceKind;
  id: string;
  name: string;
  state: NormalizedState;
  /** The provider's own status value, kept for display and debugging. */
  rawStatus: string;
  /** 0..1 when known. */
  progress?: number;
  bytes: Counter;
  objects: Counter;
  /** Bytes per second. */
  speed?: number;
  etaSeconds?: number;
  source: Endpoint;
  destination: Endpoint;
  lastError?: ResourceError;
  /** Where the provider stored the list of failed objects, if it did. */
  failedObjectList?: string;
  groupId?: string;
  startedAt?: Date;
  createdAt?: Date;
  updatedAt?: Date;
  elapsedSeconds?: number;
}

/** A user's way of naming a resource: `connection:id`, or an id/prefix to resolve. */
export interface ResourceRef {
  connection?: string;
  id: string;
}
