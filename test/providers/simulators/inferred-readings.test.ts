import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { READINGS as OMS_READINGS, OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { READINGS as NCP_READINGS, NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ErrorCode, ProviderError } from '../../../src/errors.js';
import { PoolRegistry } from '../../../src/providers/http/http-client.js';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { NcpProvider } from '../../../src/providers/ncp/index.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/*
 * Issue #37, item 16: where the sources leave a behaviour open, the simulators answer either way
 * (shapes `otherReadings`), and the client is run under both. A client that relies on one reading
 * fails here under the other; one that tolerates both, or fails safely as its README says, passes.
 */

const PROJECT = '0215ef11e49d4743be23dd97a156eeee';
const USER = { name: 'ops', password: 'ops-password-123', domain: 'acme' };
const NCP_AK = 'NCPREADINGSKEY000001';
const NCP_SK = 'ncp-readings-secret-0000000000000001';

const oms = new OmsSimulator({ projectId: PROJECT, users: [USER] });
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');

function omsClient(): OmsClient {
  const connection: Connection = {
    name: 'hw',
    provider: 'huawei-oms',
    endpoint: oms.url,
    projectId: PROJECT,
    storage: {},
    auth: {
      type: 'token',
      iamEndpoint: oms.url,
      user: USER.name,
      password: USER.password,
      domain: USER.domain,
    },
  };
  return new OmsClient(connection, { pools, logger });
}

function ncpProvider(): NcpProvider {
  const connection: Connection = {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint: ncp.url,
    region: 'KR',
    storage: {},
    auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
  };
  return new NcpProvider(connection, { pools, logger }, () => ncp.clock.now());
}

beforeAll(async () => {
  oms.clock.freeze();
  ncp.clock.freeze(Date.UTC(2025, 6, 15, 0, 32, 36, 480));
  await oms.start();
  await ncp.start();
});
afterAll(async () => {
  await oms.stop();
  await ncp.stop();
  await pools.close();
});
afterEach(() => {
  oms.reset();
  ncp.policies.clear();
});

describe.each([
  ['usual', false],
  ['other', true],
])('under the %s reading of what the sources leave open', (_name, other) => {
  beforeAll(() => {
    oms.setShapes({ otherReadings: other });
    ncp.setShapes({ otherReadings: other });
  });
  afterAll(() => {
    oms.setShapes({ otherReadings: false });
    ncp.setShapes({ otherReadings: false });
  });

  it(`OMS: an expired IAM token is replaced and the call goes through (expiry answered ${other ? OMS_READINGS.tokenExpiry.other : OMS_READINGS.tokenExpiry.usual})`, async () => {
    oms.addTask({ name: 'one', status: 3 });
    const client = omsClient();
    await client.listTasks();
    oms.auth.expireAllTokens();
    const page = await client.listTasks();
    expect(page.tasks.map((t) => t.name)).toEqual(['one']);
  });

  it(`OMS: sync-task statistics are sent in milliseconds; read ${other ? 'as seconds they are refused, never an empty answer' : 'as milliseconds they are counted'} (Table 5-95 gives no unit)`, async () => {
    const client = omsClient();
    const task = oms.addSyncTask();
    const start = oms.clock.now();
    await client.createSyncEvents(task.id, ['a', 'b']);
    oms.clock.advance(60_000);
    const asked = client.showSyncTaskStatistics(task.id, {
      dataTypes: ['REQUEST'],
      startTime: start,
      endTime: oms.clock.now(),
    });
    if (!other) {
      const stats = await asked;
      expect(stats.statistic_datas[0]?.data.map((d) => d.statistic_num)).toEqual([2]);
    } else {
      // The README's "if the guess is wrong": OMS's 400 comes back with its code, as a refusal.
      const error = await asked.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        httpStatus: 400,
        errorCode: 'OMS.0001',
        code: ErrorCode.ProviderRequest,
      });
    }
  });

  it(`OMS: a task group pauses at 1 "executing/creating"${other ? ' only' : ' and 2 "running monitor task"'} (§5.4.5, S3M.1038 "Running or Monitoring")`, async () => {
    const client = omsClient();
    const executing = oms.addTaskGroup({ status: 1, taskCount: 1 });
    await client.stopTaskGroup(executing.id);
    const monitoring = oms.addTaskGroup({ status: 2, taskCount: 1 });
    const stopped = client.stopTaskGroup(monitoring.id).then(
      () => 'paused',
      (e: unknown) => (e instanceof ProviderError ? e.errorCode : e),
    );
    expect(await stopped).toBe(other ? 'OMS.1038' : 'paused');
  });

  it(`NCP: a policy's times read the same (printed ${other ? NCP_READINGS.policyTimes.other : NCP_READINGS.policyTimes.usual})`, async () => {
    ncp.addPolicy({ title: 'times', jobState: 'PAUSED' });
    const at = new Date(Date.UTC(2025, 6, 15, 0, 32, 36, 480));
    const shown = await ncpProvider().get('policy', 'times');
    expect(shown.createdAt).toEqual(at);
    expect(shown.updatedAt).toEqual(at);
    const page = await ncpProvider().list({ kind: 'policy', limit: 10, offset: 0 });
    expect(page.resources.find((p) => p.id === 'times')?.createdAt).toEqual(at);
  });
});
