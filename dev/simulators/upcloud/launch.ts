import { credential, defineSimulator, randomSecret, SIM_STORAGE } from '../launch.js';
import { UpCloudSimulator } from './index.js';
import { seedUpCloudJobs } from './seed.js';
import { seedUpCloudObjects } from './seed-objects.js';

/** The one Object Storage service the seeded jobs live under. */
const SERVICE_ID = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';

/** UpCloud Managed Object Storage for `npm run simulators`, the playground and tests: one line in ../registry.ts. */
export const upcloudLaunch = defineSimulator({
  id: 'upcloud',
  serves: `data-migration jobs, service ${SERVICE_ID}`,
  port: { env: 'UPCLOUD_SIM_PORT', default: 4103 },
  credentials: () => ({ SIM_UPCLOUD_TOKEN: `ucat_${randomSecret()}` }),
  start: ({ env, port }) =>
    new UpCloudSimulator({
      serviceIds: [SERVICE_ID],
      tokens: [credential(env, 'SIM_UPCLOUD_TOKEN')],
      port,
    }).start(),
  seed: (upcloud) => seedUpCloudJobs(upcloud, SERVICE_ID),
  seedObjects: seedUpCloudObjects,
  connectionFor: (upcloud, env) => ({
    file: {
      name: 'upcloud-sim',
      provider: 'upcloud',
      endpoint: upcloud.url,
      serviceId: SERVICE_ID,
      auth: { type: 'bearer', tokenEnv: 'SIM_UPCLOUD_TOKEN' },
      storage: { ...SIM_STORAGE },
    },
    connect: { endpoint: upcloud.url, serviceId: SERVICE_ID, token: credential(env, 'SIM_UPCLOUD_TOKEN') },
  }),
});
