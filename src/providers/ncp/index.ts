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
import { NcpObjectMigrationClient, type NcpPolicyList } from './client.js';
import { mapPolicy } from './map.js';
import {
  isDotSegment,
  type NcpCreatePolicyRequest,
  type NcpPolicyBody,
  ncpCreatePolicyRequestSchema,
} from './schemas.js';
import { ncpError } from './words.js';

export { type NcpCreatePolicyRequest, ncpCreatePolicyRequestSchema } from './schemas.js';

const KINDS = ['policy'] as const satisfies readonly ResourceKind[];
/** Page size used when the bot has to read several pages to filter on state itself. */
const SCAN_PAGE_SIZE = 100;
/** Bounds a state-filtered listing at 2,000 policies. */
const MAX_SCAN_PAGES = 20;

/** NCP Object Migration behind the common provider interface: one resource kind, the policy. */
export class NcpProvider implements MigrationProvider {
  readonly id = 'ncp' as const;
  readonly kinds = KINDS;
  readonly connection: string;
  readonly #client: NcpObjectMigrationClient;
  readonly #conn: Connection;

  constructor(connection: Connection, deps: ProviderDeps, now?: () => number) {
    this.connection = connection.name;
    this.#conn = connection;
    this.#client = new NcpObjectMigrationClient(connection, deps, now);
  }

  /**
   * The API has no state filter: without one, `offset`/`limit` map onto `page`/`limit` when they
   * line up; otherwise the bot reads pages (bounded) and filters and slices them itself.
   */
  async list(query: ListQuery): Promise<ResourcePage> {
    this.#onlyPolicies(query.kind);
    const wanted = query.states?.length ? new Set<NormalizedState>(query.states) : undefined;
    // Newest first, like the other providers; a fixed order also keeps pages stable.
    const order = { order: 'createTime', sortBy: 'desc' } as const;
    if (!wanted && query.limit > 0 && query.offset % query.limit === 0) {
      const page = await this.#client.listPolicies({
        ...order,
        limit: query.limit,
        page: query.offset / query.limit,
      });
      const resources = this.#resources(page);
      return { resources, total: pageTotal(page.num, query.offset, query.limit, resources.length) };
    }
    const matching: MigrationResource[] = [];
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const list = await this.#client.listPolicies({ ...order, limit: SCAN_PAGE_SIZE, page });
      const resources = this.#resources(list);
      // An unreadable policy cannot be checked against the filter: it is shown rather than hidden.
      for (const resource of resources) {
        if (!wanted || wanted.has(resource.state) || resource.unreadable) matching.push(resource);
      }
      if (resources.length < SCAN_PAGE_SIZE) {
        return {
          resources: matching.slice(query.offset, query.offset + query.limit),
          total: matching.length,
        };
      }
    }
    // Stopped at the bound: the total is not known.
    return { resources: matching.slice(query.offset, query.offset + query.limit) };
  }

  /** A page's policies, then one stand-in per policy that could not be read. */
  #resources(page: NcpPolicyList): MigrationResource[] {
    const where = { provider: 'ncp', connection: this.connection, kind: 'policy' } as const;
    return [
      ...page.jobList.map((p) => mapPolicy(p, this.connection)),
      ...page.unreadable.map((u) => unreadableResource(where, u.id, u.reason)),
    ];
  }

  async get(kind: ResourceKind, id: string): Promise<MigrationResource> {
    this.#onlyPolicies(kind);
    return mapPolicy(await this.#client.getPolicy(id), this.connection);
  }

  actionsFor(resource: MigrationResource): ResourceAction[] {
    return actionsForPolicyState(resource.state);
  }

  async checkConnection(): Promise<void> {
    await this.#client.listPolicies({ limit: 1, page: 0 });
  }

  async create(kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }> {
    this.#onlyPolicies(kind);
    const policy = await this.#client.createPolicy(this.#policyBody(parseCreateRequest(request)));
    return { id: policy.title, name: policy.title };
  }

  /**
   * A done policy's next run is the policy started again (Start, providers.md §1.1: "start the
   * migration"; what NCP skips then is its own, `skippedObjectNum`). NCP has no filter on
   * modification time, so no `since` is said. The request describes the policy to the approver;
   * nothing is created from it.
   */
  async nextRun(kind: ResourceKind, id: string): Promise<NextRun> {
    this.#onlyPolicies(kind);
    const policy = await this.#client.getPolicy(id);
    const parsed = ncpCreatePolicyRequestSchema.safeParse({
      title: policy.title,
      sourceCspType: policy.sourceCspType,
      sourceRegion: policy.sourceRegionName,
      sourceBucket: policy.sourceBucketName,
      ...(policy.sourcePrefix ? { sourcePrefix: policy.sourcePrefix } : {}),
      targetBucket: policy.targetBucketName,
      ...(policy.targetPrefix ? { targetPrefix: policy.targetPrefix } : {}),
    });
    if (!parsed.success)
      throw InvalidInputError.of('rerun.error.notRepeatable', {
        field: String(parsed.error.issues[0]?.path.join('.') ?? 'request'),
      });
    return { mode: 'restart', kind: 'policy', request: parsed.data };
  }

  /**
   * A new policy like `id` over the source under `sourcePrefix` only (a policy takes one source
   * prefix, seed 000's `sourcePrefix`; no list of objects). What follows the policy's own source prefix
   * keeps its place under the target prefix [I]. `name` is made a valid title (§1.1: letters,
   * digits, `.`, `-`, `_`, at most 100 bytes): "media · retry 1" is `media-retry-1`.
   */
  async retryPrefix(kind: ResourceKind, id: string, name: string, sourcePrefix: string): Promise<NextRun> {
    const again = await this.nextRun(kind, id);
    const request = again.request as NcpCreatePolicyRequest;
    const from = request.sourcePrefix ?? '';
    const parsed = ncpCreatePolicyRequestSchema.safeParse({
      ...request,
      title: policyTitle(name),
      sourcePrefix,
      targetPrefix: `${request.targetPrefix ?? ''}${sourcePrefix.slice(from.length)}`,
    });
    if (!sourcePrefix.startsWith(from) || !parsed.success)
      throw InvalidInputError.of('rerun.error.notRepeatable', {
        field: parsed.success ? 'sourcePrefix' : String(parsed.error.issues[0]?.path.join('.') ?? 'request'),
      });
    return { mode: 'new', kind: 'policy', request: parsed.data };
  }

  async pause(kind: ResourceKind, id: string): Promise<void> {
    this.#onlyPolicies(kind);
    await this.#client.pausePolicy(id);
  }

  /** NCP has no resume call: Start is used to resume a paused (or failed) policy [I]. */
  async resume(kind: ResourceKind, id: string): Promise<void> {
    this.#onlyPolicies(kind);
    await this.#client.startPolicy(id);
  }

  async delete(kind: ResourceKind, id: string): Promise<void> {
    this.#onlyPolicies(kind);
    await this.#client.deletePolicy(id);
  }

  /** The source bucket keys come from the connection, never from the user's request. */
  #policyBody(request: NcpCreatePolicyRequest): NcpPolicyBody {
    const source = this.#conn.storage.source;
    if (!source?.accessKey || !source.secretKey)
      throw ncpError('error.ncp.noSourceKeys', { connection: this.connection, csp: request.sourceCspType });
    return {
      title: request.title,
      source: {
        sourceCspType: request.sourceCspType,
        regionName: request.sourceRegion,
        bucketName: request.sourceBucket,
        ...(request.sourcePrefix ? { prefix: request.sourcePrefix } : {}),
        accessKey: source.accessKey,
        secretKey: source.secretKey,
      },
      target: {
        bucketName: request.targetBucket,
        ...(request.targetPrefix ? { prefix: request.targetPrefix } : {}),
      },
    };
  }

  #onlyPolicies(kind: ResourceKind): void {
    if (kind !== 'policy') throw ncpError('error.ncp.noKind', { kind });
  }
}

