import { describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import type { OutgoingRequest } from '../../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { formatSdkDate, signHuaweiRequest } from '../../../src/providers/huawei-oms/signer.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { omsSimConnection, useSimulator } from '../simulator-rig.js';

// Issue 37, item 1. Seed 002 Table 3-3: "X-Project-ID: Subproject ID. [...] The X-Project-ID field is
// mandatory in the request header for accessing resources in a sub-project through AK/SK-based
// authentication." The simulator's project here is a sub-project with a UUID id (the form of the
// seed's own example in §5.3.1): an AK/SK request without a signed X-Project-ID naming it is refused.

const SUB_PROJECT = 'f697f813-554a-4f05-bac8-82a183b20878';
const AK = 'HWSUBPROJECTKEY00001';
const SK = 'hw-subproject-secret-key-000000000000001';

const sim = new OmsSimulator({
  projectId: SUB_PROJECT,
  subProject: true,
  keys: { [AK]: SK },
  users: [{ name: 'ops', password: 'ops-password-123', domain: 'acme' }],
});
const pools = useSimulator(sim, { freeze: 'once' });
const { logger } = captureLogger('fatal');

function provider(auth: Connection['auth']): HuaweiOmsProvider {
  const storage = {
    source: { name: 'src', accessKey: 'SRCAK000000', secretKey: 'src-secret-000000' },
    destination: { name: 'dst', accessKey: 'DSTAK000000', secretKey: 'dst-secret-000000' },
  };
  return new HuaweiOmsProvider(omsSimConnection(sim, SUB_PROJECT, auth, { name: 'hw-sub', storage }), {
    pools,
    logger,
  });
}

describe('a sub-project reached with AK/SK (seed 002 Table 3-3)', () => {
  it('list, show, stop and the connection check send X-Project-ID, signed', async () => {
    const task = sim.addTask({ name: 'sub-photos', status: 2 });
    const hw = provider({ type: 'aksk', accessKey: AK, secretKey: SK });
    const page = await hw.list({ kind: 'task', limit: 10, offset: 0 });
    expect(page.resources.map((r) => r.name)).toEqual(['sub-photos']);
    expect((await hw.get('task', task.id)).state).toBe('running');
    await hw.pause('task', task.id);
    expect((await hw.get('task', task.id)).state).toMatch(/pausing|paused/);
    await hw.checkConnection();
  });

  it('the simulator: a signed request without X-Project-ID is 403 OMS.2001, with it 200', async () => {
    const url = new URL(`${sim.url}/v2/${SUB_PROJECT}/tasks`);
    const send = async (extra: Record<string, string>) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        host: url.host,
        'x-sdk-date': formatSdkDate(new Date(sim.clock.now())),
        ...extra,
      };
      const signable = { method: 'GET', path: url.pathname, canonicalQuery: '', headers, body: '' };
      headers.authorization = signHuaweiRequest(signable, AK, SK);
      const response = await fetch(url, { headers });
      return { status: response.status, body: (await response.json()) as { error_code?: string } };
    };
    const without = await send({});
    expect(without).toMatchObject({ status: 403, body: { error_code: 'OMS.2001' } });
    expect((await send({ 'x-project-id': SUB_PROJECT })).status).toBe(200);
  });

  it('an IAM token is scoped to the project itself and needs no header', async () => {
    const hw = provider({
      type: 'token',
      iamEndpoint: sim.url,
      user: 'ops',
      password: 'ops-password-123',
      domain: 'acme',
    });
    const page = await hw.list({ kind: 'task', limit: 10, offset: 0 });
    expect(page.resources.length).toBeGreaterThan(0);
  });
});

describe('an endpoint with a base path (https://gw.example.com/oms) keeps X-Project-ID (Table 3-3)', () => {
  // Endpoints with a base path are allowed (MIGRATE_BOT_ALLOWED_ENDPOINTS, the connections file):
  // the wire path is /oms/v2/{project_id}/…, and the header must not depend on where the API sits.
  it('list, show and the connection check send it, and sign it', async () => {
    const seen: OutgoingRequest[] = [];
    const transport = async (request: OutgoingRequest) => {
      seen.push({ ...request, headers: { ...request.headers } });
      const path = request.url.pathname;
      const text = path.endsWith('/tasks')
        ? JSON.stringify({ tasks: [], count: 0 })
        : JSON.stringify({ id: 1, name: 't', status: 2 });
      return { status: 200, headers: { 'content-type': 'application/json' }, text };
    };
    const hw = new HuaweiOmsProvider(
      {
        name: 'hw-gw',
        provider: 'huawei-oms',
        endpoint: 'https://gw.example.com/oms',
        projectId: SUB_PROJECT,
        auth: { type: 'aksk', accessKey: AK, secretKey: SK },
        storage: {},
      },
      { pools, logger, transport },
    );
    await hw.list({ kind: 'task', limit: 10, offset: 0 });
    await hw.get('task', '1').catch(() => undefined);
    await hw.checkConnection().catch(() => undefined);
    const projectCalls = seen.filter((r) => r.url.pathname.startsWith(`/oms/v2/${SUB_PROJECT}/`));
    expect(projectCalls.length).toBeGreaterThanOrEqual(2);
    for (const request of projectCalls) {
      expect(request.headers['x-project-id'], request.pathWithQuery).toBe(SUB_PROJECT);
      expect(request.headers.authorization).toMatch(/SignedHeaders=[^,]*x-project-id/);
    }
  });
});
