import { InvalidInputError } from '../../errors.js';
import type { NextRun } from '../types.js';
import { omsCreateTaskRequestSchema, type TaskResp } from './schemas.js';

/**
 * A delta of a succeeded task: the same task from TaskResp (Table 5-15), `migrate_since` = the last run's
 * start. `migrate_since` is in seconds (Table 5-40), `start_time` in ms: rounded down, an object changed in
 * the run's first second moves again rather than being missed. Keys come from the connection at creation;
 * a CDN source or an SMN topic (own settings) is not carried over.
 */
export function omsNextRun(task: TaskResp, name: string): NextRun {
  const started = task.start_time ?? 0;
  if (!(started > 0)) throw InvalidInputError.of('rerun.error.noStart');
  const src = task.src_node ?? {};
  const dst = task.dst_node ?? {};
  const keys = src.object_key?.length ? src.object_key : undefined;
  const list = src.list_file?.list_file_key && src.list_file.obs_bucket ? src.list_file : undefined;
  const bandwidth = (task.bandwidth_policy ?? []).filter((w) => (w.max_bandwidth ?? 0) > 0);
  const request: Record<string, unknown> = {
    task_type: task.task_type || undefined,
    description: name,
    src_node: {
      cloud_type: src.cloud_type || undefined,
      region: src.region || undefined,
      bucket: src.bucket || undefined,
      app_id: src.app_id || undefined,
      object_key: keys,
      list_file: list && { list_file_key: list.list_file_key, obs_bucket: list.obs_bucket },
    },
    dst_node: {
      region: dst.region ?? '',
      bucket: dst.bucket ?? '',
      save_prefix: dst.save_prefix || undefined,
    },
    migrate_since: Math.floor(started / 1000),
    enable_kms: task.enable_kms ?? undefined,
    enable_restore: task.enable_restore ?? undefined,
    enable_metadata_migration: task.enable_metadata_migration ?? undefined,
    enable_failed_object_recording: task.enable_failed_object_recording ?? undefined,
    enable_requester_pays: task.enable_requester_pays ?? undefined,
    object_overwrite_mode: task.object_overwrite_mode || undefined,
    dst_storage_policy: task.dst_storage_policy || undefined,
    consistency_check: task.consistency_check || undefined,
    task_priority: task.task_priority || undefined,
    bandwidth_policy:
      bandwidth.length > 0
        ? bandwidth.map((w) => ({ start: w.start, end: w.end, max_bandwidth: w.max_bandwidth }))
        : undefined,
  };
  const parsed = omsCreateTaskRequestSchema.safeParse(clean(request));
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    const field = problem?.path.join('.') || 'request';
    throw InvalidInputError.of('rerun.error.notRepeatable', { field });
  }
  return { mode: 'new', kind: 'task', request: parsed.data as Record<string, unknown>, since: started };
}

/**
 * A run of the objects a list names (the failed objects OMS recorded): the finished task
 * again as `task_type: list`, its `src_node.list_file` the list (Table 5-41: `obs_bucket` in the
 * destination's region; the destination bucket is), without `object_key` or `migrate_since`.
 */
export function omsListRun(task: TaskResp, name: string, list: { bucket: string; key: string }): NextRun {
  const again = omsNextRun({ ...task, start_time: task.start_time || 1 }, name);
  const request = { ...again.request, task_type: 'list' } as Record<string, unknown>;
  delete request.migrate_since;
  const src = { ...(request.src_node as Record<string, unknown>) };
  delete src.object_key;
  src.list_file = { obs_bucket: list.bucket, list_file_key: list.key };
  request.src_node = src;
  const parsed = omsCreateTaskRequestSchema.safeParse(request);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'request';
    throw InvalidInputError.of('rerun.error.notRepeatable', { field });
  }
  return { mode: 'new', kind: 'task', request: parsed.data as Record<string, unknown> };
}

/** Drops undefined values (nested), so the strict create schema sees only what the task said. */
function clean(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[key] = v && typeof v === 'object' && !Array.isArray(v) ? clean(v as Record<string, unknown>) : v;
  }
  return out;
}
