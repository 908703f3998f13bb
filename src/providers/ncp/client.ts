import { systemClock } from '../../clock.js';
import type { AccessKeyPair, Connection } from '../../connections/connection.js';
import { ConfigError, InvalidInputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { encodePathSegment } from '../http/encode.js';
import {
  HttpClient,
  type HttpMethod,
  type HttpResponse,
  type OutgoingRequest,
  type ParsedProviderError,
} from '../http/http-client.js';
import { logUnreadable, readItems, type UnreadableItem } from '../list-items.js';
import { permissionsRefuse } from '../provider-catalogue.js';
import type { ProviderDeps } from '../types.js';
import { ncpCatalogue } from './catalogue.js';
import {
  isDotSegment,
  NCP_LIST_ORDERS,
  NCP_SORT_DIRECTIONS,
  type NcpListOrder,
  type NcpPolicy,
  type NcpPolicyBody,
  type NcpSortDirection,
  ncpErrorBodySchema,
  ncpPolicyBodySchema,
  ncpPolicyListSchema,
  ncpPolicySchema,
  ncpUpdateResponseSchema,
} from './schemas.js';
import { NCP_HEADERS, signNcpRequest } from './signer.js';
import { ncpError } from './words.js';

const PROVIDER = 'ncp';
export const NCP_DEFAULT_ENDPOINT = 'https://objectmigration.apigw.ntruss.com';
/** Every documented example uses KR; other region codes are [I] (providers.md §1.6). */
export const NCP_DEFAULT_REGION = 'KR';
const API = '/migration-api/v1';

export interface ListPoliciesParams {
  order?: NcpListOrder;
  sortBy?: NcpSortDirection;
  /** Items per page (API default 100). */
  limit?: number;
  /** 0-based page number. */
  page?: number;
}

/** A page of GetMigrationJobList: the policies that could be read, and those that could not. */
export interface NcpPolicyList {
  objStrContracted?: boolean;
  num?: number;
  jobList: NcpPolicy[];
  /** Items that did not match the policy schema, by title; already logged. */
  unreadable: UnreadableItem[];
}

/**
 * Reads an API Gateway error body, then a bare `message`; when neither is there the HTTP layer
 * falls back to the raw text. NCP documents no request id, so none is reported.
 */
export function parseNcpError(response: HttpResponse): ParsedProviderError {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return {};
  }
  const parsed = ncpErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const { error, errorCode, message } = parsed.data;
  if (typeof error === 'string') return { errorCode, errorMessage: error };
  if (error?.errorCode !== undefined || error?.message !== undefined) {
    const details = typeof error.details === 'string' && error.details !== '' ? error.details : undefined;
    const text = [error.message, details].filter(Boolean).join(': ');
    return { errorCode: error.errorCode ?? errorCode, errorMessage: text || undefined };
  }
  return { errorCode, errorMessage: message };
}

/** The seven Object Migration calls of providers.md §1.1, signed with API Gateway signature v2. */
export class NcpObjectMigrationClient {
  readonly #http: HttpClient;
  readonly #logger: Logger;

