import { z } from 'zod';
import type { Connection } from '../../../src/connections/connection.js';
import type {
  MigrationResource,
  NormalizedState,
  ResourceKind,
} from '../../../src/domain/migration-resource.js';
import type { ProviderDefinition } from '../../../src/providers/definition.js';
import { HttpClient } from '../../../src/providers/http/http-client.js';
import type {
  ListQuery,
  MigrationProvider,
  ProviderDeps,
  ResourceAction,
  ResourcePage,
} from '../../../src/providers/types.js';
import { API_TOKEN_CHOICE } from '../api-token-choice.js';

/**
 * A fourth provider that lives only in the test tree, written from CONTRIBUTING's recipe: a client
 * over the shared HTTP client (bearer token), a zod schema, a map to `MigrationResource` and a
 * definition, registered with one line. Its simulator is `./simulator.ts`.
 */
export const TOY_ID = 'toy';

/** The toy service's job, as its (made-up) documents describe it. */
export const toyJobSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['QUEUED', 'COPYING', 'HELD', 'DONE', 'BROKEN']),
  copied_bytes: z.number(),
  total_bytes: z.number(),
  from_bucket: z.string(),
  to_bucket: z.string(),
});
export type ToyJob = z.infer<typeof toyJobSchema>;

const STATES: Record<ToyJob['status'], NormalizedState> = {
  QUEUED: 'queued',
  COPYING: 'running',
  HELD: 'paused',
  DONE: 'succeeded',
  BROKEN: 'failed',
};

function toResource(connection: string, job: ToyJob): MigrationResource {
  return {
    provider: TOY_ID,
    connection,
    kind: 'job',
    id: job.id,
    name: job.name,
    state: STATES[job.status],
    rawStatus: job.status,
    progress: job.total_bytes > 0 ? job.copied_bytes / job.total_bytes : undefined,
    bytes: { done: job.copied_bytes, total: job.total_bytes },
    objects: {},
    source: { bucket: job.from_bucket },
    destination: { bucket: job.to_bucket },
  };
}

class ToyProvider implements MigrationProvider {
  readonly id = TOY_ID;
  readonly kinds = ['job'] as const satisfies readonly ResourceKind[];
  readonly connection: string;
  readonly #http: HttpClient;

  constructor(connection: Connection, deps: ProviderDeps) {
    this.connection = connection.name;
    const token = connection.auth.type === 'bearer' ? connection.auth.token : '';
    this.#http = new HttpClient({
      provider: TOY_ID,
      baseUrl: connection.endpoint,
      pools: deps.pools,
      logger: deps.logger,
      transport: deps.transport,
      purpose: deps.purpose,
      parseError: (response) => {
        const body = z.object({ error: z.string() }).safeParse(JSON.parse(response.text || '{}'));
        return body.success ? { errorCode: body.data.error } : {};
      },
      authenticate: (request) => {
        request.headers.authorization = `Bearer ${token}`;
      },
    });
  }

  async list(query: ListQuery): Promise<ResourcePage> {
    const { jobs } = await this.#http.json(
      { operation: 'ListJobs', method: 'GET', path: '/v1/jobs' },
      z.object({ jobs: z.array(toyJobSchema) }),
    );
    const resources = jobs
      .map((job) => toResource(this.connection, job))
      .filter((r) => !query.states || query.states.includes(r.state));
    return { resources: resources.slice(query.offset, query.offset + query.limit), total: resources.length };
  }

  async get(_kind: ResourceKind, id: string): Promise<MigrationResource> {
    const job = await this.#http.json(
      { operation: 'GetJob', method: 'GET', path: `/v1/jobs/${encodeURIComponent(id)}` },
      toyJobSchema,
    );
    return toResource(this.connection, job);
  }

  actionsFor(resource: MigrationResource): ResourceAction[] {
    return resource.state === 'running' ? ['pause'] : [];
  }

  async checkConnection(): Promise<void> {
    await this.list({ kind: 'job', limit: 1, offset: 0 });
  }

  async pause(_kind: ResourceKind, id: string): Promise<void> {
    await this.#http.send({
      operation: 'HoldJob',
      method: 'POST',
      path: `/v1/jobs/${encodeURIComponent(id)}/hold`,
    });
  }
}

export const toyDefinition: ProviderDefinition = {
  id: TOY_ID,
  label: 'Toy Cloud',
  shortName: 'Toy',
  kinds: ['job'],
  connect: {
    endpoint: { pattern: /^api\.toy\.example$/, example: 'https://api.toy.example' },
    fields: [],
    authChoices: [API_TOKEN_CHOICE],
    storage: { destination: false, serviceAccountJson: false },
  },
  createForms: [],
  create: (connection, deps) => new ToyProvider(connection, deps),
};
