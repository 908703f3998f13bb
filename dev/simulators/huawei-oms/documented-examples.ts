import type { SeedTaskGroup } from './groups.js';
import examples from './seed-examples.json' with { type: 'json' };
import type { SeedTask } from './state.js';
import type { SeedSyncTask } from './sync-tasks.js';

/**
 * The resources of seed 002's own example responses (5.2.2 ShowTask, 5.3.2 ListSyncTasks, 5.4.3
 * ShowTaskGroup, read from the seed by scripts/extract-oms-request-tables.mjs), as seeds for the
 * simulator: a simulator that starts with them answers with what the documentation printed,
 * placeholders included (the ShowTask example is task 0, named "string", in status 0, which Table 5-15
 * does not list), so the client meets them in every test that uses them.
 */
export function documentedExamples(): {
  tasks: SeedTask[];
  groups: SeedTaskGroup[];
  syncTasks: SeedSyncTask[];
} {
  const task = examples.ShowTask;
  const group = examples.ShowTaskGroup;
  return {
    tasks: [
      {
        id: String(task.id),
        name: task.name,
        status: task.status,
        description: task.description,
        taskType: task.task_type as SeedTask['taskType'],
        totalSize: task.total_size,
        totalNum: task.total_num,
        src: {
          cloud_type: task.src_node.cloud_type,
          region: task.src_node.region,
          bucket: task.src_node.bucket,
        },
        dst: { region: task.dst_node.region, bucket: task.dst_node.bucket },
        bandwidthPolicy: task.bandwidth_policy,
      },
    ],
    groups: [
      {
        id: group.group_id,
        status: group.status,
        description: group.description,
        taskType: group.task_type as SeedTaskGroup['taskType'],
        src: {
          cloud_type: group.src_node.cloud_type,
          region: group.src_node.region,
          bucket: group.src_node.bucket,
          object_key: group.src_node.object_key,
        },
        dst: group.dst_node,
        totalSize: group.total_size,
        totalNum: group.total_num,
        taskCount: 1,
      },
    ],
    syncTasks: examples.ListSyncTasks.tasks.map((t) => ({
      id: t.sync_task_id,
      status: t.status as SeedSyncTask['status'],
      src_cloud_type: t.src_cloud_type,
      src_region: t.src_region,
      src_bucket: t.src_bucket,
      dst_region: t.dst_region,
      dst_bucket: t.dst_bucket,
      description: t.description,
    })),
  };
}
