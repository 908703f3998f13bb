import type { Connection } from '../../connections/connection.js';
import {
  type MigrationResource,
  type NormalizedState,
  type ResourceKind,
  unreadableResource,
} from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type {
  ListQuery,
  MigrationProvider,
  NextRun,
  ProviderDeps,
  ResourceAction,
  ResourcePage,
} from '../types.js';
import { describeIssues, type JobsRead, UpCloudJobsClient } from './client.js';
import { mapJob } from './map.js';
import {
  type CreateJobBody,
  JOB_TYPE,
  type UpCloudCreateJobRequest,
  type UpCloudJob,
  upcloudCreateJobRequestSchema,
} from './schemas.js';
import { upcloudError } from './words.js';

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
   * Seed 001 documents the list with no parameters and no status filter: the client pages it locally
   * when the API answers the whole list (`readJobs`), and a filtered list reads every job (bounded)
   * and filters here. A total is given only when the read reached the end of the list: after a read
   * that stopped early the count so far would be a wrong total, so none is given (as NCP's).
   */
  async list(query: ListQuery): Promise<ResourcePage> {
    this.#onlyJobs(query.kind);
    const wanted = query.states?.length ? new Set(query.states) : undefined;
    if (!wanted) {
      const read = await this.#client.readJobs({ offset: query.offset, limit: query.limit });
      return withTotal(this.#resources(read), read.total);
    }
    const read = await this.#client.readJobs({ offset: 0, limit: Number.POSITIVE_INFINITY });
    // An unreadable job cannot be checked against the filter: it is shown rather than hidden.
    const matching = this.#resources(read).filter((job) => wanted.has(job.state) || job.unreadable);
    const resources = matching.slice(query.offset, query.offset + query.limit);
    return withTotal(resources, read.total === undefined ? undefined : matching.length);
  }

  async get(kind: ResourceKind, id: string): Promise<MigrationResource> {
    this.#onlyJobs(kind);
    return this.#map(await this.#client.getJob(id));
  }

  actionsFor(resource: MigrationResource): ResourceAction[] {
    return actionsForJobState(resource.state);
  }

  async checkConnection(): Promise<void> {
    await this.#client.listJobs(1);
  }

  async create(kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }> {
    this.#onlyJobs(kind);
    const job = await this.#client.createJob(this.#createBody(request));
    return { id: job.uuid, name: job.name || job.uuid };
  }

  /**
   * The same job again, named `name`: seed 001 documents no filter on modification time,
   * so the new job goes through the whole source again. Its source and target are read from the job
   * (a shape the seed does not print [I]): a job that does not say them cannot be repeated.
   */
  async nextRun(kind: ResourceKind, id: string, name: string): Promise<NextRun> {
    this.#onlyJobs(kind);
    const job = await this.#client.getJob(id);
    const parsed = upcloudCreateJobRequestSchema.safeParse({
      name,
      sourceEndpoint: job.source?.endpoint ?? '',
      sourceRegion: job.source?.region ?? '',
      sourceBucket: job.source?.bucket ?? '',
      sourcePrefix: job.source?.prefix ?? undefined,
      targetBucket: job.target?.bucket ?? '',
      targetPrefix: job.target?.prefix ?? undefined,
    });
    if (!parsed.success)
      throw InvalidInputError.of('rerun.error.notRepeatable', {
        field: String(parsed.error.issues[0]?.path.join('.') ?? 'request'),
      });
    return { mode: 'new', kind: 'job', request: parsed.data };
  }

  /**
   * A new job like `id` over the source under `sourcePrefix` only (seed 001: a job takes one
   * optional `source.prefix`, no list of objects); what follows the job's own source prefix keeps its
   * place under the target prefix, as the finished job put it [I].
   */
  async retryPrefix(kind: ResourceKind, id: string, name: string, sourcePrefix: string): Promise<NextRun> {
    const again = await this.nextRun(kind, id, name);
    const request = again.request as UpCloudCreateJobRequest;
    const from = request.sourcePrefix ?? '';
    const parsed = upcloudCreateJobRequestSchema.safeParse({
      ...request,
      sourcePrefix,
      targetPrefix: `${request.targetPrefix ?? ''}${sourcePrefix.slice(from.length)}`,
    });
    // The schema trims: a prefix it changed would move other objects, or miss these.
    if (!sourcePrefix.startsWith(from) || !parsed.success || parsed.data.sourcePrefix !== sourcePrefix)
      throw InvalidInputError.of('rerun.error.notRepeatable', { field: 'sourcePrefix' });
    return { mode: 'new', kind: 'job', request: parsed.data };
  }

  async cancel(kind: ResourceKind, id: string): Promise<void> {
    this.#onlyJobs(kind);
    await this.#client.cancelJob(id);
  }

  /** The source bucket's keys come from the connection, never from the request a user typed. */
  #createBody(request: unknown): CreateJobBody {
    const parsed = upcloudCreateJobRequestSchema.safeParse(request);
    if (!parsed.success)
      throw upcloudError('error.upcloud.invalidJob', { problems: describeIssues(parsed.error.issues) });
    const source = this.#conn.storage.source;
    if (!source?.accessKey || !source.secretKey)
      throw upcloudError('error.upcloud.noSourceKeys', { connection: this.connection });
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

  /** Jobs as resources in the list's order, a stand-in where an item could not be read as a job. */
  #resources(read: JobsRead): MigrationResource[] {
    const where = { provider: 'upcloud', connection: this.connection, kind: 'job' } as const;
    return read.entries.map((entry) =>
      entry.job
        ? this.#map(entry.job)
        : unreadableResource(where, entry.unreadable.id, entry.unreadable.reason),
    );
  }

  #map(job: UpCloudJob): MigrationResource {
    return mapJob(job, { connection: this.connection, region: this.#conn.region });
  }

  #onlyJobs(kind: ResourceKind): void {
    if (kind !== 'job') throw upcloudError('error.upcloud.noKind', { kind });
  }
}

/** UpCloud can only cancel, and only a job that has not finished; it has no pause or resume. */
export function actionsForJobState(state: NormalizedState): ResourceAction[] {
  return state === 'queued' || state === 'running' ? ['cancel'] : [];
}

function withTotal(resources: MigrationResource[], total: number | undefined): ResourcePage {
  return total === undefined ? { resources } : { resources, total };
}

export function createUpCloudProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  return new UpCloudProvider(connection, deps);
}
