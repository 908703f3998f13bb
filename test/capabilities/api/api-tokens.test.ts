import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiState } from '../../../src/capabilities/api/index.js';
import { api } from '../../../src/capabilities/api/index.js';
import openapi from '../../../src/capabilities/api/openapi.json' with { type: 'json' };
import { EXIT, run } from '../../../src/cli/client.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { stateIn } from '../../harness/started-capabilities.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowWorld } from '../windows/window-world.js';

// An API in (issue 63): tokens made by admins in Slack, `/api/v1` over real HTTP on loopback,
// every answer validated against the OpenAPI document the bot serves.

const CHANNEL = 'C0APITEST';
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = new TestBot();
const { cycles, runningWatched } = windowWorld(t, CHANNEL);
const ix = new Interactions(t);
const APPROVALS = 'C0APPROVE';
const DETAILS = prefixDetails({ description: 'photos to OBS' });

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi.json', ...openapi });

/** The schema the document gives an answer of `operation` with `status` (a problem otherwise). */
function validates(path: string, method: 'get' | 'post', status: number, body: unknown): void {
  const op = (openapi.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[path]![
    method
  ]!;
  const response = op.responses[String(status)] as {
    $ref?: string;
    content?: Record<string, { schema: unknown }>;
  };
  expect(response, `${method} ${path} ${status} is documented`).toBeDefined();
  const pointer = response.$ref ? 'openapi.json#/components/schemas/Problem' : undefined;
  const validate = pointer
    ? ajv.getSchema(pointer)!
    : ajv.compile({
        $ref: `openapi.json#/paths/${path.replaceAll('/', '~1')}/${method}/responses/${status}/content/application~1json/schema`,
      });
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

async function call(method: 'GET' | 'POST', path: string, token?: string, body?: unknown, key?: string) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function addToken(words: string): Promise<string> {
  const answer = messageText(await t.ask(`token add ${words}`, { channelId: CHANNEL }));
  const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)?.[1];
  expect(token, answer).toBeDefined();
  return token!;
}

beforeAll(async () => {
  await t.start({
    // The connection is workspace A's (as every connection is in a bot with many workspaces).
    connections: (omsUrl) => [{ ...omsConnection('hw-prod', omsUrl), team: 'T0FAKE001' }],
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
});
afterAll(async () => {
  await t.stop();
});

describe('the HTTP API', () => {
  it('serves its OpenAPI document, and refuses a request without a valid token', async () => {
    const doc = await call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const token of [undefined, 'mbt_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nonsense']) {
      const refused = await call('GET', '/api/v1/resources', token);
      expect(refused.status).toBe(401);
      expect(refused.type).toContain('application/problem+json');
    }
  });

  it('lets a viewer token read but not pause, naming the token that would; an operator token pauses, audited as the token', async () => {
    const id = await runningWatched('api-copy');
    const viewer = await addToken(`ci-viewer viewer <#${CHANNEL}|api>`);
    const operator = await addToken('ci-operator operator');

    const list = await call('GET', '/api/v1/resources', viewer);
    expect(list.status).toBe(200);
    validates('/api/v1/resources', 'get', 200, list.body);
    expect((list.body.items as { id: string }[]).map((r) => r.id)).toContain(id);

    const one = await call('GET', `/api/v1/resources/${id}`, viewer);
    expect(one.status).toBe(200);
    validates('/api/v1/resources/{ref}', 'get', 200, one.body);
    expect(one.body).toMatchObject({ id, name: 'api-copy', state: 'running' });

    const refused = await call('POST', `/api/v1/resources/${id}/pause`, viewer);
    expect(refused.status).toBe(403);
    validates('/api/v1/resources/{ref}/pause', 'post', 403, refused.body);
    expect(refused.body.code).toBe('forbidden');
    // Not Slack's words to a viewer (`access grant` gives a person a role, never a token): the
    // token an admin can make instead.
    expect(String(refused.body.detail)).toContain('This API token is a viewer token');
    expect(String(refused.body.detail)).toContain('`/migrate token add <name> operator');
    expect(String(refused.body.detail)).not.toContain('access grant');
    expect(t.oms.task(id)!.status).toBe(2);

    const missing = await call('GET', '/api/v1/resources/999999999999999', viewer);
    expect(missing.status).toBe(404);
    validates('/api/v1/resources/{ref}', 'get', 404, missing.body);

    const paused = await call('POST', `/api/v1/resources/${id}/pause`, operator);
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    validates('/api/v1/resources/{ref}/pause', 'post', 200, paused.body);
    expect([3, 7]).toContain(t.oms.task(id)!.status);
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(
      audit.some((e) => e.user === 'token:ci-operator' && e.action === 'pause' && e.result === 'ok'),
    ).toBe(true);
    await cycles(1);
  });

  it("gives a token of one workspace nothing of another's", async () => {
    const id = await runningWatched('team-a-copy');
    const mine = await addToken('team-a viewer');
    // Workspace B's admin made this one (one Slack workspace per bot here: made in its store).
    const made = await stateIn<ApiState>(t.bot.deps, api).tokens.add('T0OTHER01', {
      name: 'team-b',
      role: 'operator',
      createdBy: 'U0BOB0001',
      createdAt: clock.now(),
    });
    const theirs = made!.secret;
    expect((await stateIn<ApiState>(t.bot.deps, api).tokens.verify(theirs, clock.now()))?.team).toBe(
      'T0OTHER01',
    );
    const listed = await call('GET', '/api/v1/resources', theirs);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    for (const [method, path] of [
      ['GET', `/api/v1/resources/${id}`],
      ['GET', `/api/v1/resources/hw-prod:${id}`],
      ['POST', `/api/v1/resources/hw-prod:${id}/pause`],
    ] as const) {
      const answer = await call(method, path, theirs);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('team-a-copy');
    }
    expect(t.oms.task(id)!.status).toBe(2);
    expect(
      ((await call('GET', '/api/v1/resources', mine)).body.items as { id: string }[]).map((r) => r.id),
    ).toContain(id);
  });

  it('asks for a migration that an approver approves in Slack, created once however often the client retries', async () => {
    await t.ask(`settings approvals <#${APPROVALS}|approvals>`, { channelId: CHANNEL });
    await t.ask(`access grant <@U0APPROVE1|appr> approver`, { channelId: CHANNEL });
    const operator = await addToken(`requester operator <#${CHANNEL}|api>`);
    const viewer = await addToken(`requester-viewer viewer <#${CHANNEL}|api>`);
    const asked = { connection: 'hw-prod', kind: 'task', details: DETAILS };
    const refused = await call('POST', '/api/v1/requests', viewer, asked);
    expect(refused.status).toBe(403);
    validates('/api/v1/requests', 'post', 403, refused.body);
    const since = t.fakeSlack.calls.length;
    const tasksBefore = t.oms.tasks.size;
    const first = await call('POST', '/api/v1/requests', operator, asked, 'nightly-2026-11-27');
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    validates('/api/v1/requests', 'post', 202, first.body);
    expect(first.body.status).toBe('pending');
    // The client retries (its answer was lost): the same request, nothing asked twice.
    const again = await call('POST', '/api/v1/requests', operator, asked, 'nightly-2026-11-27');
    expect(again.body.id).toBe(first.body.id);
    const posted = await postedApproval(t, { team: 'T0FAKE001', channel: APPROVALS }, since);
    expect(posted.id).toBe(first.body.id);
    expect(
      t.fakeSlack.calls
        .slice(since)
        .filter((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS),
    ).toHaveLength(1);
    expect(await decideApproval(t, ix, { ...posted, channel: APPROVALS }, 'approve', 'U0APPROVE1')).toContain(
      'Approved',
    );
    const polled = await call('GET', String(first.body.poll), viewer);
    expect(polled.status).toBe(200);
    validates('/api/v1/requests/{id}', 'get', 200, polled.body);
    expect(polled.body).toMatchObject({
      status: 'approved',
      resource: { connection: 'hw-prod', kind: 'task' },
    });
    expect(t.oms.tasks.size).toBe(tasksBefore + 1);
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(
      audit.some(
        (e) =>
          e.user === 'U0ALICE01' &&
          e.action === 'create.request' &&
          /API token requester/.test(e.detail ?? ''),
      ),
    ).toBe(true);
  });

  it('refuses a revoked or expired token', async () => {
    const token = await addToken('short-lived viewer');
    expect((await call('GET', '/api/v1/resources', token)).status).toBe(200);
    await t.ask('token revoke short-lived', { channelId: CHANNEL });
    expect((await call('GET', '/api/v1/resources', token)).status).toBe(401);
    const later = await addToken('expiring viewer');
    clock.advance(91 * 86_400_000);
    expect((await call('GET', '/api/v1/resources', later)).status).toBe(401);
  });
});

describe('the CLI', () => {
  async function cli(
    argv: string[],
    token: string | undefined,
    onWait: () => void | Promise<void> = () => undefined,
  ) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: token ? { MIGRATE_BOT_URL: t.url, MIGRATE_BOT_TOKEN: token } : {},
      wait: async () => onWait(),
      readFile: () => {
        throw new Error('no file');
      },
    });
    return { code, out, err };
  }

  it('prints JSON that parses, and exits with the documented codes', async () => {
    const id = await runningWatched('cli-copy');
    const viewer = await addToken('cli-viewer viewer');
    const listed = await cli(['list', '--json'], viewer);
    expect(listed.code).toBe(EXIT.ok);
    expect((JSON.parse(listed.out[0]!) as { items: { id: string }[] }).items.map((r) => r.id)).toContain(id);
    expect((await cli(['status', id], viewer)).out[0]).toContain('cli-copy');
    expect((await cli(['pause', id], viewer)).code).toBe(EXIT.forbidden);
    expect((await cli(['status', '999999999999999'], viewer)).code).toBe(EXIT.notFound);
    expect((await cli(['list'], 'mbt_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).code).toBe(
      EXIT.unauthorized,
    );
    expect((await cli(['list'], undefined)).code).toBe(EXIT.usage);
    expect((await cli(['frobnicate'], viewer)).code).toBe(EXIT.usage);
    const failed = await cli(['pause', id, '--json'], viewer);
    expect(JSON.parse(failed.err[0]!)).toMatchObject({ exit: EXIT.forbidden });
  });

  it('watches a migration until it ends', async () => {
    const id = await runningWatched('cli-watched');
    const viewer = await addToken('cli-watcher viewer');
    let polls = 0;
    const watched = await cli(['watch', id, '--json'], viewer, async () => {
      polls++;
      if (polls === 2) t.oms.task(id)!.status = 5;
      await cycles(1);
    });
    expect(watched.code).toBe(EXIT.ok);
    expect(watched.out.map((l) => (JSON.parse(l) as { state: string }).state)).toEqual([
      'running',
      'succeeded',
    ]);
  });
});

describe('token rate limits', () => {
  it('answers 429 with Retry-After past 60 calls a minute, nothing done, and lets calls through again after', async () => {
    const viewer = await addToken('rate-viewer viewer');
    for (let i = 0; i < 60; i++) expect((await call('GET', '/api/v1/resources', viewer)).status).toBe(200);
    const response = await fetch(`${t.url}/api/v1/resources`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(65);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(String(problem.detail)).toContain('60 requests');
    validates('/api/v1/resources', 'get', 429, problem);
    // Another token of the workspace has its own rate.
    expect((await call('GET', '/api/v1/resources', await addToken('rate-other viewer'))).status).toBe(200);
    clock.advance(retryAfter * 1000);
    expect((await call('GET', '/api/v1/resources', viewer)).status).toBe(200);
  });
});

describe('windows and plans over the API', () => {
  it('lists the time windows and the plans, shows one plan, each answer as documented', async () => {
    await t.ask('window add hw-prod daily 22:00-23:00 UTC as nightly', { channelId: CHANNEL });
    const made = messageText(await t.ask('plan new api-plan', { channelId: CHANNEL }));
    const viewer = await addToken('plans-viewer viewer');
    const windows = await call('GET', '/api/v1/windows', viewer);
    expect(windows.status).toBe(200);
    expect((windows.body.items as { name: string }[]).map((w) => w.name)).toContain('nightly');
    validates('/api/v1/windows', 'get', 200, windows.body);
    const plans = await call('GET', '/api/v1/plans', viewer);
    expect(plans.status).toBe(200);
    const plan = (plans.body.items as { id: string; name: string }[]).find((p) => p.name === 'api-plan');
    expect(plan, made).toBeDefined();
    validates('/api/v1/plans', 'get', 200, plans.body);
    const one = await call('GET', `/api/v1/plans/${plan!.id}`, viewer);
    expect(one.body).toMatchObject({ id: plan!.id, name: 'api-plan' });
    validates('/api/v1/plans/{id}', 'get', 200, one.body);
    const missing = await call('GET', '/api/v1/plans/pnothere', viewer);
    expect(missing.status).toBe(404);
    validates('/api/v1/plans/{id}', 'get', 404, missing.body);
    expect((await call('GET', '/api/v1/plans')).status).toBe(401);
  });
});
