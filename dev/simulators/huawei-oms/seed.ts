import { GiB, type OmsSimulator } from './index.js';

/**
 * A few realistic tasks, so a new user sees every state at once. The first four take their ids from
 * the simulator's own sequence (191297407830872 … 875, the ids the README uses): giving them explicitly
 * would let the task group's tasks, numbered from the same sequence, overwrite them.
 */
export function seedOmsTasks(oms: OmsSimulator): void {
  seedSourceBuckets(oms);
  oms.addTask({
    name: 'photos-aws-to-obs',
    status: 2,
    progress: 0.37,
    totalSize: 820 * GiB,
    totalNum: 1_240_000,
    speed: 180 * 1024 * 1024,
    src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'acme-photos' },
    dst: { region: 'cn-north-4', bucket: 'acme-photos-obs' },
  });
  oms.addTask({
    name: 'logs-archive-2025',
    status: 3,
    progress: 0.61,
    totalSize: 2_300 * GiB,
    totalNum: 9_800_000,
    src: { cloud_type: 'Aliyun', region: 'cn-hangzhou', bucket: 'acme-logs' },
    dst: { region: 'cn-north-4', bucket: 'acme-logs-archive' },
  });
  oms.addTask({
    name: 'invoices-azure',
    status: 2,
    progress: 0.12,
    totalSize: 48 * GiB,
    totalNum: 310_000,
    failAt: 0.14,
    failCode: 'TRF.0015',
    failMessage: 'The source AK/SK is invalid or has expired.',
    src: { cloud_type: 'Azure', region: 'westeurope', bucket: 'invoices' },
    dst: { region: 'cn-north-4', bucket: 'invoices-obs' },
  });
  oms.addTask({
    name: 'static-site-assets',
    status: 5,
    progress: 1,
    totalSize: 3 * GiB,
    totalNum: 42_000,
    src: { cloud_type: 'Google', region: 'us-central1', bucket: 'site-assets' },
    dst: { region: 'cn-north-4', bucket: 'site-assets-obs' },
  });
  // Already failed, with a catalogued code: its card shows what TRF.0013 means and how to fix it.
  // Its own id prefix (2044) makes `/migrate status 2044` a unique-prefix example.
  oms.addTask({
    id: '204411850021347',
    name: 'catalog-images-by-list',
    status: 4,
    progress: 0.08,
    totalSize: 210 * GiB,
    totalNum: 1_600_000,
    taskType: 'list',
    failCode: 'TRF.0013',
    failMessage: 'The object list file lists/catalog-2026.txt does not exist in bucket acme-lists.',
    src: {
      cloud_type: 'AWS',
      region: 'us-east-1',
      bucket: 'acme-catalog',
      list_file: { list_file_key: 'lists/catalog-2026.txt', obs_bucket: 'acme-lists' },
    },
    dst: { region: 'cn-north-4', bucket: 'acme-catalog-obs' },
  });
  // A task group migrating two prefixes (its two tasks run) and an event-driven synchronization task.
  oms.addTaskGroup({
    status: 2,
    description: 'video-library by year',
    taskType: 'PREFIX',
    src: { cloud_type: 'AWS', region: 'us-west-2', bucket: 'acme-video', object_key: ['2024/', '2025/'] },
    dst: { region: 'cn-north-4', bucket: 'acme-video-obs' },
    totalSize: 1_400 * GiB,
    totalNum: 52_000,
    progress: 0.26,
  });
  oms.addSyncTask({
    status: 'SYNCHRONIZING',
    description: 'uploads live sync',
    src_cloud_type: 'Aliyun',
    src_region: 'cn-shanghai',
    src_bucket: 'acme-uploads',
    dst_region: 'cn-north-4',
    dst_bucket: 'acme-uploads-obs',
  });
}

/**
 * Source buckets the create form's checks and the approval pre-flight read (ListBucketObjects): a
 * video bucket too large to list in full (3,000 objects of 2.31 GiB under 2025/: the pre-flight
 * samples 1,000), a small one, and a folder marker with nothing under it.
 */
function seedSourceBuckets(oms: OmsSimulator): void {
  const videos = (prefix: string, n: number, size: number) =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}clip-${String(i).padStart(5, '0')}.mp4`, size }));
  oms.addBucket({
    cloudType: 'AWS',
    region: 'us-west-2',
    name: 'acme-video',
    objects: [
      ...videos('2024/', 40, Math.round(1.5 * GiB)),
      ...videos('2025/', 3_000, Math.round(2.31 * GiB)),
      { key: 'drafts/', size: 0 },
    ],
  });
  oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'acme-logs',
    objects: Array.from({ length: 310 }, (_, i) => ({ key: `2025/app-${i}.log.gz`, size: 6_450_000 })),
  });
}
