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

/**
 * States in which a change someone asked for is still being carried out (a pause, a delete): the
 * only ones worth asking the provider about again soon after an action.
 */
export const UNDER_WAY_STATES: ReadonlySet<NormalizedState> = new Set(['pausing', 'deleting']);

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

/**
 * What a finished migration can be checked against, provider-neutral (each mapper says which, so the check
 * never knows the provider): `outcomes` (every object of a known total counted succeeded, skipped or
 * failed), `estimate` (an estimated total against moved and skipped; no failures), `state` (the job's
 * state only; counts, if any, cannot be reconciled).
 */
export interface Reconciliation {
  basis: 'outcomes' | 'estimate' | 'state';
  /** False while the provider is still counting the source: a total that may still grow. */
  totalFinal?: false;
  /** How source and destination objects were compared (`size-last-modified`, `crc64`, `none`). */
  check?: 'size-last-modified' | 'crc64' | 'none';
  /** Bytes actually written to the destination (skipped objects excluded), when told apart. */
  bytesWritten?: number;
  /** The provider's object lists by outcome: where each was recorded, or why it was not. */
  lists?: Partial<Record<'succeeded' | 'skipped' | 'failed', ObjectList>>;
}

/** One object list: `path` in `bucket` when the provider gives one, else recorded or not (`error`). */
export interface ObjectList {
  recorded: boolean;
  path?: string;
  bucket?: string;
  error?: string;
  /**
   * The keys the list names, as the bot read them when the run ended (bounded: `more` when it
   * holds more), or why it could not read them (`unread`: an object store failure's name).
   */
  names?: { keys: string[]; more: boolean; unread?: string };
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
  /** The provider is still scanning the source (OMS `is_query_over` false): totals are not final. */
  scanning?: true;
  source: Endpoint;
  destination: Endpoint;
  lastError?: ResourceError;
  /** What a finished run can be reconciled against (verification.ts); absent: nothing said. */
  reconciliation?: Reconciliation;
  /** Where the provider stored the list of failed objects, if it did. */
  failedObjectList?: string;
  groupId?: string;
  startedAt?: Date;
  createdAt?: Date;
  updatedAt?: Date;
  elapsedSeconds?: number;
  /**
   * Set on a list item the provider returned but that could not be read (a missing or garbled id, a
   * field of the wrong type). Only `id` (the provider's, when it had a usable one), `kind` and
   * `connection` are real; the rest of the page is unaffected. Never returned by `get`.
   */
  unreadable?: { reason: string };
}

/** The id shown for an unreadable item that had no usable id of its own. */
export const NO_ID = '(no id)';

/** A list item that could not be read, standing in its place so the page still shows it. */
export function unreadableResource(
  where: Pick<MigrationResource, 'provider' | 'connection' | 'kind'>,
  id: string | undefined,
  reason: string,
): MigrationResource {
  const shownId = id || NO_ID;
  return {
    ...where,
    id: shownId,
    name: `unreadable ${where.kind} ${shownId}`,
    state: 'unknown',
    rawStatus: '',
    bytes: {},
    objects: {},
    source: {},
    destination: {},
    unreadable: { reason },
  };
}

/** A user's way of naming a resource: `connection:id`, or an id/prefix to resolve. */
export interface ResourceRef {
  connection?: string;
  id: string;
}
