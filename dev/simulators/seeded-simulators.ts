import { randomBytes } from 'node:crypto';
import type { Connection } from '../../src/connections/connection.js';
import { seedNcpPolicies, seedOmsTasks, seedUpCloudJobs } from '../playground/seed.js';
import { OmsSimulator } from './huawei-oms/index.js';
import { NcpSimulator } from './ncp/index.js';
import { UpCloudSimulator } from './upcloud/index.js';

export interface SeededSimulators {
  oms: OmsSimulator;
  ncp: NcpSimulator;
  upcloud: UpCloudSimulator;
  /** Random per run: credential values keyed by the env names the connections file uses. */
  env: Record<string, string>;
  projectId: string;
  serviceId: string;
  /** The same connections as objects (secrets resolved), for in-process use. */
  connections: Connection[];
  /** The connections file text (secrets as env names). */
  connectionsYaml: string;
  stop(): Promise<void>;
}

/** The three simulators on loopback, seeded with resources in many states, with fresh random keys. */
export async function startSeededSimulators(
  ports: { oms?: number; ncp?: number; upcloud?: number } = {},
  timings: { scheduleDelayMs?: number; pauseDelayMs?: number } = {},
): Promise<SeededSimulators> {
  const secret = () => randomBytes(20).toString('hex');
  const env = {
    SIM_HW_AK: `SIMHW${randomBytes(6).toString('hex').toUpperCase()}`,
    SIM_HW_SK: secret(),
    SIM_NCP_AK: `SIMNCP${randomBytes(6).toString('hex').toUpperCase()}`,
    SIM_NCP_SK: secret(),
    SIM_UPCLOUD_TOKEN: `ucat_${secret()}`,
    SIM_SRC_AK: 'SIMSOURCEACCESSKEY',
    SIM_SRC_SK: secret(),
    SIM_DST_AK: 'SIMDESTACCESSKEY',
    SIM_DST_SK: secret(),
  };
  const projectId = randomBytes(16).toString('hex');
  const serviceId = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
  const oms = await new OmsSimulator({
    projectId,
    keys: { [env.SIM_HW_AK]: env.SIM_HW_SK },
    port: ports.oms,
    timings,
  }).start();
  const ncp = await new NcpSimulator({ keys: { [env.SIM_NCP_AK]: env.SIM_NCP_SK }, port: ports.ncp }).start();
  const upcloud = await new UpCloudSimulator({
    serviceIds: [serviceId],
    tokens: [env.SIM_UPCLOUD_TOKEN],
    port: ports.upcloud,
  }).start();
  seedOmsTasks(oms);
  seedNcpPolicies(ncp);
  seedUpCloudJobs(upcloud, serviceId);

  const source = { name: 'sim-src', accessKey: env.SIM_SRC_AK, secretKey: env.SIM_SRC_SK };
  const destination = { name: 'sim-dst', accessKey: env.SIM_DST_AK, secretKey: env.SIM_DST_SK };
  const connections: Connection[] = [
    {
      name: 'hw-sim',
      provider: 'huawei-oms',
      endpoint: oms.url,
      projectId,
      auth: { type: 'aksk', accessKey: env.SIM_HW_AK, secretKey: env.SIM_HW_SK },
      storage: { source, destination },
    },
    {
      name: 'ncp-sim',
      provider: 'ncp',
      endpoint: ncp.url,
      region: 'KR',
      auth: { type: 'aksk', accessKey: env.SIM_NCP_AK, secretKey: env.SIM_NCP_SK },
      storage: { source },
    },
    {
      name: 'upcloud-sim',
      provider: 'upcloud',
      endpoint: upcloud.url,
      serviceId,
      auth: { type: 'bearer', token: env.SIM_UPCLOUD_TOKEN },
      storage: { source },
    },
  ];
  const connectionsYaml = [
    'storageCredentials:',
    '  sim-src: { accessKeyEnv: SIM_SRC_AK, secretKeyEnv: SIM_SRC_SK }',
    '  sim-dst: { accessKeyEnv: SIM_DST_AK, secretKeyEnv: SIM_DST_SK }',
    'connections:',
    '  - name: hw-sim',
    '    provider: huawei-oms',
    `    endpoint: ${oms.url}`,
    `    projectId: ${projectId}`,
    '    auth: { type: aksk, accessKeyEnv: SIM_HW_AK, secretKeyEnv: SIM_HW_SK }',
    '    storage: { source: sim-src, destination: sim-dst }',
    '  - name: ncp-sim',
    '    provider: ncp',
    `    endpoint: ${ncp.url}`,
    '    region: KR',
    '    auth: { type: aksk, accessKeyEnv: SIM_NCP_AK, secretKeyEnv: SIM_NCP_SK }',
    '    storage: { source: sim-src }',
    '  - name: upcloud-sim',
    '    provider: upcloud',
    `    endpoint: ${upcloud.url}`,
    `    serviceId: ${serviceId}`,
    '    auth: { type: bearer, tokenEnv: SIM_UPCLOUD_TOKEN }',
    '    storage: { source: sim-src }',
    '',
  ].join('\n');
  return {
    oms,
    ncp,
    upcloud,
    env,
    projectId,
    serviceId,
    connections,
    connectionsYaml,
    stop: async () => {
      await Promise.all([oms.stop(), ncp.stop(), upcloud.stop()]);
    },
  };
}
