import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { parseConnections } from '../../src/connections/load-connections-file.js';
import { ConnectBot, ENCRYPTION_KEY } from '../harness/connect-bot.js';
import { messageText } from '../harness/test-bot.js';

// Issue 37, item 9. Seed 002: project_id is "Minimum length: 1 character, Maximum length: 1,024
// characters" (every path parameter table, e.g. Table 5-11), and the seed's own example (§5.3.1,
// POST /v2/f697f813-554a-4f05-bac8-82a183b20878/sync-tasks/…/events) is a UUID with hyphens. The
// connections file accepts that; the connect form must too. The project here is also a sub-project
// (Table 3-3), so the connection test only passes with X-Project-ID signed (item 1).

const PROJECT = 'f697f813-554a-4f05-bac8-82a183b20878';
const AK = 'HWUUIDPROJECTKEY0001';
const SK = 'hw-uuid-project-secret-key-00000000000001';
const sim = new OmsSimulator({ projectId: PROJECT, subProject: true, keys: { [AK]: SK } });
const c = new ConnectBot();

beforeAll(async () => {
  await sim.start();
  await c.start({
    env: {
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${ENCRYPTION_KEY}`,
      MIGRATE_BOT_ALLOWED_ENDPOINTS: sim.url,
    },
  });
});
afterAll(async () => {
  await c.stop();
  await sim.stop();
});

function errorsOf(ack: { body?: Record<string, unknown> }): Record<string, string> {
  return (ack.body?.errors ?? {}) as Record<string, string>;
}

function values(name: string, projectId: string): Record<string, string> {
  return {
    ...c.omsValues(name),
    'endpoint.huawei-oms': sim.url,
    project_id: projectId,
    access_key: AK,
    secret_key: SK,
  };
}

describe('the connect form takes any project id the seed allows (1 to 1,024 characters)', () => {
  it("a UUID project id (the seed's §5.3.1 example form) connects, and its tasks are listed", async () => {
    sim.addTask({ name: 'uuid-project-task', status: 2 });
    const ack = await c.submit(await c.openConnect(), values('hw-uuid', PROJECT));
    expect(ack.body?.response_action, JSON.stringify(ack.body)).toBe('update');
    expect(messageText(await c.t.ask('list hw-uuid'))).toContain('uuid-project-task');
  });

  it('a project id of 1,024 characters passes the form; 1,025 or one with a space does not', async () => {
    const form = await c.openConnect();
    const long = await c.submit(form, values('hw-long', 'a'.repeat(1025)));
    expect(long.body?.response_action).toBe('errors');
    expect(errorsOf(long).project_id).toMatch(/1 to 1,024/);
    const spaced = await c.submit(form, values('hw-spaced', `${PROJECT.slice(0, 8)} ${PROJECT.slice(9)}`));
    expect(errorsOf(spaced).project_id).toMatch(/without spaces/);
    // 1,024 characters is a valid id: the form lets it through to the connection test, which OMS
    // (here the simulator, with another project) refuses as a project, not as a malformed field.
    const longest = await c.submit(form, values('hw-longest', 'b'.repeat(1024)));
    expect(errorsOf(longest).project_id ?? '').not.toMatch(/1 to 1,024/);
  });
});

describe('a project id is a path segment and a header: no dot-segments, no / ? # % (form and file)', () => {
  // Seed 002: every operation is /v2/{project_id}/…; with `..` the bot would send /v2/../tasks while
  // signing /tasks (the URL resolves the dot-segment), and `/ ? # %` change the path itself.
  const bad = ['.', '..', 'a/b', 'a?b', 'a#b', '%2e%2e'];

  it.each(bad)('the connect form refuses %s on the project id field, saying why', async (id) => {
    const ack = await c.submit(await c.openConnect(), values('hw-dots', id));
    expect(ack.body?.response_action).toBe('errors');
    expect(errorsOf(ack).project_id).toMatch(/not \. or \.\./);
  });

  it('the connections file refuses them too, naming the connection and the field', () => {
    const file = (id: string) =>
      JSON.stringify({
        connections: [
          {
            name: 'hw',
            provider: 'huawei-oms',
            endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
            projectId: id,
            auth: { type: 'aksk', accessKeyEnv: 'AK', secretKeyEnv: 'SK' },
          },
        ],
      });
    const env = { AK: 'HWAK00000000', SK: 'hw-secret' };
    for (const id of bad)
      expect(() => parseConnections(file(id), 'connections.yml', env), id).toThrow(
        /connections\[0\] \(hw\): projectId: .*not \. or \.\./,
      );
    expect(parseConnections(file(PROJECT), 'connections.yml', env)[0]?.projectId).toBe(PROJECT);
  });
});
