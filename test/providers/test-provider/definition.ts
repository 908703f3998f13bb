import { z } from 'zod';
import type { Connection } from '../../../src/connections/connection.js';
import type { MigrationResource, ResourceKind } from '../../../src/domain/migration-resource.js';
import { NotFoundError } from '../../../src/errors.js';
import type { ProviderDefinition } from '../../../src/providers/definition.js';
import { validateWithSchema } from '../../../src/providers/form-result.js';
import type { ListQuery, MigrationProvider, ResourcePage } from '../../../src/providers/types.js';
import { API_TOKEN_CHOICE } from '../api-token-choice.js';

/**
 * A fourth provider that lives only in the test tree: one folder, registered with one line
 * (`registerProvider(testProviderDefinition)`). Its jobs live in memory, so it needs no simulator.
 */
export const TEST_PROVIDER_ID = 'test-provider';
export const TEST_TOKEN = 'tp-token-0000000000000001';

const createJobSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{2,30}$/, 'must be 3 to 31 lowercase letters, digits or -'),
  bucket: z.string().min(1),
  speed: z.enum(['slow', 'fast']),
});
type CreateJob = z.infer<typeof createJobSchema>;

/** Jobs per connection name, shared by every client of the same connection. */
export const JOBS = new Map<string, MigrationResource[]>();

class TestProvider implements MigrationProvider {
  readonly id = TEST_PROVIDER_ID;
  readonly kinds = ['job'] as const satisfies readonly ResourceKind[];
  readonly connection: string;
  readonly #token: string;

  constructor(connection: Connection) {
    this.connection = connection.name;
    this.#token = connection.auth.type === 'bearer' ? connection.auth.token : '';
  }

  #jobs(): MigrationResource[] {
    const jobs = JOBS.get(this.connection) ?? [];
    JOBS.set(this.connection, jobs);
    return jobs;
  }

  async list(query: ListQuery): Promise<ResourcePage> {
    const jobs = this.#jobs().filter((j) => !query.states || query.states.includes(j.state));
    return { resources: jobs.slice(query.offset, query.offset + query.limit), total: jobs.length };
  }

  async get(_kind: ResourceKind, id: string): Promise<MigrationResource> {
    const job = this.#jobs().find((j) => j.id === id);
    if (!job) throw new NotFoundError(`No test job ${id} on ${this.connection}.`);
    return job;
  }

  actionsFor(resource: MigrationResource) {
    return resource.state === 'running' ? (['pause'] as const).slice() : (['resume'] as const).slice();
  }

  async checkConnection(): Promise<void> {
    if (this.#token !== TEST_TOKEN) throw new Error('the test provider refused the token');
  }

  async create(_kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }> {
    const r = createJobSchema.parse(request);
    const id = `tj-${this.#jobs().length + 1}`;
    this.#jobs().push({
      provider: TEST_PROVIDER_ID,
      connection: this.connection,
      kind: 'job',
      id,
      name: r.name,
      state: 'running',
      rawStatus: 'RUNNING',
      progress: 0.25,
      bytes: { done: 25, total: 100 },
      objects: { done: 1, total: 4 },
      source: { bucket: r.bucket },
      destination: { bucket: `${r.bucket}-copy` },
    });
    return { id, name: r.name };
  }

  async pause(): Promise<void> {}
  async resume(): Promise<void> {}
}

export const testProviderDefinition: ProviderDefinition = {
  id: TEST_PROVIDER_ID,
  label: 'Test Provider',
  shortName: 'Test Provider',
  aliases: ['tp'],
  kinds: ['job'],
  connect: {
    endpoint: {
      pattern: /^api\.test-provider\.example$/,
      example: 'https://api.test-provider.example',
      default: 'https://api.test-provider.example',
    },
    fields: [
      {
        key: 'region',
        block: 'region',
        label: 'Region',
        what: 'region',
        check: { type: 'pattern', pattern: /^[a-z]{2}-\d$/, message: 'A region looks like eu-1.' },
      },
    ],
    authChoices: [API_TOKEN_CHOICE],
    storage: { destination: false, serviceAccountJson: false },
  },
  createForms: [
    {
      kind: 'job',
      label: 'Test job',
      title: 'New test job',
      intro: (connection) => `A new *test job* on ${connection}.`,
      items: () => [
        { type: 'text', field: 'job_name', label: 'Job name' },
        { type: 'text', field: 'bucket', label: 'Bucket' },
        {
          type: 'select',
          field: 'speed',
          label: 'Speed',
          options: [
            { value: 'slow', text: 'Slow' },
            { value: 'fast', text: 'Fast' },
          ],
          initial: 'slow',
        },
      ],
      labels: { job_name: 'Job name', bucket: 'Bucket', speed: 'Speed' },
      toRequest: (v) =>
        validateWithSchema(
          createJobSchema,
          { name: v.job_name, bucket: v.bucket, speed: v.speed },
          {
            labels: { job_name: 'Job name', bucket: 'Bucket', speed: 'Speed' },
            fallback: 'job_name',
            fieldFor: (path) => ({ name: 'job_name', bucket: 'bucket', speed: 'speed' })[String(path[0])],
          },
        ),
      schema: createJobSchema,
      summarize: (request) => {
        const r = request as CreateJob;
        return {
          what: 'Test job',
          name: r.name,
          source: r.bucket,
          destination: `${r.bucket}-copy`,
          details: [],
        };
      },
    },
  ],
  create: (connection) => new TestProvider(connection),
};
