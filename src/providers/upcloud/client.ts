import { systemClock } from '../../clock.js';
import type { Connection } from '../../connections/connection.js';
import { ConfigError, InvalidInputError, OutcomeUnknownError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { encodePathSegment } from '../http/encode.js';
import { HttpClient, type HttpResponse, type ParsedProviderError } from '../http/http-client.js';
import { itemId, logUnreadable, readItems, type UnreadableItem } from '../list-items.js';
import type { ProviderDeps } from '../types.js';
import { classifyUpCloudError } from './catalogue.js';
import {
  type CreateJobBody,
  createJobBodySchema,
  jobSchema,
  legacyErrorSchema,
  listJobsResponseSchema,
  type Problem,
  problemSchema,
  type UpCloudJob,
} from './schemas.js';
import { upcloudError } from './words.js';

const PROVIDER = 'upcloud';
const LIST_JOBS = 'ListJobs';
export const DEFAULT_ENDPOINT = 'https://api.upcloud.com';
const API_VERSION_PATH = '/1.3';
const JOB_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * [I] Page size asked for. Seed 001 documents `GET …/jobs` with no parameters; other object-storage-2
 * lists take `limit` (up to 100) and `offset`. Both are sent, neither is relied on: an answer longer
 * than asked for is the whole list, paged here (`readJobs`).
 */
export const MAX_PAGE_SIZE = 100;
/** Listing stops after this many requests whatever the server says: 5,000 jobs at the default size. */
export const MAX_PAGES = 50;

/** A job, or an item of the list that could not be read as one (by uuid when it had one; logged). */
export type JobEntry =
  | { job: UpCloudJob; unreadable?: undefined }
  | { job?: undefined; unreadable: UnreadableItem };

/** What `#read` found: raw items, a total when it reached the end, whether `offset` was ignored. */
interface ListRead {
  items: unknown[];
  total?: number;
  offsetIgnored?: boolean;
}

export interface JobsRead {
  entries: JobEntry[];
  /** How many items the list holds, when the read reached its end; absent when it stopped early. */
  total?: number;
}

/**
 * [I] How long before a create was sent a job with the same name may say it was created and still
 * count as the job that create made (clocks differ; 15 minutes, like Huawei's gateway allows).
 */
export const CREATED_AT_SKEW_MS = 15 * 60 * 1000;

/**
 * The base URL with the API version in it, whichever way the endpoint was configured
 * (`https://api.upcloud.com` or `https://api.upcloud.com/1.3`): paths below are version-free.
 */
export function apiBaseUrl(endpoint: string | undefined): string {
  let url: URL;
  try {
    url = new URL(endpoint?.trim() || DEFAULT_ENDPOINT);
  } catch (cause) {
    throw new ConfigError(`upcloud endpoint "${endpoint}" is not a URL`, { cause });
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(API_VERSION_PATH) ? path : `${path}${API_VERSION_PATH}`;
  return url.toString();
}

/**
 * Error bodies are read by Content-Type, as the official Go SDK does (providers.md §2.5):
 * `application/problem+json` is RFC 7807, anything else the legacy `{"error":{…}}`. A JSON body in
 * neither expected shape is tried as the other one before falling back to the raw text, because
 * proxies (and the simulator kit's injected faults) label problem bodies plain `application/json`.
 */
export function parseUpCloudError(response: HttpResponse): ParsedProviderError {
  const raw = response.text.trim();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { errorMessage: raw.slice(0, 300) || undefined };
  }
  const isProblem = (response.headers['content-type'] ?? '')
    .toLowerCase()
    .includes('application/problem+json');
  const parsers = isProblem ? [fromProblem, fromLegacy] : [fromLegacy, fromProblem];
  for (const parse of parsers) {
    const parsed = parse(body);
    if (parsed) return parsed;
  }
  return { errorMessage: raw.slice(0, 300) || undefined };
}

function fromProblem(body: unknown): ParsedProviderError | undefined {
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const problem = parsed.data;
  return {
    errorCode: problemErrorCode(problem),
    errorMessage: problemMessage(problem),
    requestId: problem.correlation_id ?? undefined,
  };
}

function fromLegacy(body: unknown): ParsedProviderError | undefined {
  const parsed = legacyErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error_code, error_message } = parsed.data.error;
  if (!error_code && !error_message) return undefined;
  return { errorCode: error_code ?? undefined, errorMessage: error_message ?? undefined };
}

/** `…/errors#ERROR_RESOURCE_NOT_FOUND` → `RESOURCE_NOT_FOUND` (the SDK's `Problem.ErrorCode()`). */
export function problemErrorCode(problem: Pick<Problem, 'type'>): string | undefined {
  const hash = problem.type.indexOf('#');
  if (hash < 0) return undefined;
  return problem.type.slice(hash + 1).replace(/^ERROR_/, '') || undefined;
}

/** The title, plus which parameters were invalid and why: that is what a user needs to fix a request. */
function problemMessage(problem: Problem): string | undefined {
  const params = (problem.invalid_params ?? [])
    .map((p) => [p.name, p.reason].filter(Boolean).join(': '))
    .filter(Boolean);
  const title = problem.title?.trim();
  if (params.length === 0) return title || undefined;
  return `${title || 'Invalid request'} (${params.join('; ')})`;
}

