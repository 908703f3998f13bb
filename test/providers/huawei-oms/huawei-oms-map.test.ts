import { describe, expect, it } from 'vitest';
import type { NormalizedState } from '../../../src/domain/migration-resource.js';
import {
  actionsForSyncTaskState,
  actionsForTaskGroup,
  actionsForTaskState,
} from '../../../src/providers/huawei-oms/index.js';
import {
  canonicalCloud,
  mapSyncTask,
  mapTask,
  mapTaskGroup,
  TASK_GROUP_STATUSES_BY_STATE,
  TASK_STATE_BY_STATUS,
} from '../../../src/providers/huawei-oms/map.js';
import {
  showSyncTaskRespSchema,
  syncTaskInfoSchema,
  taskGroupRespSchema,
  taskRespSchema,
} from '../../../src/providers/huawei-oms/schemas.js';
import type { ResourceAction } from '../../../src/providers/types.js';

const task = (fields: Record<string, unknown>) =>
  mapTask(taskRespSchema.parse({ id: 191297407830872, name: 'photos', ...fields }), 'hw');
const group = (fields: Record<string, unknown>) =>
  mapTaskGroup(
    taskGroupRespSchema.parse({ group_id: '9dd98a5e-7ea3-4d80-abff-4c23914313e4', ...fields }),
    'hw',
  );
const sync = (fields: Record<string, unknown>) =>
  mapSyncTask(
    syncTaskInfoSchema.parse({ sync_task_id: 'd18befdd-eb82-41f3-8019-bbb593d74a3e', ...fields }),
    'hw',
  );