  /** Signs as of `now`: the provider's clock's time (`ProviderDeps.clock`), or a test's fixed one. */
  constructor(
    connection: Connection,
    deps: ProviderDeps,
    now: () => number = () => (deps.clock ?? systemClock).now(),
  ) {
    const auth = connection.auth;
    if (auth.type !== 'aksk') {
      throw new ConfigError(`connection ${connection.name}: ncp takes auth type aksk (the NCP API key pair)`);
    }
    const region = connection.region || NCP_DEFAULT_REGION;
    this.#logger = deps.logger;
    this.#http = new HttpClient({
      provider: PROVIDER,
      baseUrl: connection.endpoint || NCP_DEFAULT_ENDPOINT,
      pools: deps.pools,
      logger: deps.logger,
      transport: deps.transport,
      purpose: deps.purpose,
      parseError: parseNcpError,
      // providers.md §1.8: 401 is code 200 "Authentication Failed" (the keys) or 210 "Permission
      // Denied" (keys that work but may not call this API): the code decides, as the catalogue files it.
      classifyError: permissionsRefuse(ncpCatalogue, (code) =>
        /^\d{1,6}$/.test(code) ? `NCP.${Number(code)}` : code,
      ),
      authenticate: (request) => signOutgoing(request, auth, region, now()),
    });
  }

  /** CreateMigrationJob: POST /policy. */
  async createPolicy(body: NcpPolicyBody): Promise<NcpPolicy> {
    const valid = validBody(body);
    return this.#http.json(
      { operation: 'CreateMigrationJob', method: 'POST', path: `${API}/policy`, body: valid },
      ncpPolicySchema,
    );
  }

  /** GetMigrationJobList: GET /policies. */
  async listPolicies(params: ListPoliciesParams = {}): Promise<NcpPolicyList> {
    checkListParams(params);
    const operation = 'GetMigrationJobList';
    const { jobList, ...rest } = await this.#http.json(
      {
        operation,
        method: 'GET',
        path: `${API}/policies`,
        query: { order: params.order, sortBy: params.sortBy, limit: params.limit, page: params.page },
      },
      ncpPolicyListSchema,
    );
    const read = readItems(jobList, ncpPolicySchema, 'title');
    logUnreadable(this.#logger, { provider: PROVIDER, operation }, read.unreadable);
    return { ...rest, jobList: read.items, unreadable: read.unreadable };
  }

  /** GetMigrationJob: GET /policy/{title}. */
  async getPolicy(title: string): Promise<NcpPolicy> {
    return this.#policyCall('GetMigrationJob', 'GET', policyPath(title));
  }

  /** StartMigrationJob: also the only way to resume a paused policy [I]. */
  async startPolicy(title: string): Promise<NcpPolicy> {
    return this.#policyCall('StartMigrationJob', 'POST', `${policyPath(title)}/start`);
  }

  /** PauseMigrationJob (seed 000). */
  async pausePolicy(title: string): Promise<NcpPolicy> {
    return this.#policyCall('PauseMigrationJob', 'POST', `${policyPath(title)}/pause`);
  }

  /**
   * UpdateMigrationJob: overwrites the policy with `body`. Renaming through update is not documented,
   * so the body's title must be the policy's. The response shape is [I]: undefined when it is not a
   * policy object.
   */
  async updatePolicy(title: string, body: NcpPolicyBody): Promise<NcpPolicy | undefined> {
    const path = policyPath(title);
    const valid = validBody(body);
    if (valid.title !== title) {
      // A contract guard (English on purpose): the bot never updates a policy; this is for callers of the client.
      throw new InvalidInputError(
        `title: the update body names "${valid.title}" but the policy is "${title}"; NCP documents no rename`,
      );
    }
    return this.#http.json(
      { operation: 'UpdateMigrationJob', method: 'PUT', path, body: valid },
      ncpUpdateResponseSchema,
    );
  }

  /** DeleteMigrationJob: answers with the policy, `jobState` DELETED. */
  async deletePolicy(title: string): Promise<NcpPolicy> {
    return this.#policyCall('DeleteMigrationJob', 'DELETE', policyPath(title));
  }

  #policyCall(operation: string, method: HttpMethod, path: string): Promise<NcpPolicy> {
    return this.#http.json({ operation, method, path }, ncpPolicySchema);
  }
}

/** Adds the four gateway headers; the timestamp is taken once so header and signature agree. */
function signOutgoing(request: OutgoingRequest, keys: AccessKeyPair, region: string, now: number): void {
  const timestamp = String(Math.trunc(now));
  request.headers[NCP_HEADERS.timestamp] = timestamp;
  request.headers[NCP_HEADERS.accessKey] = keys.accessKey;
  request.headers[NCP_HEADERS.region] = region;
  request.headers[NCP_HEADERS.signature] = signNcpRequest(
    { method: request.method, uri: request.pathWithQuery, timestamp, accessKey: keys.accessKey },
    keys.secretKey,
  );
}

/**
 * The path of a policy NCP already has. Its title is taken as NCP gave it: the title rule applies to
 * what the bot creates, and a policy made elsewhere (the console, a Hangul title) must still open,
 * pause and delete. Only what cannot be addressed at all is refused before sending.
 */
function policyPath(title: string): string {
  if (title === '' || isDotSegment(title)) {
    throw ncpError('error.ncp.title', { title });
  }
  return `${API}/policy/${encodePathSegment(title)}`;
}

function validBody(body: NcpPolicyBody): NcpPolicyBody {
  const parsed = ncpPolicyBodySchema.safeParse(body);
  if (parsed.success) return parsed.data;
  // Names the field and the rule, never the value: the body carries the source secret key.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'} ${issue.message}`);
  throw ncpError('error.ncp.invalidPolicy', { problems: problems.join('; ') });
}

/** Contract guards (English on purpose): the bot pages with its own numbers and order, never typed ones. */
function checkListParams(params: ListPoliciesParams): void {
  if (params.limit !== undefined && (!Number.isInteger(params.limit) || params.limit < 1)) {
    throw new InvalidInputError('limit must be a whole number of at least 1');
  }
  if (params.page !== undefined && (!Number.isInteger(params.page) || params.page < 0)) {
    throw new InvalidInputError('page must be a whole number of at least 0 (pages count from 0)');
  }
  if (params.order !== undefined && !NCP_LIST_ORDERS.includes(params.order)) {
    throw new InvalidInputError(`order must be one of ${NCP_LIST_ORDERS.join(', ')}`);
  }
  if (params.sortBy !== undefined && !NCP_SORT_DIRECTIONS.includes(params.sortBy)) {
    throw new InvalidInputError(`sortBy must be one of ${NCP_SORT_DIRECTIONS.join(', ')}`);
  }
}