/** The Managed Object Storage jobs API of one service, authenticated with a token or HTTP Basic. */
export class UpCloudJobsClient {
  readonly #http: HttpClient;
  readonly #jobsPath: string;
  readonly #logger: Logger;
  /** Whether a read has shown the API honouring `offset` (a later page brought jobs not seen before). */
  #offsetHonoured = false;

  constructor(connection: Connection, deps: ProviderDeps) {
    if (!connection.serviceId) {
      throw new ConfigError(
        `connection ${connection.name}: serviceId (the Object Storage service UUID) is required`,
      );
    }
    this.#jobsPath = `/object-storage-2/${encodePathSegment(connection.serviceId)}/jobs`;
    this.#logger = deps.logger;
    const authorization = authorizationHeader(connection);
    this.#http = new HttpClient({
      provider: PROVIDER,
      baseUrl: apiBaseUrl(connection.endpoint),
      pools: deps.pools,
      logger: deps.logger,
      transport: deps.transport,
      purpose: deps.purpose,
      parseError: parseUpCloudError,
      classifyError: classifyUpCloudError,
      authenticate: (request) => {
        request.headers.authorization = authorization;
      },
    });
  }

  /** The first `limit` jobs of the list. */
  async listJobs(limit: number = MAX_PAGE_SIZE): Promise<UpCloudJob[]> {
    return jobsOf(await this.readJobs({ offset: 0, limit }));
  }

  /** Every job of the list that could be read (bounded by `MAX_PAGES`). */
  async listAllJobs(): Promise<{ jobs: UpCloudJob[] }> {
    return { jobs: jobsOf(await this.readJobs({ offset: 0, limit: Number.POSITIVE_INFINITY })) };
  }

  /**
   * The items `offset` to `offset + limit` of the list, each once. Seed 001 documents the list with
   * no parameters, so `limit`/`offset` are sent but never trusted (`#read`): the list is read from
   * its start, and only once a read has shown `offset` honoured is a page read from its own offset.
   */
  async readJobs(window: { offset: number; limit: number }): Promise<JobsRead> {
    const { offset, limit } = window;
    // A contract guard (English on purpose): the list code pages with its own numbers, never typed ones.
    if (!Number.isInteger(offset) || offset < 0) {
      throw new InvalidInputError('offset must be a whole number, 0 or more');
    }
    if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 1)) {
      throw new InvalidInputError('limit must be a whole number, 1 or more');
    }
    if (offset > 0 && limit <= MAX_PAGE_SIZE && this.#offsetHonoured) {
      const read = await this.#read(offset, limit);
      if (!read.offsetIgnored)
        return { entries: this.#entries(read.items.slice(0, limit)), total: read.total };
      // Jobs seen before came back: the API answers from its start after all.
      this.#offsetHonoured = false;
    }
    const read = await this.#read(0, offset + limit);
    return { entries: this.#entries(read.items.slice(offset, offset + limit)), total: read.total };
  }

  /**
   * `count` items from `start`, each once (by uuid), one request at a time after the last answer. A length
   * proves nothing (shorter: the API's page size; longer: the whole list), so only an empty answer ends it
   * (empty first answer past `start` > 0: no total), and a longer one gets one more read. Seen jobs coming
   * back mean `offset` is ignored: the whole list as seed 001 prints it (a total) unless exactly as long as
   * asked (maybe cut at `limit`: no total). Also stops, no total, after `MAX_PAGES` requests.
   */
  async #read(start: number, count: number): Promise<ListRead> {
    const seen = new Set<string>();
    const items: unknown[] = [];
    let at = start;
    let firstFull = false;
    let paged = false;
    for (let request = 0; request < MAX_PAGES; request++) {
      const asked = Math.min(MAX_PAGE_SIZE, Math.max(1, count - items.length));
      const answer = await this.#page(asked, at);
      if (answer.length === 0) {
        // Empty after items: an API ignoring `offset` would have sent them again, so it honours it.
        if (request > 0) this.#offsetHonoured = true;
        return at > start || start === 0 ? { items, total: at } : { items };
      }
      if (request === 0) firstFull = answer.length === asked;
      if (addDistinct(items, seen, answer, at) === 0) {
        if (start > 0 || firstFull) return { items, offsetIgnored: true };
        return { items, total: items.length, offsetIgnored: true };
      }
      if (request > 0) {
        paged = true;
        this.#offsetHonoured = true;
      }
      at += answer.length;
      if (items.length >= count && (answer.length <= asked || paged)) return { items };
    }
    this.#logger.warn({ provider: PROVIDER, pages: MAX_PAGES, jobs: items.length }, 'job listing truncated');
    return { items };
  }

  /** One answer of `GET …/jobs`, as raw items. */
  async #page(limit: number, offset: number): Promise<unknown[]> {
    return this.#http.json(
      { operation: LIST_JOBS, method: 'GET', path: this.#jobsPath, query: { limit, offset } },
      listJobsResponseSchema,
    );
  }

  /** Raw items read one by one, in order: one malformed item cannot hide the rest. */
  #entries(items: readonly unknown[]): JobEntry[] {
    const entries: JobEntry[] = [];
    const unreadable: UnreadableItem[] = [];
    for (const item of items) {
      const parsed = jobSchema.safeParse(item);
      if (parsed.success) {
        entries.push({ job: parsed.data });
        continue;
      }
      const described = readItems([item], jobSchema, 'uuid').unreadable[0]!;
      unreadable.push(described);
      entries.push({ unreadable: described });
    }
    logUnreadable(this.#logger, { provider: PROVIDER, operation: LIST_JOBS }, unreadable);
    return entries;
  }

  async getJob(jobUuid: string): Promise<UpCloudJob> {
    return this.#http.json({ operation: 'GetJob', method: 'GET', path: this.#jobPath(jobUuid) }, jobSchema);
  }

  /**
   * The body is checked against the documented attributes before anything is sent. A 2xx answer
   * without a readable job (a 201 with no body, say) does not mean the create failed: the job is
   * looked up by name first, and if it cannot be told apart an `OutcomeUnknownError` says it may
   * have been created and how to check — never that it failed.
   */
  async createJob(body: CreateJobBody): Promise<UpCloudJob> {
    const valid = createJobBodySchema.safeParse(body);
    if (!valid.success)
      throw upcloudError('error.upcloud.invalidJobRequest', { problems: describeIssues(valid.error.issues) });
    const sentAt = systemClock.now(); // compared with the provider's own creation time
    const operation = 'CreateJob';
    const response = await this.#http.send({
      operation,
      method: 'POST',
      path: this.#jobsPath,
      body: valid.data,
    });
    const parsed = jobSchema.safeParse(safeJson(response.text));
    if (parsed.success) return parsed.data;
    this.#logger.warn(
      { provider: PROVIDER, operation, status: response.status },
      'create answered without a job; looking it up by name',
    );
    return this.#findCreated(valid.data.name, response.status, sentAt);
  }

  /** The job a create just made, by name: one with that name not created well before the request. */
  async #findCreated(name: string, status: number, sentAt: number): Promise<UpCloudJob> {
    const unknown = (detail: string, cause?: unknown) =>
      new OutcomeUnknownError(
        `UpCloud accepted the request to create job "${name}" (HTTP ${status}) but its answer did not say ` +
          `which job it created, and ${detail}. The job may have been created: list the connection's jobs ` +
          `and look for "${name}" before creating it again.`,
        { cause },
      );
    let jobs: UpCloudJob[];
    try {
      jobs = (await this.listAllJobs()).jobs;
    } catch (error) {
      throw unknown('the job list could not be read to find it', error);
    }
    const candidates = jobs.filter((job) => {
      if (job.name !== name) return false;
      const created = job.created_at ? Date.parse(job.created_at) : Number.NaN;
      return Number.isNaN(created) || created >= sentAt - CREATED_AT_SKEW_MS;
    });
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw unknown(`no job named "${name}" is in the list yet`);
    throw unknown(
      `${candidates.length} recent jobs are named "${name}" (${candidates.map((j) => j.uuid).join(', ')})`,
    );
  }

  /** [I] DELETE …/jobs/{uuid}: a 200 with the job, or a 204 (then `undefined`). */
  async cancelJob(jobUuid: string): Promise<UpCloudJob | undefined> {
    const request = { operation: 'CancelJob', method: 'DELETE', path: this.#jobPath(jobUuid) } as const;
    const response = await this.#http.send(request);
    if (response.status === 204 || response.text.trim() === '') return undefined;
    const parsed = jobSchema.safeParse(safeJson(response.text));
    // The cancel went through either way; a body we cannot read is not worth failing it for.
    if (!parsed.success) {
      this.#logger.debug({ provider: PROVIDER, operation: request.operation }, 'cancel body not a job');
      return undefined;
    }
    return parsed.data;
  }

  #jobPath(jobUuid: string): string {
    if (!JOB_UUID.test(jobUuid)) throw upcloudError('error.upcloud.jobUuid', { id: jobUuid });
    return `${this.#jobsPath}/${encodePathSegment(jobUuid)}`;
  }
}

/** Bearer is recommended; Basic still works but is deprecated (providers.md §2.4). */
function authorizationHeader(connection: Connection): string {
  const auth = connection.auth;
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  if (auth.type === 'basic') {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
  throw new ConfigError(`connection ${connection.name}: upcloud takes auth type bearer or basic`);
}

export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join('.')} ${issue.message}` : issue.message,
    )
    .join('; ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jobsOf(read: JobsRead): UpCloudJob[] {
  return read.entries.flatMap((e) => (e.job ? [e.job] : []));
}

/** Adds an answer's items not seen before (by uuid; one without counts as new); says how many. */
function addDistinct(
  items: unknown[],
  seen: Set<string>,
  answer: readonly unknown[],
  offset: number,
): number {
  let added = 0;
  answer.forEach((item, i) => {
    const key = itemId(item, 'uuid') ?? `#${offset + i}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push(item);
    added++;
  });
  return added;
}
