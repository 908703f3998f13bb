import { credential, defineSimulator, randomKeyId, randomSecret, SIM_STORAGE } from '../launch.js';
import { NcpSimulator } from './index.js';
import { seedNcpPolicies } from './seed.js';
import { seedNcpObjects } from './seed-objects.js';

const REGION = 'KR';

/** NCP Object Migration for `npm run simulators`, the playground and tests: one line in ../registry.ts. */
export const ncpLaunch = defineSimulator({
  id: 'ncp',
  serves: 'migration policies',
  port: { env: 'NCP_SIM_PORT', default: 4102 },
  credentials: () => ({ SIM_NCP_AK: randomKeyId('SIMNCP'), SIM_NCP_SK: randomSecret() }),
  start: ({ env, port }) =>
    new NcpSimulator({
      keys: { [credential(env, 'SIM_NCP_AK')]: credential(env, 'SIM_NCP_SK') },
      port,
    }).start(),
  seed: seedNcpPolicies,
  seedObjects: seedNcpObjects,
  connectionFor: (ncp, env) => ({
    file: {
      name: 'ncp-sim',
      provider: 'ncp',
      endpoint: ncp.url,
      region: REGION,
      auth: { type: 'aksk', accessKeyEnv: 'SIM_NCP_AK', secretKeyEnv: 'SIM_NCP_SK' },
      storage: { ...SIM_STORAGE },
    },
    connect: {
      endpoint: ncp.url,
      region: REGION,
      accessKey: credential(env, 'SIM_NCP_AK'),
      secretKey: credential(env, 'SIM_NCP_SK'),
    },
  }),
});