/** Validates a user's create request, naming each bad field and why. */
export function parseCreateRequest(request: unknown): NcpCreatePolicyRequest {
  const parsed = ncpCreatePolicyRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.');
    return field ? `${field} ${issue.message}` : issue.message;
  });
  throw ncpError('error.ncp.invalidRequest', { problems: problems.join('; ') });
}

/**
 * A page's total. providers.md §1.3 gives `num` as "number of policies" without saying whether of the
 * list or of the page (the simulator answers both ways, READINGS.listNum). A short page ends the list,
 * so its total is exact either way. A full page trusts `num` where it cannot be the page's own count
 * (it differs from the page's length and reaches the page's end), and otherwise gives none rather
 * than a wrong one: only a first page as long as the whole list loses its total.
 */
function pageTotal(
  num: number | undefined,
  offset: number,
  limit: number,
  length: number,
): number | undefined {
  if (length < limit) return length > 0 || offset === 0 ? offset + length : undefined;
  return num !== undefined && num !== length && num >= offset + length ? num : undefined;
}

/**
 * Start is offered for ready, paused and failed policies (start as resume/retry is [I]); pause only
 * while migrating. Delete is offered whenever the policy is not migrating: the docs state no rule,
 * so a running policy is paused first to be safe [I].
 */
export function actionsForPolicyState(state: NormalizedState): ResourceAction[] {
  switch (state) {
    case 'running':
      return ['pause'];
    case 'queued':
    case 'paused':
    case 'failed':
      return ['resume', 'delete'];
    case 'succeeded':
      return ['delete'];
    default:
      return [];
  }
}

export function createNcpProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  return new NcpProvider(connection, deps);
}

/** A name as a policy title NCP takes (§1.1): other characters become `-`, cut to 100 bytes from the front part. */
export function policyTitle(name: string): string {
  const title = name.replace(/[^\p{L}\p{M}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'retry';
  const suffix = /-[a-z]+-\d+$/.exec(title)?.[0] ?? '';
  let base = [...title.slice(0, title.length - suffix.length)];
  while (base.length > 0 && Buffer.byteLength(base.join('') + suffix, 'utf8') > 100) base = base.slice(0, -1);
  const cut = base.join('').replace(/-+$/, '');
  return isDotSegment(cut + suffix) ? 'retry' : cut + suffix;
}
