import type { Connection } from '../../connections/connection.js';
import {
  type MigrationResource,
  type NormalizedState,
  type ResourceKind,
  unreadableResource,
} from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { ListQuery, MigrationProvider, ProviderDeps, ResourceAction, ResourcePage } from '../types.js';
import { describeIssues, type JobsRead, MAX_PAGE_SIZE, UpCloudJobsClient } from './client.js';
import { mapJob } from './map.js';
import { type CreateJobBody, JOB_TYPE, type UpCloudJob, upcloudCreateJobRequestSchema } from './schemas.js';

export { type UpCloudCreateJobRequest, upcloudCreateJobRequestSchema } from './schemas.js';

const KINDS = ['job'] as const satisfies readonly ResourceKind[];

/** UpCloud Managed Object Storage data-migration jobs behind the common provider interface. */
export class UpCloudProvider implements MigrationProvider {
  readonly id = 'upcloud' as const;
  readonly kinds = KINDS;
  readonly connection: string;
  readonly #client: UpCloudJobsClient;
  readonly #conn: Connection;

  constructor(connection: Connection, deps: ProviderDeps) {
    this.connection = connection.name;
    this.#conn = connection;
    this.#client = new UpCloudJobsClient(connection, deps);
  }

  /**
   * Without a state filter a page maps straight onto the API's paging, so a poller reading page by
   * page costs one request per page. The API documents no status filter, so a filtered list reads
   * every job (bounded) and filters here.
   */
  async list(query: ListQuery): Promise<ResourcePage> {
    this.#onlyJobs(query.kind);
    const wanted = query.states?.length ? new Set(query.states) : undefined;
    if (!wanted && query.limit > 0 && query.limit <= MAX_PAGE_SIZE && query.offset % query.limit === 0) {
      const page = this.#resources(
        await this.#client.listJobsPage({ limit: query.limit, offset: query.offset }),
      );
      const resources = page.slice(0, query.limit);
      // The list carries no total; a short page tells it exactly.
      return page.length < query.limit ? { resources, total: query.offset + page.length } : { resources };
    }
    const jobs = this.#resources(await this.#client.listAllJobs());
    // An unreadable job cannot be checked against the filter: it is shown rather than hidden.
    const matching = wanted ? jobs.filter((job) => wanted.has(job.state) || job.unreadable) : jobs;
    return {
      resources: matching.slice(query.offset, query.offset + query.limit),
      total: matching.length,
    };
  }

  async get(kind: ResourceKind, id: string): Promise<MigrationResource> {
    this.#onlyJobs(kind);
    return this.#map(await this.#client.getJob(id));
  }

  actionsFor(resource: MigrationResource): ResourceAction[] {
    return actionsForJobState(resource.state);
  }

  async checkConnection(): Promise<void> {
    await this.#client.listJobs({ limit: 1, offset: 0 });
  }

  async create(kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }> {
    this.#onlyJobs(kind);
    const job = await this.#client.createJob(this.#createBody(request));
    return { id: job.uuid, name: job.name || job.uuid };
  }

  async cancel(kind: ResourceKind, id: string): Promise<void> {
    this.#onlyJobs(kind);
    await this.#client.cancelJob(id);
  }

  /** The source bucket's keys come from the connection, never from the request a user typed. */
  #createBody(request: unknown): CreateJobBody {
    const parsed = upcloudCreateJobRequestSchema.safeParse(request);
    if (!parsed.success) {
      throw new InvalidInputError(`Invalid UpCloud job: ${describeIssues(parsed.error.issues)}`);
    }
    const source = this.#conn.storage.source;
    if (!source?.accessKey || !source.secretKey) {
      throw new InvalidInputError(
        `Connection ${this.connection} has no source storage credentials, which UpCloud needs to read the ` +
          'source bucket. Add `storage.source` (accessKey and secretKey) to the connection.',
      );
    }
    const r = parsed.data;
    return {
      name: r.name,
      type: JOB_TYPE,
      source: {
        endpoint: r.sourceEndpoint,
        region: r.sourceRegion,
        bucket: r.sourceBucket,
        access_key_id: source.accessKey,
        secret_access_key: source.secretKey,
        prefix: r.sourcePrefix,
      },
      target: { bucket: r.targetBucket, prefix: r.targetPrefix },
    };
  }

  /** Jobs as resources, then one stand-in per job that could not be read. */
  #resources(read: JobsRead): MigrationResource[] {
    const where = { provider: 'upcloud', connection: this.connection, kind: 'job' } as const;
    return [
      ...read.jobs.map((job) => this.#map(job)),
      ...read.unreadable.map((u) => unreadableResource(where, u.id, u.reason)),
    ];
  }

  #map(job: UpCloudJob): MigrationResource {
    return mapJob(job, { connection: this.connection, region: this.#conn.region });
  }

  #onlyJobs(kind: ResourceKind): void {
    if (kind !== 'job') throw new InvalidInputError(`upcloud has only job resources, not ${kind}`);
  }
}

/** UpCloud can only cancel, and only a job that has not finished; it has no pause or resume. */
export function actionsForJobState(state: NormalizedState): ResourceAction[] {
  return state === 'queued' || state === 'running' ? ['cancel'] : [];
}

export function createUpCloudProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  return new UpCloudProvider(connection, deps);
}
