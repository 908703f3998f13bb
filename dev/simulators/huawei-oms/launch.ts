import { randomBytes } from 'node:crypto';
import { credential, defineSimulator, randomKeyId, randomSecret, SIM_STORAGE } from '../launch.js';
import { OmsSimulator } from './index.js';
import { seedOmsTasks } from './seed.js';
import { seedOmsObjects } from './seed-objects.js';

/** Huawei OMS for `npm run simulators`, the playground and tests: one line in ../registry.ts. */
export const omsLaunch = defineSimulator({
  id: 'huawei-oms',
  serves: 'tasks, sync tasks, task groups, buckets, regions',
  port: { env: 'OMS_SIM_PORT', default: 4101 },
  credentials: () => ({ SIM_HW_AK: randomKeyId('SIMHW'), SIM_HW_SK: randomSecret() }),
  start: ({ env, port, timings }) =>
    new OmsSimulator({
      projectId: randomBytes(16).toString('hex'),
      keys: { [credential(env, 'SIM_HW_AK')]: credential(env, 'SIM_HW_SK') },
      port,
      timings,
    }).start(),
  seed: seedOmsTasks,
  seedObjects: seedOmsObjects,
  connectionFor: (oms, env) => ({
    file: {
      name: 'hw-sim',
      provider: 'huawei-oms',
      endpoint: oms.url,
      projectId: oms.projectId,
      auth: { type: 'aksk', accessKeyEnv: 'SIM_HW_AK', secretKeyEnv: 'SIM_HW_SK' },
      storage: { ...SIM_STORAGE },
      // The approval pre-flight prices egress with it (docs/configuration.md).
      egressPricePerGiB: 0.09,
    },
    connect: {
      endpoint: oms.url,
      projectId: oms.projectId,
      accessKey: credential(env, 'SIM_HW_AK'),
      secretKey: credential(env, 'SIM_HW_SK'),
    },
  }),
});
