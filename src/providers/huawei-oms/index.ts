import type { Connection, StorageCredential } from '../../connections/connection.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../../domain/migration-resource.js';
import { InvalidInputError, KindNotOfferedError, ProviderError } from '../../errors.js';
import type { BucketQuery } from '../definition.js';
import type {
  BandwidthWindow,
  ListQuery,
  MigrationProvider,
  ProviderDeps,
  ResourceAction,
  ResourcePage,
} from '../types.js';
import { toBandwidthPolicy } from './bandwidth.js';
import { type OmsBucketSource, omsBucketSourceSchema } from './bucket-source.js';
import { OmsClient } from './client.js';
import { listByStatus, pageResources, statusesFor } from './list-by-status.js';
import {
  mapSyncTask,
  mapTask,
  mapTaskGroup,
  SYNC_TASK_STATUS_BY_STATE,
  TASK_GROUP_STATUSES_BY_STATE,
  TASK_STATUS_BY_STATE,
} from './map.js';
import {
  type CloudVendorEndType,
  LIMITS,
  type ListBucketObjectsResp,
  omsCreateSyncTaskRequestSchema,
  omsCreateTaskGroupRequestSchema,
  omsCreateTaskRequestSchema,
  type ShowBucketCdnInfoResp,
  type ShowBucketRegionResp,
  type ShowRegionInfoResp,
  type SourceCdnReq,
  type StartTaskReq,
  type SyncTaskInfo,
  sourceCdnReqSchema,
  type TaskGroupResp,
  type TaskResp,
} from './schemas.js';
import { parseOrThrow } from './validation.js';

export { type OmsBucketSource, omsBucketSourceSchema } from './bucket-source.js';
export {
  type OmsCreateSyncTaskRequest,
  type OmsCreateTaskGroupRequest,
  type OmsCreateTaskRequest,
  omsCreateSyncTaskRequestSchema,
  omsCreateTaskGroupRequestSchema,
  omsCreateTaskRequestSchema,
} from './schemas.js';

const KINDS = ['task', 'task-group', 'sync-task'] as const satisfies readonly ResourceKind[];
type OmsKind = (typeof KINDS)[number];

/** Huawei Cloud OMS behind the common provider interface: tasks, task groups and synchronization tasks. */
export class HuaweiOmsProvider implements MigrationProvider {
  readonly id = 'huawei-oms' as const;
  readonly kinds = KINDS;
  readonly connection: string;
  readonly #client: OmsClient;
  readonly #conn: Connection;

  constructor(connection: Connection, deps: ProviderDeps) {
    this.connection = connection.name;
    this.#conn = connection;
    this.#client = new OmsClient(connection, deps);
  }

  async list(query: ListQuery): Promise<ResourcePage> {
    const kind = this.#kind(query.kind);
    const where = { connection: this.connection, kind };
    if (kind === 'task') {
      const statuses = statusesFor(query.states, (s) => {
        const status = TASK_STATUS_BY_STATE[s];
        return status === undefined ? [] : [status];
      });
      return listByStatus(query, statuses, async (status, limit, offset) => {
        const page = await this.#client.listTasks({ limit, offset, status, groupId: query.groupId });
        const map = (t: TaskResp) => mapTask(t, this.connection);
        return { items: pageResources(where, page.tasks, map, page.unreadable), count: page.count };
      });
    }
    if (query.groupId !== undefined) {
      throw new InvalidInputError('Only OMS tasks can be listed by task group.');
    }
    if (kind === 'task-group') {
      const statuses = statusesFor(query.states, (s) => TASK_GROUP_STATUSES_BY_STATE[s] ?? []);
      return listByStatus(
        query,
        statuses,
        async (status, limit, offset) => {
          const page = await this.#client.listTaskGroups({ limit, offset, status });
          const map = (g: TaskGroupResp) => mapTaskGroup(g, this.connection);
          return { items: pageResources(where, page.taskGroups, map, page.unreadable), count: page.count };
        },
        LIMITS.taskGroupOffsetMax,
      );
    }
    const statuses = statusesFor(query.states, (s) => {
      const status = SYNC_TASK_STATUS_BY_STATE[s];
      return status === undefined ? [] : [status];
    });
    if (query.offset > LIMITS.syncTaskOffsetMax) return { resources: [], total: undefined };
    return listByStatus(
      query,
      statuses,
      async (status, limit, offset) => {
        const page = await this.#client
          .listSyncTasks({ limit, offset, status })
          .catch((error: unknown) => this.#syncApiAbsent(error, 'list'));
        const map = (t: SyncTaskInfo) => mapSyncTask(t, this.connection);
        return { items: pageResources(where, page.tasks, map, page.unreadable), count: page.count };
      },
      LIMITS.syncTaskOffsetMax,
    );
  }

  /**
   * The synchronization-task API exists only in CN North-Beijing4 and CN East-Shanghai1 (seed 002
   * §5.3, seed 004). Elsewhere the API Gateway answers that the API does not exist (APIGW.0101, 404):
   * that is "this kind is not offered here", not an outage. A 404 on the collection itself can mean
   * nothing else, whatever its code; a single task's 404 is only "absent API" with the gateway code.
   */
  #syncApiAbsent(error: unknown, call: 'list' | 'get'): never {
    if (
      error instanceof ProviderError &&
      (error.errorCode === 'APIGW.0101' || (call === 'list' && error.httpStatus === 404))
    ) {
      throw new KindNotOfferedError(this.connection, 'sync-task', { cause: error });
    }
    throw error;
  }

