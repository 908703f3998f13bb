import type { ZodType } from 'zod';
import { InvalidInputError } from '../../errors.js';
import type { UnreadableItem } from '../list-items.js';
import { OmsBucketApi } from './bucket-api.js';
import * as oms from './schemas.js';
import { checkPage, millis } from './transport.js';
import { parseOrThrow } from './validation.js';

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
  status?: oms.SyncTaskStatus;
}

export interface SyncStatisticsParams {
  dataTypes: readonly oms.SyncStatisticDataType[];
  /** Sent as milliseconds since the epoch (inferred: the seed only says "String"). */
  startTime: Date | number;
  endTime: Date | number;
}

/** A page of a list operation: the items that could be read, and those that could not. */
export interface OmsPage {
  count?: number;
  /** Items that did not match their schema, by id; already logged. */
  unreadable: UnreadableItem[];
}

/**
 * The OMS v2 REST API for one project (all 33 operations of seed 002 §5), signed with AK/SK or
 * authenticated with an IAM token. Every request body and parameter is checked against the
 * documented limits before it is sent; bodies are never logged (many carry bucket keys).
 */
export class OmsClient extends OmsBucketApi {
  // ----- 5.1 API versions ---------------------------------------------------------------------------

  /** GET / (5.1.1). */
  async listApiVersions(): Promise<oms.VersionResp[]> {
    const resp = await this.json(
      { operation: 'ListApiVersions', method: 'GET', path: '/' },
      oms.listVersionsRespSchema,
    );
    return resp.versions;
  }

  /** GET /{version} (5.1.2). */
  async showApiVersion(version: string): Promise<oms.VersionResp> {
    // `.` and `..` are path dot-segments: `/..` would go out as `/`, another operation.
    // A contract guard (English on purpose): the bot asks no version a person typed.
    if (!/^(?!\.\.?$)[A-Za-z0-9.]+$/.test(version) || version.length > oms.LIMITS.versionMax) {
      throw new InvalidInputError(
        `"${version}" is not an OMS API version (for example v2; at most 10 characters)`,
      );
    }
    return this.json({ operation: 'ShowApiInfo', method: 'GET', path: `/${version}` }, oms.versionSchema);
  }

  // ----- 5.2 Migration tasks ------------------------------------------------------------------------

  /** GET /v2/{project_id}/tasks (5.2.1). */
  async listTasks(params: ListTasksParams = {}): Promise<OmsPage & { tasks: oms.TaskResp[] }> {
    return this.#listTasks(params, oms.taskRespSchema);
  }

  /**
   * The same page, each task read only for the fields a list row and the watcher show
   * (`taskListItemSchema`): what listing and every poll read.
   */
  async listTaskSummaries(params: ListTasksParams = {}): Promise<OmsPage & { tasks: oms.TaskListItem[] }> {
    return this.#listTasks(params, oms.taskListItemSchema);
  }

