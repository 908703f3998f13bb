import { GiB, type UpCloudSimulator } from './index.js';

/** UpCloud jobs: one failed with an error, one running. */
export function seedUpCloudJobs(upcloud: UpCloudSimulator, serviceId: string): void {
  upcloud.addJob({
    name: 'eu-archive-move',
    serviceId,
    status: 'failed',
    totalBytes: 75 * GiB,
    totalObjects: 400_000,
    progress: 0.58,
    failMessage: 'Access denied reading s3://eu-archive/2024/: check the source access key.',
    source: {
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      region: 'eu-central-1',
      bucket: 'eu-archive',
    },
    target: { bucket: 'eu-archive-upcloud' },
  });
  upcloud.addJob({
    name: 'cdn-origin-sync',
    serviceId,
    status: 'running',
    totalBytes: 30 * GiB,
    totalObjects: 120_000,
    progress: 0.3,
    source: { endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', bucket: 'cdn-origin' },
    target: { bucket: 'cdn-origin-upcloud' },
  });
}