  async get(kind: ResourceKind, id: string): Promise<MigrationResource> {
    switch (this.#kind(kind)) {
      case 'task':
        return mapTask(await this.#client.showTask(id), this.connection);
      case 'task-group':
        return mapTaskGroup(await this.#client.showTaskGroup(id), this.connection);
      case 'sync-task':
        return mapSyncTask(
          await this.#client
            .showSyncTask(id, Date.now())
            .catch((error: unknown) => this.#syncApiAbsent(error, 'get')),
          this.connection,
        );
    }
  }

  actionsFor(resource: MigrationResource): ResourceAction[] {
    switch (resource.kind) {
      case 'task-group':
        return actionsForTaskGroup(resource.rawStatus, resource.state);
      case 'sync-task':
        return actionsForSyncTaskState(resource.state);
      default:
        return actionsForTaskState(resource.state);
    }
  }

  async checkConnection(): Promise<void> {
    await this.#client.listTasks({ limit: 1, offset: 0 });
  }

  async create(kind: ResourceKind, request: unknown): Promise<{ id: string; name: string }> {
    switch (this.#kind(kind)) {
      case 'task': {
        const req = parseOrThrow(omsCreateTaskRequestSchema, request, 'OMS task request');
        const urlList = req.task_type === 'url_list';
        const src = urlList ? {} : this.#sourceKeys('create a task', req.src_node.cloud_type);
        const dst = this.#destinationKeys('create a task');
        const created = await this.#client.createTask({
          ...req,
          src_node: {
            ...req.src_node,
            ak: src.accessKey,
            sk: src.secretKey,
            security_token: src.securityToken,
            json_auth_file: src.jsonAuthFile,
          },
          dst_node: {
            ...req.dst_node,
            ak: dst.accessKey,
            sk: dst.secretKey,
            security_token: dst.securityToken,
          },
        });
        return { id: created.id, name: created.taskName || req.description || `task ${created.id}` };
      }
      case 'task-group': {
        const req = parseOrThrow(omsCreateTaskGroupRequestSchema, request, 'OMS task group request');
        const urlList = req.task_type === 'URL_LIST';
        const src = urlList ? {} : this.#sourceKeys('create a task group', req.src_node.cloud_type);
        const dst = this.#destinationKeys('create a task group');
        const created = await this.#client.createTaskGroup({
          ...req,
          src_node: {
            ...req.src_node,
            ak: src.accessKey,
            sk: src.secretKey,
            json_auth_file: src.jsonAuthFile,
          },
          dst_node: { ...req.dst_node, ak: dst.accessKey, sk: dst.secretKey },
        });
        const name =
          req.description ||
          `${req.src_node.bucket ?? req.src_node.cloud_type ?? 'source'} → ${req.dst_node.bucket}`;
        return { id: created.groupId, name };
      }
      case 'sync-task': {
        const req = parseOrThrow(omsCreateSyncTaskRequestSchema, request, 'OMS synchronization task request');
        const src = this.#sourceKeys('create a synchronization task');
        const dst = this.#destinationKeys('create a synchronization task');
        const created = await this.#client.createSyncTask({
          ...req,
          src_ak: src.accessKey ?? '',
          src_sk: src.secretKey ?? '',
          dst_ak: dst.accessKey,
          dst_sk: dst.secretKey,
        });
        return { id: created.syncTaskId, name: req.description || `${req.src_bucket} → ${req.dst_bucket}` };
      }
    }
  }

  async pause(kind: ResourceKind, id: string): Promise<void> {
    switch (this.#kind(kind)) {
      case 'task':
        return this.#client.stopTask(id);
      case 'task-group':
        return this.#client.stopTaskGroup(id);
      case 'sync-task':
        return this.#client.stopSyncTask(id);
    }
  }

  async resume(kind: ResourceKind, id: string): Promise<void> {
    switch (this.#kind(kind)) {
      case 'task':
        return this.#client.startTask(id, this.#startBody(false));
      case 'task-group': {
        const body = this.#startBody(false);
        return this.#client.startTaskGroup(id, {
          src_ak: body.src_ak,
          src_sk: body.src_sk,
          json_auth_file: body.json_auth_file,
          dst_ak: body.dst_ak,
          dst_sk: body.dst_sk,
        });
      }
      case 'sync-task': {
        const src = this.#sourceKeys('start a synchronization task');
        const dst = this.#destinationKeys('start a synchronization task');
        return this.#client.startSyncTask(id, {
          src_ak: src.accessKey ?? '',
          src_sk: src.secretKey ?? '',
          dst_ak: dst.accessKey,
          dst_sk: dst.secretKey,
        });
      }
    }
  }

  /** Migrates the failed objects again (tasks: StartTask with migrate_failed_object; groups: RetryTaskGroup). */
  async retry(kind: ResourceKind, id: string): Promise<void> {
    switch (this.#kind(kind)) {
      case 'task':
        return this.#client.startTask(id, this.#startBody(true));
      case 'task-group': {
        const body = this.#startBody(true);
        return this.#client.retryTaskGroup(id, {
          src_ak: body.src_ak,
          src_sk: body.src_sk,
          json_auth_file: body.json_auth_file,
          dst_ak: body.dst_ak,
          dst_sk: body.dst_sk,
          migrate_failed_object: true,
        });
      }
      case 'sync-task':
        throw new InvalidInputError(
          'OMS synchronization tasks cannot be retried; stop and start them instead.',
        );
    }
  }

  async delete(kind: ResourceKind, id: string): Promise<void> {
    switch (this.#kind(kind)) {
      case 'task':
        return this.#client.deleteTask(id);
      case 'task-group':
        return this.#client.deleteTaskGroup(id);
      case 'sync-task':
        return this.#client.deleteSyncTask(id);
    }
  }

  async setBandwidth(kind: ResourceKind, id: string, windows: readonly BandwidthWindow[]): Promise<void> {
    const policies = windows.map(toBandwidthPolicy);
    switch (this.#kind(kind)) {
      case 'task':
        return this.#client.updateTaskBandwidthPolicy(id, policies);
      case 'task-group':
        return this.#client.updateTaskGroupBandwidthPolicy(id, policies);
      case 'sync-task':
        throw new InvalidInputError('OMS synchronization tasks have no traffic-limiting rules.');
    }
  }

  /**
   * Tells a synchronization task these objects changed. Keys are sent URL-encoded, as Table 5-72 asks,
   * ten per call: the seed says "a maximum of 10 objects" although the array limit is 100.
   */
  async syncEvent(kind: ResourceKind, id: string, objectKeys: readonly string[]): Promise<void> {
    if (this.#kind(kind) !== 'sync-task') {
      throw new InvalidInputError('Only OMS synchronization tasks take synchronization events.');
    }
    if (objectKeys.length === 0) throw new InvalidInputError('Name at least one object key to synchronize.');
    const encoded = objectKeys.map((key, i) => {
      if (key === '') throw new InvalidInputError(`Object key ${i + 1} is empty.`);
      return encodeURIComponent(key);
    });
    for (let i = 0; i < encoded.length; i += LIMITS.syncEventKeysPerCall) {
      await this.#client.createSyncEvents(id, encoded.slice(i, i + LIMITS.syncEventKeysPerCall));
    }
  }

  // ----- for the create form (not part of MigrationProvider) -----------------------------------------

  /** Clouds OMS migrates from (`src`) or to (`dst`). */
  async listCloudVendors(type: CloudVendorEndType = 'src'): Promise<string[]> {
    return this.#client.listCloudVendors(type);
  }

  /** Regions per cloud vendor; with `cloudType`, only that vendor's. */
  async listRegions(cloudType?: string): Promise<ShowRegionInfoResp[]> {
    const services = await this.#client.listRegions();
    if (!cloudType) return services;
    const wanted = cloudType.toUpperCase();
    return services.filter(
      (s) =>
        s.service_name?.toUpperCase() === wanted ||
        s.region_list.some((r) => r.cloud_type?.toUpperCase() === wanted),
    );
  }

  /** The create form's bucket picker: `listBuckets` on the cloud chosen in the form. */
  async listSourceBuckets(query: BucketQuery): Promise<string[]> {
    return this.listBuckets({ cloudType: query.cloud as OmsBucketSource['cloudType'] });
  }

  /** Buckets the source keys (`storage.source`) can see on `source.cloudType`. */
  async listBuckets(source: OmsBucketSource): Promise<string[]> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.listBuckets({
      cloud_type: s.cloudType,
      app_id: s.appId,
      ...this.#bucketKeys(s.cloudType),
    });
  }

  /** The region of `source.bucket` and whether OMS can migrate from it. */
  async bucketRegion(source: OmsBucketSource): Promise<ShowBucketRegionResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.showBucketRegion({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket_name: required(s.bucket, 'bucket'),
      ...this.#bucketKeys(s.cloudType),
    });
  }

  /** Whether `source.bucket` (in `source.region`) has objects under each prefix; one OMS call per prefix. */
  async checkPrefixes(
    source: OmsBucketSource,
    prefixes: readonly string[],
  ): Promise<{ prefix: string; exists: boolean }[]> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    if (prefixes.length > LIMITS.objectKeysMax) {
      throw new InvalidInputError(
        `At most ${LIMITS.objectKeysMax} prefixes can be checked (a task takes at most 500).`,
      );
    }
    const keys = this.#bucketKeys(s.cloudType);
    const bucket = required(s.bucket, 'bucket');
    const region = required(s.region, 'region');
    const results: { prefix: string; exists: boolean }[] = [];
    for (const prefix of prefixes) {
      const exists = await this.#client.checkPrefix({
        cloud_type: s.cloudType,
        app_id: s.appId,
        bucket_name: bucket,
        file_name: prefix,
        data_center: region,
        ak: keys.ak,
        sk: keys.sk,
        json_auth_file: keys.json_auth_file,
        security_token: this.#conn.storage.source?.securityToken,
      });
      results.push({ prefix, exists });
    }
    return results;
  }

  /** One page of `source.bucket` under `path` (which ends with `/`, or is empty for the root). */
  async listBucketObjects(
    source: OmsBucketSource,
    page: { path?: string; pageSize?: number; after?: string } = {},
  ): Promise<ListBucketObjectsResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.listBucketObjects({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket_name: required(s.bucket, 'bucket'),
      data_center: required(s.region, 'region'),
      file_path: page.path ?? '',
      page_size: page.pageSize ?? LIMITS.bucketPageSizeMax,
      behind_filename: page.after ?? '',
      ...this.#bucketKeys(s.cloudType),
    });
  }

  /** Whether `source.bucket` can be read through a CDN domain, checking `keys` if given. */
  async bucketCdnInfo(
    source: OmsBucketSource,
    cdn: SourceCdnReq,
    keys?: readonly string[],
  ): Promise<ShowBucketCdnInfoResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    const sourceCdn = parseOrThrow(sourceCdnReqSchema, cdn, 'CDN settings');
    if (s.cloudType === 'Google') throw new InvalidInputError('cloudType Google has no CDN query in OMS.');
    const k = this.#bucketKeys(s.cloudType);
    return this.#client.showBucketCdnInfo({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket: required(s.bucket, 'bucket'),
      region: required(s.region, 'region'),
      ak: k.ak ?? '',
      sk: k.sk ?? '',
      prefix: keys ? { keys: [...keys] } : undefined,
      source_cdn: sourceCdn,
    });
  }

  // ----- helpers -------------------------------------------------------------------------------------

  /** StartTask needs the bucket keys again; they come from the connection's storage credentials. */
  #startBody(onlyFailedObjects: boolean): StartTaskReq {
    const { source } = this.#conn.storage;
    const destination = this.#destinationKeys('start a task');
    return {
      src_ak: source?.accessKey,
      src_sk: source?.secretKey,
      src_security_token: source?.securityToken,
      json_auth_file: source?.jsonAuthFile,
      dst_ak: destination.accessKey,
      dst_sk: destination.secretKey,
      dst_security_token: destination.securityToken,
      migrate_failed_object: onlyFailedObjects,
    };
  }

  #sourceKeys(
    purpose: string,
    cloudType?: string,
  ): Partial<Pick<StorageCredential, 'accessKey' | 'secretKey' | 'securityToken' | 'jsonAuthFile'>> {
    const source = this.#conn.storage.source;
    const googleFile = cloudType === 'Google' && !!source?.jsonAuthFile;
    if (!googleFile && (!source?.accessKey || !source.secretKey)) {
      throw new InvalidInputError(
        `Connection ${this.connection} has no source storage credentials (storage.source.accessKey and ` +
          `storage.source.secretKey), which OMS needs to ${purpose}. Add \`storage.source\` to the connection.`,
      );
    }
    return {
      accessKey: source?.accessKey,
      secretKey: source?.secretKey,
      securityToken: source?.securityToken,
      jsonAuthFile: source?.jsonAuthFile,
    };
  }

  #destinationKeys(purpose: string): { accessKey: string; secretKey: string; securityToken?: string } {
    const destination = this.#conn.storage.destination;
    if (!destination?.accessKey || !destination.secretKey) {
      throw new InvalidInputError(
        `Connection ${this.connection} has no destination storage credentials (storage.destination.accessKey ` +
          `and storage.destination.secretKey), which OMS needs to ${purpose}. Add \`storage.destination\` to the connection.`,
      );
    }
    return {
      accessKey: destination.accessKey,
      secretKey: destination.secretKey,
      securityToken: destination.securityToken,
    };
  }

  #bucketKeys(cloudType: string): { ak?: string; sk?: string; json_auth_file?: string } {
    const keys = this.#sourceKeys('read the source buckets', cloudType);
    return { ak: keys.accessKey, sk: keys.secretKey, json_auth_file: keys.jsonAuthFile };
  }

  #kind(kind: ResourceKind): OmsKind {
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new InvalidInputError(`huawei-oms has no ${kind} resources (it has ${KINDS.join(', ')})`);
    }
    return kind as OmsKind;
  }
}