  async #listTasks<T>(params: ListTasksParams, itemSchema: ZodType<T>): Promise<OmsPage & { tasks: T[] }> {
    checkPage(params.limit, params.offset, oms.LIMITS.taskOffsetMax);
    if (
      params.status !== undefined &&
      !(Number.isInteger(params.status) && params.status >= 1 && params.status <= 7)
    ) {
      // A contract guard (English on purpose): statuses come from the bot's state map, never typed.
      throw new InvalidInputError('status must be a task status from 1 to 7');
    }
    if (params.groupId !== undefined) this.groupPath(params.groupId);
    const resp = await this.json(
      {
        operation: 'ListTasks',
        method: 'GET',
        path: `${this.projectPath}/tasks`,
        query: {
          limit: params.limit,
          offset: params.offset,
          status: params.status,
          group_id: params.groupId,
        },
      },
      oms.listTasksRespSchema,
    );
    const { items, unreadable } = this.items('ListTasks', resp.tasks, itemSchema, 'id');
    return { tasks: items, unreadable, count: resp.count ?? undefined };
  }

  /** GET /v2/{project_id}/tasks/{task_id} (5.2.2). */
  async showTask(taskId: string): Promise<oms.TaskResp> {
    return this.json(
      { operation: 'ShowTask', method: 'GET', path: this.taskPath(taskId) },
      oms.taskRespSchema,
    );
  }

  /** POST /v2/{project_id}/tasks (5.2.3): the task starts by itself. */
  async createTask(body: oms.CreateTaskReq): Promise<{ id: string; taskName?: string }> {
    const valid = parseOrThrow(oms.createTaskReqSchema, body, 'OMS CreateTask request');
    const resp = await this.json(
      { operation: 'CreateTask', method: 'POST', path: `${this.projectPath}/tasks`, body: valid },
      oms.createTaskRespSchema,
    );
    return { id: resp.id, taskName: resp.task_name ?? undefined };
  }

  /** POST /v2/{project_id}/tasks/{task_id}/stop (5.2.4). */
  async stopTask(taskId: string): Promise<void> {
    await this.send({ operation: 'StopTask', method: 'POST', path: `${this.taskPath(taskId)}/stop` });
  }

  /** POST /v2/{project_id}/tasks/{task_id}/start (5.2.5): only paused or failed tasks start. */
  async startTask(taskId: string, body: oms.StartTaskReq): Promise<void> {
    const path = `${this.taskPath(taskId)}/start`;
    const valid = parseOrThrow(oms.startTaskReqSchema, body, 'OMS StartTask request');
    await this.send({ operation: 'StartTask', method: 'POST', path, body: valid });
  }

  /** DELETE /v2/{project_id}/tasks/{task_id} (5.2.6): a running task cannot be deleted. */
  async deleteTask(taskId: string): Promise<void> {
    await this.send({ operation: 'DeleteTask', method: 'DELETE', path: this.taskPath(taskId) });
  }

  /** PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy (5.2.7). */
  async updateTaskBandwidthPolicy(
    taskId: string,
    policies: readonly oms.BandwidthPolicyReq[number][],
  ): Promise<void> {
    const path = `${this.taskPath(taskId)}/bandwidth-policy`;
    const body = parseOrThrow(
      oms.updateBandwidthPolicyReqSchema,
      { bandwidth_policy: policies },
      'OMS traffic-limiting rules',
    );
    await this.send({ operation: 'UpdateBandwidthPolicy', method: 'PUT', path, body });
  }

  /** POST /v2/{project_id}/tasks/batch-update (5.2.8): every task of a group, or up to 20 ids. */
  async batchUpdateTasks(body: oms.BatchUpdateTasksReq): Promise<void> {
    const valid = parseOrThrow(oms.batchUpdateTasksReqSchema, body, 'OMS BatchUpdateTasks request');
    await this.send({
      operation: 'BatchUpdateTasks',
      method: 'POST',
      path: `${this.projectPath}/tasks/batch-update`,
      body: valid,
      // Applying the same rules twice is harmless.
      idempotent: true,
    });
  }

  // ----- 5.3 Synchronization tasks ------------------------------------------------------------------

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/events (5.3.1); keys are sent URL-encoded. */
  async createSyncEvents(syncTaskId: string, objectKeys: readonly string[]): Promise<void> {
    const body = parseOrThrow(
      oms.createSyncEventsReqSchema,
      { object_keys: objectKeys },
      'OMS synchronization event',
    );
    await this.send({
      operation: 'CreateSyncEvents',
      method: 'POST',
      path: `${this.syncTaskPath(syncTaskId)}/events`,
      body,
    });
  }

  /** GET /v2/{project_id}/sync-tasks (5.3.2). */
  async listSyncTasks(params: ListSyncTasksParams = {}): Promise<OmsPage & { tasks: oms.SyncTaskInfo[] }> {
    checkPage(params.limit, params.offset, oms.LIMITS.syncTaskOffsetMax);
    if (params.status !== undefined && !oms.SYNC_TASK_STATUSES.includes(params.status)) {
      // A contract guard (English on purpose): statuses come from the bot's state map, never typed.
      throw new InvalidInputError(`status must be one of ${oms.SYNC_TASK_STATUSES.join(', ')}`);
    }
    const resp = await this.json(
      {
        operation: 'ListSyncTasks',
        method: 'GET',
        path: `${this.projectPath}/sync-tasks`,
        query: { limit: params.limit, offset: params.offset, status: params.status },
      },
      oms.listSyncTasksRespSchema,
    );
    const read = this.items('ListSyncTasks', resp.tasks, oms.syncTaskInfoSchema, 'sync_task_id');
    return { tasks: read.items, unreadable: read.unreadable, count: resp.count ?? undefined };
  }

  /** POST /v2/{project_id}/sync-tasks (5.3.3): at most five per tenant; starts by itself. */
  async createSyncTask(body: oms.CreateSyncTaskReq): Promise<{ syncTaskId: string }> {
    const valid = parseOrThrow(oms.createSyncTaskReqSchema, body, 'OMS CreateSyncTask request');
    const resp = await this.json(
      { operation: 'CreateSyncTask', method: 'POST', path: `${this.projectPath}/sync-tasks`, body: valid },
      oms.createSyncTaskRespSchema,
    );
    return { syncTaskId: resp.sync_task_id };
  }

  /** GET /v2/{project_id}/sync-tasks/{sync_task_id}?query_time= (5.3.4): counters of query_time's month. */
  async showSyncTask(
    syncTaskId: string,
    queryTime: Date | number = this.clock.now(),
  ): Promise<oms.ShowSyncTaskResp> {
    return this.json(
      {
        operation: 'ShowSyncTask',
        method: 'GET',
        path: this.syncTaskPath(syncTaskId),
        query: { query_time: String(millis(queryTime, 'query_time')) },
      },
      oms.showSyncTaskRespSchema,
    );
  }

  /** GET /v2/{project_id}/sync-tasks/{sync_task_id}/statistics (5.3.5). */
  async showSyncTaskStatistics(
    syncTaskId: string,
    params: SyncStatisticsParams,
  ): Promise<oms.SyncTaskStatisticsResp> {
    // A contract guard (English on purpose): the statistics and times are the bot's own, never typed.
    if (params.dataTypes.length === 0)
      throw new InvalidInputError('data_type must name at least one statistic');
    for (const type of params.dataTypes) {
      if (!oms.SYNC_STATISTIC_DATA_TYPES.includes(type)) {
        throw new InvalidInputError(`data_type must be one of ${oms.SYNC_STATISTIC_DATA_TYPES.join(', ')}`);
      }
    }
    const start = millis(params.startTime, 'start_time');
    const end = millis(params.endTime, 'end_time');
    if (end < start) throw new InvalidInputError('end_time must not be before start_time');
    return this.json(
      {
        operation: 'ShowSyncTaskStatistic',
        method: 'GET',
        path: `${this.syncTaskPath(syncTaskId)}/statistics`,
        query: {
          data_type: [...new Set(params.dataTypes)].join(','),
          start_time: String(start),
          end_time: String(end),
        },
      },
      oms.syncTaskStatisticsRespSchema,
    );
  }

  /** DELETE /v2/{project_id}/sync-tasks/{sync_task_id} (5.3.6): stop it first. */
  async deleteSyncTask(syncTaskId: string): Promise<void> {
    await this.send({ operation: 'DeleteSyncTask', method: 'DELETE', path: this.syncTaskPath(syncTaskId) });
  }

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/stop (5.3.7). */
  async stopSyncTask(syncTaskId: string): Promise<void> {
    await this.send({
      operation: 'StopSyncTask',
      method: 'POST',
      path: `${this.syncTaskPath(syncTaskId)}/stop`,
    });
  }

  /** POST /v2/{project_id}/sync-tasks/{sync_task_id}/start (5.3.8; seed 004): needs both key pairs. */
  async startSyncTask(syncTaskId: string, body: oms.StartSyncTaskReq): Promise<void> {
    const path = `${this.syncTaskPath(syncTaskId)}/start`;
    const valid = parseOrThrow(oms.startSyncTaskReqSchema, body, 'OMS StartSyncTask request');
    await this.send({ operation: 'StartSyncTask', method: 'POST', path, body: valid });
  }

  // ----- 5.4 Migration task groups ------------------------------------------------------------------

  /** GET /v2/{project_id}/taskgroups (5.4.1). */
  async listTaskGroups(
    params: ListTaskGroupsParams = {},
  ): Promise<OmsPage & { taskGroups: oms.TaskGroupResp[] }> {
    checkPage(params.limit, params.offset, oms.LIMITS.taskGroupOffsetMax);
    if (
      params.status !== undefined &&
      !(Number.isInteger(params.status) && params.status >= 0 && params.status <= 9)
    ) {
      // A contract guard (English on purpose): statuses come from the bot's state map, never typed.
      throw new InvalidInputError('status must be a task group status from 0 to 9');
    }
    const resp = await this.json(
      {
        operation: 'ListTaskGroup',
        method: 'GET',
        path: `${this.projectPath}/taskgroups`,
        query: { limit: params.limit, offset: params.offset, status: params.status },
      },
      oms.listTaskGroupsRespSchema,
    );
    const read = this.items('ListTaskGroup', resp.taskgroups, oms.taskGroupRespSchema, 'group_id');
    return { taskGroups: read.items, unreadable: read.unreadable, count: resp.count ?? undefined };
  }

  /** POST /v2/{project_id}/taskgroups (5.4.2): the group creates its tasks. */
  async createTaskGroup(body: oms.CreateTaskGroupReq): Promise<{ groupId: string }> {
    const valid = parseOrThrow(oms.createTaskGroupReqSchema, body, 'OMS CreateTaskGroup request');
    const resp = await this.json(
      { operation: 'CreateTaskGroup', method: 'POST', path: `${this.projectPath}/taskgroups`, body: valid },
      oms.createTaskGroupRespSchema,
    );
    return { groupId: resp.group_id };
  }

  /** GET /v2/{project_id}/taskgroups/{group_id} (5.4.3). */
  async showTaskGroup(groupId: string): Promise<oms.TaskGroupResp> {
    return this.json(
      { operation: 'ShowTaskGroup', method: 'GET', path: this.groupPath(groupId) },
      oms.taskGroupRespSchema,
    );
  }

  /** DELETE /v2/{project_id}/taskgroups/{group_id} (5.4.4). */
  async deleteTaskGroup(groupId: string): Promise<void> {
    await this.send({ operation: 'DeleteTaskGroup', method: 'DELETE', path: this.groupPath(groupId) });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/stop (5.4.5): creating or executing groups only. */
  async stopTaskGroup(groupId: string): Promise<void> {
    await this.send({
      operation: 'StopTaskGroup',
      method: 'PUT',
      path: `${this.groupPath(groupId)}/stop`,
      idempotent: false,
    });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/start (5.4.6): resumes a paused group. */
  async startTaskGroup(groupId: string, body: oms.StartTaskGroupReq): Promise<void> {
    const path = `${this.groupPath(groupId)}/start`;
    const valid = parseOrThrow(oms.startTaskGroupReqSchema, body, 'OMS StartTaskGroup request');
    await this.send({ operation: 'StartTaskGroup', method: 'PUT', path, body: valid, idempotent: false });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/retry (5.4.7): restarts a failed group. */
  async retryTaskGroup(groupId: string, body: oms.RetryTaskGroupReq): Promise<void> {
    const path = `${this.groupPath(groupId)}/retry`;
    const valid = parseOrThrow(oms.retryTaskGroupReqSchema, body, 'OMS RetryTaskGroup request');
    await this.send({ operation: 'RetryTaskGroup', method: 'PUT', path, body: valid, idempotent: false });
  }

  /** PUT /v2/{project_id}/taskgroups/{group_id}/update (5.4.8). */
  async updateTaskGroupBandwidthPolicy(
    groupId: string,
    policies: readonly oms.BandwidthPolicyReq[number][],
  ): Promise<void> {
    const path = `${this.groupPath(groupId)}/update`;
    const body = parseOrThrow(
      oms.updateBandwidthPolicyReqSchema,
      { bandwidth_policy: policies },
      'OMS traffic-limiting rules',
    );
    await this.send({ operation: 'UpdateTaskGroup', method: 'PUT', path, body });
  }
}
