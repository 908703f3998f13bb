import type { Clock } from '../clock.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../domain/migration-resource.js';
import type { Logger } from '../logger.js';
import type { BucketQuery } from './definition.js';
import type { PoolRegistry, Transport } from './http/http-client.js';
import type { CallPurpose } from './http/lanes.js';
import type { ProviderId } from './provider-ids.js';

/** Things a user can do to a resource. A provider offers only those it implements. */
export const RESOURCE_ACTIONS = ['pause', 'resume', 'delete', 'retry', 'cancel'] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];

export interface ListQuery {
  kind: ResourceKind;
  /** Filter on the normalized state; providers filter server-side where they can. */
  states?: readonly NormalizedState[];
  limit: number;
  offset: number;
  /** OMS task-group id, to list the tasks of one group. */
  groupId?: string;
}

export interface ResourcePage {
  resources: MigrationResource[];
  /** Total matching resources when the provider says so. */
  total?: number;
  /**
   * Set instead of `total` when the read had to stop before the end: more than this many match, how
   * many more is not known. Show it as "more than N", never as a total.
   */
  moreThan?: number;
}

/**
 * A provider client bound to one connection's endpoint and credentials. Providers never import
 * Slack code: they speak in `MigrationResource`s and throw `ProviderError`s.
 */
export interface MigrationProvider {
  readonly id: ProviderId;
  readonly connection: string;
  /** The resource kinds this provider has, the first being the default. */
  readonly kinds: readonly ResourceKind[];

  /**
   * Throws `KindNotOfferedError` (errors.ts) when the provider has no API for `query.kind` at this
   * connection's endpoint (an OMS region without synchronization tasks): callers remember that per
   * connection and kind and skip it, rather than treating it as an outage or as an empty list.
   */
  list(query: ListQuery): Promise<ResourcePage>;
  /** Throws `KindNotOfferedError` too, when the provider says the kind's API is absent. */
  get(kind: ResourceKind, id: string): Promise<MigrationResource>;
  /** The actions that make sense for this resource in its current state. */
  actionsFor(resource: MigrationResource): ResourceAction[];
  /** A cheap authenticated read, to check that a connection works. */
  checkConnection(): Promise<void>;

  /**
   * Creates a resource from a provider-specific request (validated by the provider's own zod
   * schema; invalid input throws `InvalidInputError` naming the field). Secrets in the request
   * come from storage credentials and are never echoed back.
   */
  create?(kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }>;
  /** Replaces the traffic-limiting windows (OMS tasks and task groups). */
  setBandwidth?(kind: ResourceKind, id: string, windows: readonly BandwidthWindow[]): Promise<void>;
  /** The traffic-limiting windows as set now (those `setBandwidth` replaces). */
  getBandwidth?(kind: ResourceKind, id: string): Promise<BandwidthWindow[]>;
  /** Tells a synchronization task that these objects changed (OMS sync tasks). */
  syncEvent?(kind: ResourceKind, id: string, objectKeys: readonly string[]): Promise<void>;

  /**
   * Buckets the connection's source keys can see on `query.cloud` (the create form's bucket picker).
   * Only providers whose create forms have a `bucket` item implement it.
   */
  listSourceBuckets?(query: BucketQuery): Promise<string[]>;

  /**
   * The next run of a resource whose last run succeeded (a delta run for cut-over), called
   * `name`: what an approval would create, read from the resource itself. OMS: the same task again
   * with `migrate_since` = the start of the last run; UpCloud: the same job again; NCP: the same
   * policy started again (`restart`). Throws `InvalidInputError` when it cannot be said.
   */
  nextRun?(kind: ResourceKind, id: string, name: string): Promise<NextRun>;

  /**
   * A run of just the objects a list file names ("Retry these"): OMS, a `task_type: list`
   * task like the finished one whose `list_file` is the list in `bucket` (its destination's region).
   */
  retryList?(
    kind: ResourceKind,
    id: string,
    name: string,
    list: { bucket: string; key: string },
  ): Promise<NextRun>;

  /**
   * A run like the finished one over one narrower source prefix ("Retry these" where the provider
   * takes no list of objects): NCP a new policy, UpCloud a new job, each taking one prefix. The
   * objects land where the finished run put them. Throws `InvalidInputError` when it cannot be said.
   */
  retryPrefix?(kind: ResourceKind, id: string, name: string, sourcePrefix: string): Promise<NextRun>;

  pause?(kind: ResourceKind, id: string): Promise<void>;
  resume?(kind: ResourceKind, id: string): Promise<void>;
  delete?(kind: ResourceKind, id: string): Promise<void>;
  retry?(kind: ResourceKind, id: string): Promise<void>;
  cancel?(kind: ResourceKind, id: string): Promise<void>;
}

/**
 * A resource's next run, as data an approval stores. `new`: a new resource made from `request` (the
 * provider's create request, its create schema holds); `restart`: the resource itself started again
 * (`request` describes it for the approver, nothing is created from it). `since` (ms since the
 * epoch): only objects changed after it are moved, when the provider can say so.
 */
export interface NextRun {
  mode: 'new' | 'restart';
  kind: ResourceKind;
  request: Record<string, unknown>;
  since?: number;
}

/** A traffic-limiting window: `HH:MM` to `HH:MM` at most `maxBytesPerSecond`. */
export interface BandwidthWindow {
  start: string;
  end: string;
  maxBytesPerSecond: number;
}

/** What every provider factory gets: shared infrastructure, never Slack objects. */
export interface ProviderDeps {
  pools: PoolRegistry;
  logger: Logger;
  /** Overrides the pooled transport (fixture tests use `fetchTransport`, which nock intercepts). */
  transport?: Transport;
  /** Who waits for this provider's calls (see `CallPurpose`); unsaid is `interactive`. */
  purpose?: CallPurpose;
  /**
   * The time a request carries (its signature's date, OMS's `query_time`, an IAM token's expiry).
   * The provider checks it against its own clock, so the bot leaves it to the system clock
   * (`src/clock.ts`), not to its one clock a test moves; a test signing as of a simulator's time
   * passes that one.
   */
  clock?: Clock;
}