describe('migration task status (Table 5-15: 1–7)', () => {
  const cases: [number, string, NormalizedState, ResourceAction[]][] = [
    [1, 'waiting', 'queued', ['delete']], // §2, §5.2.4, OMS.0066: only a migrating task pauses
    [2, 'migrating', 'running', ['pause']],
    [3, 'paused', 'paused', ['resume', 'delete']],
    [4, 'failed', 'failed', ['resume', 'retry', 'delete']],
    [5, 'succeeded', 'succeeded', ['delete']],
    [6, 'retrying', 'retrying', []],
    [7, 'pausing', 'pausing', []],
  ];
  it.each(cases)('%i (%s) → %s', (status, _label, state, actions) => {
    const resource = task({ status });
    expect(resource).toMatchObject({ kind: 'task', state, rawStatus: String(status) });
    expect(actionsForTaskState(resource.state)).toEqual(actions);
  });

  it('shows an undocumented status as unknown, with no actions', () => {
    expect(task({ status: 0 }).state).toBe('unknown');
    expect(task({ status: 8 }).state).toBe('unknown');
    expect(actionsForTaskState('unknown')).toEqual([]);
  });

  it('covers exactly the documented statuses', () => {
    expect(Object.keys(TASK_STATE_BY_STATUS).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('takes progress, bytes, objects, speed and ETA from the documented fields', () => {
    const resource = task({
      status: 2,
      progress: 0.522,
      complete_size: 522,
      total_size: 1000,
      successful_num: 5,
      failed_num: 1,
      skipped_num: 2,
      total_num: 10,
      migrate_speed: 100,
      left_time: 4_780,
      start_time: 1_700_000_000_000,
      total_time: 61_000,
      task_type: 'prefix',
      src_node: { cloud_type: 'Aliyun', region: 'cn-beijing', bucket: 'src', object_key: ['a/', 'b/'] },
      dst_node: { region: 'cn-north-4', bucket: 'dst', save_prefix: 'in/' },
    });
    expect(resource).toMatchObject({
      progress: 0.522,
      bytes: { done: 522, total: 1000 },
      objects: { done: 5, failed: 1, skipped: 2, total: 10 },
      speed: 100,
      etaSeconds: 5,
      elapsedSeconds: 61,
      startedAt: new Date(1_700_000_000_000),
      source: { cloud: 'Aliyun', region: 'cn-beijing', bucket: 'src', prefix: 'a/, b/' },
      destination: { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'dst', prefix: 'in/' },
    });
  });

  it('reads the failure reason and the failed-object list, empty string or object', () => {
    expect(
      task({
        status: 4,
        error_reason: { error_code: 'TRF.0015', error_msg: 'bad AK' },
        failed_object_record: { result: true, list_file_key: 'oms/failed.txt', error_code: '' },
      }),
    ).toMatchObject({
      lastError: { code: 'TRF.0015', message: 'bad AK' },
      failedObjectList: 'oms/failed.txt',
    });
    expect(task({ status: 2, error_reason: '' }).lastError).toBeUndefined();
  });
});

describe('task group status (Table 5-117: 0–9)', () => {
  const cases: [number, string, NormalizedState, ResourceAction[]][] = [
    [0, 'waiting', 'queued', ['delete']],
    [1, 'executing/creating', 'running', ['pause']],
    // §5.4.5 pauses "in the Creating or Executing state"; the group's S3M.1038 names them "Running
    // or Monitoring": 1 and 2 (issue 51: a group is at 2 while its tasks run and fail).
    [2, 'running monitor task', 'running', ['pause']],
    [3, 'paused', 'paused', ['resume']],
    [4, 'creation failed', 'failed', ['retry', 'delete']],
    [5, 'migration failed', 'failed', ['retry', 'delete']],
    [6, 'migration completed', 'succeeded', ['delete']],
    [7, 'pausing', 'pausing', []],
    [8, 'waiting for deletion', 'deleting', []],
    [9, 'deleting', 'deleting', []],
  ];
  it.each(cases)('%i (%s) → %s', (status, _label, state, actions) => {
    const resource = group({ status });
    expect(resource).toMatchObject({ kind: 'task-group', state, rawStatus: String(status) });
    expect(actionsForTaskGroup(resource.rawStatus, resource.state)).toEqual(actions);
  });

  it('shows an undocumented status as unknown', () => {
    expect(group({ status: 10 }).state).toBe('unknown');
    expect(actionsForTaskGroup('10', 'unknown')).toEqual([]);
  });

  it('lists every status under its normalized state', () => {
    expect(TASK_GROUP_STATUSES_BY_STATE).toEqual({
      queued: [0],
      running: [1, 2],
      paused: [3],
      failed: [4, 5],
      succeeded: [6],
      pausing: [7],
      deleting: [8, 9],
    });
  });

  it('takes progress from complete_size / total_size and the counters from the group fields', () => {
    const resource = group({
      status: 2,
      total_size: 4000,
      complete_size: 1000,
      total_num: 40,
      success_num: 9,
      fail_num: 1,
      skip_num: 2,
      migrate_speed: 100,
      total_time: 90_500,
      start_time: 1_663_654_062_461,
      task_type: 'PREFIX',
      description: 'media move',
      src_node: { bucket: 'src', cloud_type: 'ALIYUN', region: 'cn-hangzhou', object_key: ['photos/'] },
      dst_node: { bucket: 'dst', region: 'cn-north-4', save_prefix: '' },
    });
    expect(resource).toMatchObject({
      name: 'media move',
      progress: 0.25,
      bytes: { done: 1000, total: 4000 },
      objects: { done: 9, failed: 1, skipped: 2, total: 40 },
      speed: 100,
      etaSeconds: 30,
      elapsedSeconds: 91,
      source: { cloud: 'Aliyun', region: 'cn-hangzhou', bucket: 'src', prefix: 'photos/' },
      destination: { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'dst', prefix: undefined },
    });
  });

  it('has no progress before anything is sized, and full progress once completed', () => {
    expect(group({ status: 0, total_size: null, complete_size: null }).progress).toBeUndefined();
    expect(group({ status: 6, total_size: 0, complete_size: 0 }).progress).toBe(1);
  });

  it('reads the failure reason as an object, and ignores null or an empty string', () => {
    expect(
      group({ status: 5, error_reason: { error_code: 'TRF.0015', error_msg: 'bad AK' } }).lastError,
    ).toEqual({
      code: 'TRF.0015',
      message: 'bad AK',
    });
    expect(group({ status: 6, error_reason: null }).lastError).toBeUndefined();
    expect(group({ status: 6, error_reason: '' }).lastError).toBeUndefined();
  });
});

describe('synchronization task status (Table 5-80)', () => {
  const cases: [string, NormalizedState, ResourceAction[]][] = [
    ['SYNCHRONIZING', 'monitoring', ['pause']],
    ['STOPPED', 'paused', ['resume', 'delete']],
  ];
  it.each(cases)('%s → %s', (status, state, actions) => {
    const resource = sync({ status });
    expect(resource).toMatchObject({ kind: 'sync-task', state, rawStatus: status });
    expect(actionsForSyncTaskState(resource.state)).toEqual(actions);
  });

  it('shows an undocumented status as unknown', () => {
    expect(sync({ status: 'DELETED' }).state).toBe('unknown');
    expect(actionsForSyncTaskState('unknown')).toEqual([]);
  });

  it('counts this month from ShowSyncTask, and names the task after its buckets when undescribed', () => {
    const resource = mapSyncTask(
      showSyncTaskRespSchema.parse({
        sync_task_id: 'abc',
        status: 'SYNCHRONIZING',
        src_cloud_type: 'Aliyun',
        src_bucket: 'src',
        dst_bucket: 'dst',
        description: '',
        create_time: 1_700_639_560_751,
        last_start_time: 1_700_639_570_751,
        monthly_acceptance_request: 11,
        monthly_success_object: 7,
        monthly_failure_object: 3,
        monthly_skip_object: 1,
        monthly_size: 4096,
      }),
      'hw',
    );
    expect(resource).toMatchObject({
      name: 'src → dst',
      bytes: { done: 4096 },
      objects: { done: 7, failed: 3, skipped: 1, total: 11 },
      createdAt: new Date(1_700_639_560_751),
      startedAt: new Date(1_700_639_570_751),
    });
    expect(resource.progress).toBeUndefined();
  });
});

describe('cloud names', () => {
  it('gives group clouds (upper case) the task spelling', () => {
    expect(canonicalCloud('HUAWEICLOUD')).toBe('HuaweiCloud');
    expect(canonicalCloud('KINGSOFTCLOUD')).toBe('KingsoftCloud');
    expect(canonicalCloud('URLSOURCE')).toBe('URLSource');
    expect(canonicalCloud('SOMETHINGNEW')).toBe('SOMETHINGNEW');
    expect(canonicalCloud(null)).toBeUndefined();
  });
});