function required(value: string | undefined, field: string): string {
  if (!value) throw new InvalidInputError(`The bucket source needs a ${field}.`);
  return value;
}

/** Only paused or failed tasks start; a running task must be paused before it can be deleted. */
export function actionsForTaskState(state: NormalizedState): ResourceAction[] {
  switch (state) {
    case 'running':
      return ['pause'];
    case 'queued':
      return ['pause', 'delete'];
    case 'paused':
      return ['resume', 'delete'];
    case 'failed':
      return ['resume', 'retry', 'delete'];
    case 'succeeded':
      return ['delete'];
    default:
      return [];
  }
}

/**
 * Task-group rules (5.4.4–5.4.7): pause only while creating/executing (1, and 2, its monitoring
 * phase); resume only when paused; restart (retry) only after creation or migration failed; and
 * "task groups in the Creating, Executing, or Paused state cannot be deleted" — nor, inferred, while
 * pausing or already being deleted.
 */
export function actionsForTaskGroup(rawStatus: string, state: NormalizedState): ResourceAction[] {
  switch (Number(rawStatus)) {
    case 0:
      return ['delete'];
    case 1:
    case 2:
      return ['pause'];
    case 3:
      return ['resume'];
    case 4:
    case 5:
      return ['retry', 'delete'];
    case 6:
      return ['delete'];
    case 7:
    case 8:
    case 9:
      return [];
    default:
      return state === 'failed' ? ['retry'] : [];
  }
}

/** A synchronizing task can only be stopped; a stopped one started again or deleted (5.3.6–5.3.8). */
export function actionsForSyncTaskState(state: NormalizedState): ResourceAction[] {
  switch (state) {
    case 'monitoring':
      return ['pause'];
    case 'paused':
      return ['resume', 'delete'];
    default:
      return [];
  }
}

export function createHuaweiOmsProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  return new HuaweiOmsProvider(connection, deps);
}
