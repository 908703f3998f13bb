import type { Connection } from '../../connections/connection.js';
import type { MigrationResource, ResourceKind } from '../../domain/migration-resource.js';
import { KindNotOfferedError, ProviderError } from '../../errors.js';
import type { BucketQuery } from '../definition.js';
import type {
  BandwidthWindow,
  ListQuery,
  MigrationProvider,
  NextRun,
  ProviderDeps,
  ResourceAction,
  ResourcePage,
} from '../types.js';
import { actionsForSyncTaskState, actionsForTaskGroup, actionsForTaskState } from './actions.js';
import { fromBandwidthPolicies, toBandwidthPolicy } from './bandwidth.js';
import { OmsBucketLookups } from './bucket-lookups.js';
import type { OmsBucketSource } from './bucket-source.js';
import { OmsClient } from './client.js';
import { refuseBandwidthPolicies } from './create-form.js';
import { listByStatus, pageResources, statusesFor } from './list-by-status.js';
import {
  mapSyncTask,
  mapTask,
  mapTaskGroup,
  SYNC_TASK_STATUS_BY_STATE,
  TASK_GROUP_STATUSES_BY_STATE,
  TASK_STATUS_BY_STATE,
} from './map.js';
import { omsListRun, omsNextRun } from './next-run.js';
import {
  type CloudVendorEndType,
  LIMITS,
  omsCreateSyncTaskRequestSchema,
  omsCreateTaskGroupRequestSchema,
  omsCreateTaskRequestSchema,
  type ShowBucketRegionResp,
  type ShowRegionInfoResp,
  type SourceCdnReq,
  type SyncTaskInfo,
  type TaskGroupResp,
  type TaskListItem,
} from './schemas.js';
import { OmsStorageKeys } from './storage-keys.js';
import { parseOrThrow } from './validation.js';
import { omsError } from './words.js';

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
  readonly #keys: OmsStorageKeys;
  readonly #buckets: OmsBucketLookups;

  constructor(connection: Connection, deps: ProviderDeps) {
    this.connection = connection.name;
    this.#client = new OmsClient(connection, deps);
    this.#keys = new OmsStorageKeys(connection);
    this.#buckets = new OmsBucketLookups(this.#client, this.#keys);
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
        const page = await this.#client.listTaskSummaries({ limit, offset, status, groupId: query.groupId });
        const map = (t: TaskListItem) => mapTask(t, this.connection);
        return { items: pageResources(where, page.tasks, map, page.unreadable), count: page.count };
      });
    }
    if (query.groupId !== undefined) throw omsError('error.huawei-oms.groupListTasksOnly');
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
          await this.#client.showSyncTask(id).catch((error: unknown) => this.#syncApiAbsent(error, 'get')),
          this.connection,
        );
    }
  }

  /** A task's delta (next-run.ts); task groups and sync tasks have none. */
  async nextRun(kind: ResourceKind, id: string, name: string): Promise<NextRun> {
    if (this.#kind(kind) !== 'task') throw omsError('error.huawei-oms.nextRunTasksOnly', { kind });
    return omsNextRun(await this.#client.showTask(id), name);
  }

  async retryList(kind: ResourceKind, id: string, name: string, list: { bucket: string; key: string }) {
    if (this.#kind(kind) !== 'task') throw omsError('error.huawei-oms.nextRunTasksOnly', { kind });
    return omsListRun(await this.#client.showTask(id), name, list);
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
        const src = urlList ? {} : this.#keys.sourceKeys('createTask', req.src_node.cloud_type);
        const dst = this.#keys.destinationKeys('createTask');
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
        const src = urlList ? {} : this.#keys.sourceKeys('createTaskGroup', req.src_node.cloud_type);
        const dst = this.#keys.destinationKeys('createTaskGroup');
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
        const src = this.#keys.sourceKeys('createSyncTask');
        const dst = this.#keys.destinationKeys('createSyncTask');
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
        return this.#client.startTask(id, this.#keys.startBody(false));
      case 'task-group': {
        const body = this.#keys.startBody(false);
        return this.#client.startTaskGroup(id, {
          src_ak: body.src_ak,
          src_sk: body.src_sk,
          json_auth_file: body.json_auth_file,
          dst_ak: body.dst_ak,
          dst_sk: body.dst_sk,
        });
      }
      case 'sync-task': {
        const src = this.#keys.sourceKeys('startSyncTask');
        const dst = this.#keys.destinationKeys('startSyncTask');
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
        return this.#client.startTask(id, this.#keys.startBody(true));
      case 'task-group': {
        const body = this.#keys.startBody(true);
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
        throw omsError('error.huawei-oms.syncNoRetry');
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

  async getBandwidth(kind: ResourceKind, id: string): Promise<BandwidthWindow[]> {
    const k = this.#kind(kind);
    const show = k === 'sync-task' ? undefined : k === 'task' ? 'showTask' : 'showTaskGroup';
    return fromBandwidthPolicies(show && (await this.#client[show](id)).bandwidth_policy);
  }

  async setBandwidth(kind: ResourceKind, id: string, windows: readonly BandwidthWindow[]): Promise<void> {
    const policies = windows.map(toBandwidthPolicy);
    switch (this.#kind(kind)) {
      case 'task':
        refuseBandwidthPolicies(policies);
        return this.#client.updateTaskBandwidthPolicy(id, policies);
      case 'task-group':
        refuseBandwidthPolicies(policies);
        return this.#client.updateTaskGroupBandwidthPolicy(id, policies);
      case 'sync-task':
        throw omsError('error.huawei-oms.syncNoBandwidth');
    }
  }

  /**
   * Tells a synchronization task these objects changed. Keys are sent URL-encoded, as Table 5-72 asks,
   * ten per call: the seed says "a maximum of 10 objects" although the array limit is 100.
   */
  async syncEvent(kind: ResourceKind, id: string, objectKeys: readonly string[]): Promise<void> {
    if (this.#kind(kind) !== 'sync-task') throw omsError('error.huawei-oms.syncEventKind');
    if (objectKeys.length === 0) throw omsError('error.huawei-oms.syncEventNoKeys');
    const encoded = objectKeys.map((key, i) => {
      if (key === '') throw omsError('error.huawei-oms.syncEventEmptyKey', { n: i + 1 });
      return encodeURIComponent(key);
    });
    for (let i = 0; i < encoded.length; i += LIMITS.syncEventKeysPerCall) {
      await this.#client.createSyncEvents(id, encoded.slice(i, i + LIMITS.syncEventKeysPerCall));
    }
  }

  // ----- for the create form (not part of MigrationProvider): see bucket-lookups.ts ------------------

  listCloudVendors(type: CloudVendorEndType = 'src'): Promise<string[]> {
    return this.#buckets.listCloudVendors(type);
  }
  listRegions(cloudType?: string): Promise<ShowRegionInfoResp[]> {
    return this.#buckets.listRegions(cloudType);
  }
  /** The create form's bucket picker: `listBuckets` on the cloud chosen in the form. */
  listSourceBuckets(query: BucketQuery): Promise<string[]> {
    return this.#buckets.listBuckets({ cloudType: query.cloud as OmsBucketSource['cloudType'] });
  }
  listBuckets(source: OmsBucketSource): Promise<string[]> {
    return this.#buckets.listBuckets(source);
  }
  bucketRegion(source: OmsBucketSource): Promise<ShowBucketRegionResp> {
    return this.#buckets.bucketRegion(source);
  }
  checkPrefixes(source: OmsBucketSource, prefixes: readonly string[]) {
    return this.#buckets.checkPrefixes(source, prefixes);
  }
  listBucketObjects(
    source: OmsBucketSource,
    page: { path?: string; pageSize?: number; after?: string } = {},
  ) {
    return this.#buckets.listBucketObjects(source, page);
  }
  bucketCdnInfo(source: OmsBucketSource, cdn: SourceCdnReq, keys?: readonly string[]) {
    return this.#buckets.bucketCdnInfo(source, cdn, keys);
  }

  // ----- helpers -------------------------------------------------------------------------------------

  #kind(kind: ResourceKind): OmsKind {
    if (!(KINDS as readonly string[]).includes(kind))
      throw omsError('error.huawei-oms.noKind', { kind, kinds: KINDS.join(', ') });
    return kind as OmsKind;
  }
}

export { actionsForSyncTaskState, actionsForTaskGroup, actionsForTaskState } from './actions.js';

export function createHuaweiOmsProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  return new HuaweiOmsProvider(connection, deps);
}
