import type { ZodType } from 'zod';
import type { AccessKeyPair, Connection } from '../../connections/connection.js';
import { ConfigError, InvalidInputError, ProviderError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { encodePathSegment } from '../http/encode.js';
import { HttpClient, type HttpMethod, type OutgoingRequest } from '../http/http-client.js';
import { logUnreadable, readItems, type UnreadableItem } from '../list-items.js';
import type { ProviderDeps } from '../types.js';
import { isTokenRejection, parseOmsError, reclassified } from './errors.js';
import { IamTokenCache } from './iam-token.js';
import {
  type BandwidthPolicyReq,
  type BatchUpdateTasksReq,
  batchUpdateTasksReqSchema,
  type CheckPrefixReq,
  type CloudVendorEndType,
  type CreateSyncTaskReq,
  type CreateTaskGroupReq,
  type CreateTaskReq,
  checkPrefixReqSchema,
  checkPrefixRespSchema,
  createSyncEventsReqSchema,
  createSyncTaskReqSchema,
  createSyncTaskRespSchema,
  createTaskGroupReqSchema,
  createTaskGroupRespSchema,
  createTaskReqSchema,
  createTaskRespSchema,
  LIMITS,
  type ListBucketObjectsReq,
  type ListBucketObjectsResp,
  type ListBucketsReq,
  listBucketObjectsReqSchema,
  listBucketObjectsRespSchema,
  listBucketsReqSchema,
  listBucketsRespSchema,
  listCloudVendorsRespSchema,
  listRegionsRespSchema,
  listSyncTasksRespSchema,
  listTaskGroupsRespSchema,
  listTasksRespSchema,
  listVersionsRespSchema,
  type RetryTaskGroupReq,
  retryTaskGroupReqSchema,
  type ShowBucketCdnInfoReq,
  type ShowBucketCdnInfoResp,
  type ShowBucketRegionReq,
  type ShowBucketRegionResp,
  type ShowRegionInfoResp,
  type ShowSyncTaskResp,
  type StartSyncTaskReq,
  type StartTaskGroupReq,
  type StartTaskReq,
  SYNC_STATISTIC_DATA_TYPES,
  SYNC_TASK_STATUSES,
  type SyncStatisticDataType,
  type SyncTaskInfo,
  type SyncTaskStatisticsResp,
  type SyncTaskStatus,
  showBucketCdnInfoReqSchema,
  showBucketCdnInfoRespSchema,
  showBucketRegionReqSchema,
  showBucketRegionRespSchema,
  showSyncTaskRespSchema,
  startSyncTaskReqSchema,
  startTaskGroupReqSchema,
  startTaskReqSchema,
  syncTaskInfoSchema,
  syncTaskStatisticsRespSchema,
  type TaskGroupResp,
  type TaskResp,
  taskGroupRespSchema,
  taskRespSchema,
  updateBandwidthPolicyReqSchema,
  type VersionResp,
  versionSchema,
} from './schemas.js';
import { formatSdkDate, signHuaweiRequest } from './signer.js';
import { parseOrThrow } from './validation.js';

const PROVIDER = 'huawei-oms';
const GROUP_ID = /^[A-Za-z0-9_-]+$/;
const SYNC_TASK_ID = /^[A-Za-z0-9_-]+$/;

export interface ListTasksParams {
  limit?: number;
  offset?: number;
  status?: number;
  groupId?: string;
}

export interface ListTaskGroupsParams {
  limit?: number;
  offset?: number;
  /** 0..9 (Table 5-114). */
  status?: number;
}

export interface ListSyncTasksParams {
  limit?: number;
  /** 0..10000 (Table 5-77). */
  offset?: number;
  status?: SyncTaskStatus;
}

export interface SyncStatisticsParams {
  dataTypes: readonly SyncStatisticDataType[];
  /** Sent as milliseconds since the epoch (inferred: the seed only says "String"). */
  startTime: Date | number;
  endTime: Date | number;
}

export { parseOmsError } from './errors.js';

/** A page of a list operation: the items that could be read, and those that could not. */
export interface OmsPage {
  count?: number;
  /** Items that did not match their schema, by id; already logged. */
  unreadable: UnreadableItem[];
}

interface Call {
  operation: string;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotent?: boolean;
}

/**
 * The OMS v2 REST API for one project (all 33 operations of seed 002 §5), signed with AK/SK or
 * authenticated with an IAM token. Every request body and parameter is checked against the
 * documented limits before it is sent; bodies are never logged (many carry bucket keys).
 */
export class OmsClient {
  readonly #http: HttpClient;
  readonly #projectPath: string;
  readonly #logger: Logger;
  #tokens: IamTokenCache | undefined;

  constructor(connection: Connection, deps: ProviderDeps, now: () => Date = () => new Date()) {
    if (!connection.projectId) throw new ConfigError(`connection ${connection.name}: projectId is required`);
    this.#logger = deps.logger;
    this.#projectPath = `/v2/${encodePathSegment(connection.projectId)}`;
    const auth = connection.auth;
    if (auth.type === 'token') {
      const iam = new HttpClient({
        provider: 'huawei-iam',
        baseUrl: auth.iamEndpoint,
        pools: deps.pools,
        logger: deps.logger,
        transport: deps.transport,
        authenticate: () => {},
        parseError: parseOmsError,
      });
      this.#tokens = new IamTokenCache(iam, {
        user: auth.user,
        password: auth.password,
        domain: auth.domain,
        projectId: connection.projectId,
      });
    } else if (auth.type !== 'aksk') {
      throw new ConfigError(`connection ${connection.name}: huawei-oms takes auth type aksk or token`);
    }
    this.#http = new HttpClient({
      provider: PROVIDER,
      baseUrl: connection.endpoint,
      pools: deps.pools,
      logger: deps.logger,
      transport: deps.transport,
      parseError: parseOmsError,
      authenticate: async (request) => {
        // Seed 002 §3 makes Content-Type mandatory on every request, and the official SDK always
        // sends it, bodiless GET and DELETE included. Set before signing: every header is signed.
        request.headers['content-type'] ??= 'application/json';
        if (auth.type === 'aksk') signWithAkSk(request, auth, now());
        else if (this.#tokens) request.headers['x-auth-token'] = await this.#tokens.get();
      },
    });
  }

  // ----- 5.1 API versions ---------------------------------------------------------------------------

  /** GET / (5.1.1). */
  async listApiVersions(): Promise<VersionResp[]> {
    const resp = await this.#json(
      { operation: 'ListApiVersions', method: 'GET', path: '/' },
      listVersionsRespSchema,
    );
    return resp.versions;
  }

  /** GET /{version} (5.1.2). */
  async showApiVersion(version: string): Promise<VersionResp> {
    if (!/^[A-Za-z0-9.]+$/.test(version) || version.length > LIMITS.versionMax) {
      throw new InvalidInputError(
        `"${version}" is not an OMS API version (for example v2; at most 10 characters)`,
      );
    }
    return this.#json({ operation: 'ShowApiInfo', method: 'GET', path: `/${version}` }, versionSchema);
  }

  // ----- 5.2 Migration tasks ------------------------------------------------------------------------

  /** GET /v2/{project_id}/tasks (5.2.1). */
  async listTasks(params: ListTasksParams = {}): Promise<OmsPage & { tasks: TaskResp[] }> {
    checkPage(params.limit, params.offset, LIMITS.taskOffsetMax);
    if (
      params.status !== undefined &&
      !(Number.isInteger(params.status) && params.status >= 1 && params.status <= 7)
    ) {
      throw new InvalidInputError('status must be a task status from 1 to 7');
    }
    if (params.groupId !== undefined) this.#groupPath(params.groupId);
    const resp = await this.#json(
      {
        operation: 'ListTasks',
        method: 'GET',
        path: `${this.#projectPath}/tasks`,
        query: {
          limit: params.limit,
          offset: params.offset,
          status: params.status,
          group_id: params.groupId,
        },
      },
      listTasksRespSchema,
    );
    const { items, unreadable } = this.#items('ListTasks', resp.tasks, taskRespSchema, 'id');
    return { tasks: items, unreadable, count: resp.count ?? undefined };
  }

  /** GET /v2/{project_id}/tasks/{task_id} (5.2.2). */
  async showTask(taskId: string): Promise<TaskResp> {
    return this.#json({ operation: 'ShowTask', method: 'GET', path: this.#taskPath(taskId) }, taskRespSchema);
  }

  /** POST /v2/{project_id}/tasks (5.2.3): the task starts by itself. */
  async createTask(body: CreateTaskReq): Promise<{ id: string; taskName?: string }> {
    const valid = parseOrThrow(createTaskReqSchema, body, 'OMS CreateTask request');
    const resp = await this.#json(
      { operation: 'CreateTask', method: 'POST', path: `${this.#projectPath}/tasks`, body: valid },
      createTaskRespSchema,
    );
    return { id: resp.id, taskName: resp.task_name ?? undefined };
  }

  /** POST /v2/{project_id}/tasks/{task_id}/stop (5.2.4). */
  async stopTask(taskId: string): Promise<void> {
    await this.#send({ operation: 'StopTask', method: 'POST', path: `${this.#taskPath(taskId)}/stop` });
  }

  /** POST /v2/{project_id}/tasks/{task_id}/start (5.2.5): only paused or failed tasks start. */
  async startTask(taskId: string, body: StartTaskReq): Promise<void> {
    const path = `${this.#taskPath(taskId)}/start`;
    const valid = parseOrThrow(startTaskReqSchema, body, 'OMS StartTask request');
    await this.#send({ operation: 'StartTask', method: 'POST', path, body: valid });
  }

  /** DELETE /v2/{project_id}/tasks/{task_id} (5.2.6): a running task cannot be deleted. */
  async deleteTask(taskId: string): Promise<void> {
    await this.#send({ operation: 'DeleteTask', method: 'DELETE', path: this.#taskPath(taskId) });
  }

  /** PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy (5.2.7). */
  async updateTaskBandwidthPolicy(
    taskId: string,
    policies: readonly BandwidthPolicyReq[number][],
  ): Promise<void> {
    const path = `${this.#taskPath(taskId)}/bandwidth-policy`;
    const body = parseOrThrow(
      updateBandwidthPolicyReqSchema,
      { bandwidth_policy: policies },
      'OMS traffic-limiting rules',
    );
    await this.#send({ operation: 'UpdateBandwidthPolicy', method: 'PUT', path, body });
  }

  /** POST /v2/{project_id}/tasks/batch-update (5.2.8): every task of a group, or up to 20 ids. */
  async batchUpdateTasks(body: BatchUpdateTasksReq): Promise<void> {
    const valid = parseOrThrow(batchUpdateTasksReqSchema, body, 'OMS BatchUpdateTasks request');
    await this.#send({
      operation: 'BatchUpdateTasks',
      method: 'POST',
      path: `${this.#projectPath}/tasks/batch-update`,
      body: valid,
      // Applying the same rules twice is harmless.
      idempotent: true,
    });
  }

  // ----- 5.3 Synchronization tasks ------------------------------------------------------------------

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/events (5.3.1); keys are sent URL-encoded. */
  async createSyncEvents(syncTaskId: string, objectKeys: readonly string[]): Promise<void> {
    const body = parseOrThrow(
      createSyncEventsReqSchema,
      { object_keys: objectKeys },
      'OMS synchronization event',
    );
    await this.#send({
      operation: 'CreateSyncEvents',
      method: 'POST',
      path: `${this.#syncTaskPath(syncTaskId)}/events`,
      body,
    });
  }

  /** GET /v2/{project_id}/sync-tasks (5.3.2). */
  async listSyncTasks(params: ListSyncTasksParams = {}): Promise<OmsPage & { tasks: SyncTaskInfo[] }> {
    checkPage(params.limit, params.offset, LIMITS.syncTaskOffsetMax);
    if (params.status !== undefined && !SYNC_TASK_STATUSES.includes(params.status)) {
      throw new InvalidInputError(`status must be one of ${SYNC_TASK_STATUSES.join(', ')}`);
    }
    const resp = await this.#json(
      {
        operation: 'ListSyncTasks',
        method: 'GET',
        path: `${this.#projectPath}/sync-tasks`,
        query: { limit: params.limit, offset: params.offset, status: params.status },
      },
      listSyncTasksRespSchema,
    );
    const read = this.#items('ListSyncTasks', resp.tasks, syncTaskInfoSchema, 'sync_task_id');
    return { tasks: read.items, unreadable: read.unreadable, count: resp.count ?? undefined };
  }

  /** POST /v2/{project_id}/sync-tasks (5.3.3): at most five per tenant; starts by itself. */
  async createSyncTask(body: CreateSyncTaskReq): Promise<{ syncTaskId: string }> {
    const valid = parseOrThrow(createSyncTaskReqSchema, body, 'OMS CreateSyncTask request');
    const resp = await this.#json(
      { operation: 'CreateSyncTask', method: 'POST', path: `${this.#projectPath}/sync-tasks`, body: valid },
      createSyncTaskRespSchema,
    );
    return { syncTaskId: resp.sync_task_id };
  }

  /** GET /v2/{project_id}/sync-tasks/{sync_task_id}?query_time= (5.3.4): counters of query_time's month. */
  async showSyncTask(syncTaskId: string, queryTime: Date | number = Date.now()): Promise<ShowSyncTaskResp> {
    return this.#json(
      {
        operation: 'ShowSyncTask',
        method: 'GET',
        path: this.#syncTaskPath(syncTaskId),
        query: { query_time: String(millis(queryTime, 'query_time')) },
      },
      showSyncTaskRespSchema,
    );
  }

  /** GET /v2/{project_id}/sync-tasks/{sync_task_id}/statistics (5.3.5). */
  async showSyncTaskStatistics(
    syncTaskId: string,
    params: SyncStatisticsParams,
  ): Promise<SyncTaskStatisticsResp> {
    if (params.dataTypes.length === 0)
      throw new InvalidInputError('data_type must name at least one statistic');
    for (const type of params.dataTypes) {
      if (!SYNC_STATISTIC_DATA_TYPES.includes(type)) {
        throw new InvalidInputError(`data_type must be one of ${SYNC_STATISTIC_DATA_TYPES.join(', ')}`);
      }
    }
    const start = millis(params.startTime, 'start_time');
    const end = millis(params.endTime, 'end_time');
    if (end < start) throw new InvalidInputError('end_time must not be before start_time');
    return this.#json(
      {
        operation: 'ShowSyncTaskStatistic',
        method: 'GET',
        path: `${this.#syncTaskPath(syncTaskId)}/statistics`,
        query: {
          data_type: [...new Set(params.dataTypes)].join(','),
          start_time: String(start),
          end_time: String(end),
        },
      },
      syncTaskStatisticsRespSchema,
    );
  }

  /** DELETE /v2/{project_id}/sync-tasks/{sync_task_id} (5.3.6): stop it first. */
  async deleteSyncTask(syncTaskId: string): Promise<void> {
    await this.#send({ operation: 'DeleteSyncTask', method: 'DELETE', path: this.#syncTaskPath(syncTaskId) });
  }

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/stop (5.3.7). */
  async stopSyncTask(syncTaskId: string): Promise<void> {
    await this.#send({
      operation: 'StopSyncTask',
      method: 'POST',
      path: `${this.#syncTaskPath(syncTaskId)}/stop`,
    });
  }

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/start (5.3.8; seed 004): needs both key pairs. */
  async startSyncTask(syncTaskId: string, body: StartSyncTaskReq): Promise<void> {
    const path = `${this.#syncTaskPath(syncTaskId)}/start`;
    const valid = parseOrThrow(startSyncTaskReqSchema, body, 'OMS StartSyncTask request');
    await this.#send({ operation: 'StartSyncTask', method: 'POST', path, body: valid });
  }

  // ----- 5.4 Migration task groups ------------------------------------------------------------------

  /** GET /v2/{project_id}/taskgroups (5.4.1). */
  async listTaskGroups(
    params: ListTaskGroupsParams = {},
  ): Promise<OmsPage & { taskGroups: TaskGroupResp[] }> {
    checkPage(params.limit, params.offset, LIMITS.taskGroupOffsetMax);
    if (
      params.status !== undefined &&
      !(Number.isInteger(params.status) && params.status >= 0 && params.status <= 9)
    ) {
      throw new InvalidInputError('status must be a task group status from 0 to 9');
    }
    const resp = await this.#json(
      {
        operation: 'ListTaskGroup',
        method: 'GET',
        path: `${this.#projectPath}/taskgroups`,
        query: { limit: params.limit, offset: params.offset, status: params.status },
      },
      listTaskGroupsRespSchema,
    );
    const read = this.#items('ListTaskGroup', resp.taskgroups, taskGroupRespSchema, 'group_id');
    return { taskGroups: read.items, unreadable: read.unreadable, count: resp.count ?? undefined };
  }

  /** POST /v2/{project_id}/taskgroups (5.4.2): the group creates its tasks. */
  async createTaskGroup(body: CreateTaskGroupReq): Promise<{ groupId: string }> {
    const valid = parseOrThrow(createTaskGroupReqSchema, body, 'OMS CreateTaskGroup request');
    const resp = await this.#json(
      { operation: 'CreateTaskGroup', method: 'POST', path: `${this.#projectPath}/taskgroups`, body: valid },
      createTaskGroupRespSchema,
    );
    return { groupId: resp.group_id };
  }

  /** GET /v2/{project_id}/taskgroups/{group_id} (5.4.3). */
  async showTaskGroup(groupId: string): Promise<TaskGroupResp> {
    return this.#json(
      { operation: 'ShowTaskGroup', method: 'GET', path: this.#groupPath(groupId) },
      taskGroupRespSchema,
    );
  }

  /** DELETE /v2/{project_id}/taskgroups/{group_id} (5.4.4). */
  async deleteTaskGroup(groupId: string): Promise<void> {
    await this.#send({ operation: 'DeleteTaskGroup', method: 'DELETE', path: this.#groupPath(groupId) });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/stop (5.4.5): creating or executing groups only. */
  async stopTaskGroup(groupId: string): Promise<void> {
    await this.#send({
      operation: 'StopTaskGroup',
      method: 'PUT',
      path: `${this.#groupPath(groupId)}/stop`,
      idempotent: false,
    });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/start (5.4.6): resumes a paused group. */
  async startTaskGroup(groupId: string, body: StartTaskGroupReq): Promise<void> {
    const path = `${this.#groupPath(groupId)}/start`;
    const valid = parseOrThrow(startTaskGroupReqSchema, body, 'OMS StartTaskGroup request');
    await this.#send({ operation: 'StartTaskGroup', method: 'PUT', path, body: valid, idempotent: false });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/retry (5.4.7): restarts a failed group. */
  async retryTaskGroup(groupId: string, body: RetryTaskGroupReq): Promise<void> {
    const path = `${this.#groupPath(groupId)}/retry`;
    const valid = parseOrThrow(retryTaskGroupReqSchema, body, 'OMS RetryTaskGroup request');
    await this.#send({ operation: 'RetryTaskGroup', method: 'PUT', path, body: valid, idempotent: false });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/update (5.4.8). */
  async updateTaskGroupBandwidthPolicy(
    groupId: string,
    policies: readonly BandwidthPolicyReq[number][],
  ): Promise<void> {
    const path = `${this.#groupPath(groupId)}/update`;
    const body = parseOrThrow(
      updateBandwidthPolicyReqSchema,
      { bandwidth_policy: policies },
      'OMS traffic-limiting rules',
    );
    await this.#send({ operation: 'UpdateTaskGroup', method: 'PUT', path, body });
  }

  // ----- 5.5 Buckets: bodies carry the source keys (read-only queries, so retried) -------------------

  /** POST /v2/{project_id}/objectstorage/buckets/objects (5.5.1). */
  async listBucketObjects(body: ListBucketObjectsReq): Promise<ListBucketObjectsResp> {
    return this.#bucketQuery(
      'ShowBucketObjects',
      'buckets/objects',
      listBucketObjectsReqSchema,
      body,
      listBucketObjectsRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets/cdn-info (5.5.2). */
  async showBucketCdnInfo(body: ShowBucketCdnInfoReq): Promise<ShowBucketCdnInfoResp> {
    return this.#bucketQuery(
      'ShowCdnInfo',
      'buckets/cdn-info',
      showBucketCdnInfoReqSchema,
      body,
      showBucketCdnInfoRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets (5.5.3). */
  async listBuckets(body: ListBucketsReq): Promise<string[]> {
    return this.#bucketQuery('ShowBucketList', 'buckets', listBucketsReqSchema, body, listBucketsRespSchema);
  }

  /** POST /v2/{project_id}/objectstorage/buckets/regions (5.5.4). */
  async showBucketRegion(body: ShowBucketRegionReq): Promise<ShowBucketRegionResp> {
    return this.#bucketQuery(
      'ShowBucketRegion',
      'buckets/regions',
      showBucketRegionReqSchema,
      body,
      showBucketRegionRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets/prefix (5.5.5). */
  async checkPrefix(body: CheckPrefixReq): Promise<boolean> {
    const resp = await this.#bucketQuery(
      'CheckPrefix',
      'buckets/prefix',
      checkPrefixReqSchema,
      body,
      checkPrefixRespSchema,
    );
    return resp.exist;
  }

  // ----- 5.6 Cloud vendors, 5.7 Regions -------------------------------------------------------------

  /** GET /v2/{project_id}/objectstorage/cloud-type?type=src|dst (5.6.1). */
  async listCloudVendors(type: CloudVendorEndType): Promise<string[]> {
    if (type !== 'src' && type !== 'dst') throw new InvalidInputError('type must be src or dst');
    return this.#json(
      {
        operation: 'ShowCloudType',
        method: 'GET',
        path: `${this.#projectPath}/objectstorage/cloud-type`,
        query: { type },
      },
      listCloudVendorsRespSchema,
    );
  }

  /** GET /v2/{project_id}/objectstorage/data-center (5.7.1). */
  async listRegions(): Promise<ShowRegionInfoResp[]> {
    return this.#json(
      { operation: 'ShowRegionInfo', method: 'GET', path: `${this.#projectPath}/objectstorage/data-center` },
      listRegionsRespSchema,
    );
  }

  // ----- helpers ------------------------------------------------------------------------------------

  async #bucketQuery<Req, Resp>(
    operation: string,
    path: string,
    requestSchema: ZodType<Req>,
    body: Req,
    responseSchema: ZodType<Resp>,
  ): Promise<Resp> {
    const valid = parseOrThrow(requestSchema, body, `OMS ${operation} request`);
    return this.#json(
      {
        operation,
        method: 'POST',
        path: `${this.#projectPath}/objectstorage/${path}`,
        body: valid,
        idempotent: true,
      },
      responseSchema,
    );
  }

  #taskPath(taskId: string): string {
    if (!LIMITS.taskId.test(taskId))
      throw new InvalidInputError(`"${taskId}" is not an OMS task id (up to 15 digits)`);
    return `${this.#projectPath}/tasks/${taskId}`;
  }

  #groupPath(groupId: string): string {
    if (!GROUP_ID.test(groupId) || groupId.length > LIMITS.groupIdMax) {
      throw new InvalidInputError(
        `"${groupId.slice(0, 120)}" is not an OMS task group id (letters, digits and dashes, at most 100 characters)`,
      );
    }
    return `${this.#projectPath}/taskgroups/${encodePathSegment(groupId)}`;
  }

  #syncTaskPath(syncTaskId: string): string {
    if (!SYNC_TASK_ID.test(syncTaskId) || syncTaskId.length > LIMITS.syncTaskIdMax) {
      throw new InvalidInputError(
        `"${syncTaskId.slice(0, 120)}" is not an OMS synchronization task id (letters, digits and dashes, at most 255 characters)`,
      );
    }
    return `${this.#projectPath}/sync-tasks/${encodePathSegment(syncTaskId)}`;
  }

  /** Reads a page's items one by one; the unreadable ones are logged with their ids. */
  #items<T>(operation: string, raw: unknown[], schema: ZodType<T>, idField: string) {
    const read = readItems(raw, schema, idField);
    logUnreadable(this.#logger, { provider: PROVIDER, operation }, read.unreadable);
    return read;
  }

  async #json<T>(call: Call, schema: ZodType<T>): Promise<T> {
    return this.#withToken(() => this.#http.json(call, schema));
  }

  async #send(call: Call): Promise<void> {
    await this.#withToken(() => this.#http.send(call));
  }

  /**
   * Errors are classified by their OMS code (`classifyOmsError`). A token the gateway says is expired
   * or invalid (`TOKEN_REFRESH_CODES`) is forgotten once and the call tried again with a fresh one;
   * any other refusal, a 403 included, leaves the cached token alone.
   */
  async #withToken<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (this.#tokens && isTokenRejection(error)) {
        this.#tokens.invalidate();
        try {
          return await fn();
        } catch (retryError) {
          throw retryError instanceof ProviderError ? reclassified(retryError) : retryError;
        }
      }
      throw reclassified(error);
    }
  }
}

function checkPage(limit: number | undefined, offset: number | undefined, offsetMax: number): void {
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && limit >= LIMITS.pageSize.min && limit <= LIMITS.pageSize.max)
  ) {
    throw new InvalidInputError('limit must be between 1 and 100');
  }
  if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset <= offsetMax)) {
    throw new InvalidInputError(`offset must be between 0 and ${offsetMax}`);
  }
}

function millis(value: Date | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidInputError(`${name} must be a time`);
  return Math.floor(ms);
}

function signWithAkSk(request: OutgoingRequest, keys: AccessKeyPair, now: Date): void {
  request.headers['x-sdk-date'] = formatSdkDate(now);
  request.headers.host = request.url.host;
  if (keys.securityToken) request.headers['x-security-token'] = keys.securityToken;
  request.headers.authorization = signHuaweiRequest(
    {
      method: request.method,
      path: request.url.pathname,
      canonicalQuery: request.canonicalQuery,
      headers: request.headers,
      body: request.body,
    },
    keys.accessKey,
    keys.secretKey,
  );
}
