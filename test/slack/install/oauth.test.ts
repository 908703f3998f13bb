import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { BOT_SCOPES } from '../../../src/config.js';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { OAUTH_STATE_TTL_MS, SignedStateStore } from '../../../src/slack/oauth-state-store.js';
import { LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { finishInstall, OAUTH_STATE_SECRET, oauthEnv, startInstall } from '../../harness/oauth-install.js';
import { messageText, omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { type OpenedView, postViewSubmission } from '../../harness/views.js';
import { workspaceCommand } from '../../harness/workspace-command.js';

const TEAM_A = 'T0FAKE001';
const TEAM_B = 'T0TEAMB01';
const TEAM_C = 'T0TEAMC01';
const TEAM_D = 'T0TEAMD01';
const TEAM_E = 'T0TEAME01';
const ORG = 'E0ORG0001';
const ORG_WORKSPACE = 'T0ORGWS01';
const KEY = generateKey();
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const AK = 'HWOAUTHACCESSKEY0001';
const SK = 'hw-oauth-secret-key-00000000000000000001';

const t = new TestBot();
const oms = new OmsSimulator({ projectId: PROJECT, keys: { [AK]: SK } });

beforeAll(async () => {
  await oms.start();
  await t.start({
    env: { ...oauthEnv(t.fakeSlack, KEY), MIGRATE_BOT_ALLOWED_ENDPOINTS: oms.url },
    // With OAuth, a file connection must name its workspace.
    connections: (url) => [omsConnection('hw-file-a', url, { team: TEAM_A })],
  });
});
afterAll(async () => {
  await t.stop();
  await oms.stop();
});

/** Walks the browser part of an install: /slack/install, Slack's consent (a code), the redirect. */
async function install(grant: Parameters<TestBot['fakeSlack']['oauth']['grant']>[0]) {
  const page = await fetch(`${t.url}/slack/install`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const cookie = page.headers.get('set-cookie') ?? '';
  const authorize = new URL(
    /href="([^"]+oauth\/v2\/authorize[^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'),
  );
  expect(authorize.searchParams.get('client_id')).toBe(t.fakeSlack.oauth.clientId);
  expect(authorize.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
  const state = authorize.searchParams.get('state')!;
  const code = t.fakeSlack.oauth.grant(grant);
  const redirect = await fetch(
    `${t.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`,
    {
      headers: { cookie: cookie.split(';')[0]! },
      redirect: 'manual',
    },
  );
  return { status: redirect.status, html: await redirect.text() };
}

async function ask(text: string, teamId: string, org?: string) {
  const responseId = `oauth-${Math.random().toString(36).slice(2)}`;
  const http = await workspaceCommand(t, t.fakeSlack, {
    text,
    teamId,
    responseId,
    org,
    triggerId: '1337.42.abcdef',
  });
  return { http, responseId };
}

async function answered(text: string, teamId: string, org?: string) {
  const { http, responseId } = await ask(text, teamId, org);
  expect(http.status).toBe(200);
  return t.answer(responseId);
}

describe('OAuth distribution', () => {
  it('installs a workspace: /slack/install, the redirect, the installation stored encrypted by team id', async () => {
    const result = await install({ teamId: TEAM_A, userId: 'U0ALICE01' });
    expect(result.status).toBe(200);
    expect(result.html).toContain('Thank you!');
    const record = await t.bot.deps.store.get<Record<string, unknown>>(`installation:team:${TEAM_A}`);
    expect(record).toMatchObject({ v: 1, teamId: TEAM_A, isEnterpriseInstall: false });
    const installation = await t.bot.deps.slack.clients.installations!.fetchInstallation({
      teamId: TEAM_A,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    const token = installation.bot!.token;
    expect(token).toMatch(/^xoxb-T0FAKE001-/);
    expect(JSON.stringify(record)).not.toContain(token);
    expect(t.logs.lines.join('\n')).not.toContain(token);
  });

  it('refuses a redirect without the state cookie (CSRF)', async () => {
    const code = t.fakeSlack.oauth.grant({ teamId: TEAM_C, userId: 'U0ALICE01' });
    const redirect = await fetch(`${t.url}/slack/oauth_redirect?code=${code}&state=forged`);
    expect(redirect.status).toBe(400);
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_C}`)).toBeUndefined();
  });

  it('a state is single-use: replayed with its cookie and another code, it is refused and installs nothing', async () => {
    const start = await startInstall(t.url);
    const first = await finishInstall(
      t.url,
      start,
      t.fakeSlack.oauth.grant({ teamId: TEAM_D, userId: 'U0ALICE01' }),
    );
    expect(first.status).toBe(200);
    const replay = await finishInstall(
      t.url,
      start,
      t.fakeSlack.oauth.grant({ teamId: TEAM_E, userId: 'U0ALICE01' }),
    );
    expect(replay.status).toBe(400);
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_D}`)).toBeDefined();
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_E}`)).toBeUndefined();
  });

  it('the state store: valid 10 minutes, and one of two racing redirects with the same state wins', async () => {
    const states = new SignedStateStore(OAUTH_STATE_SECRET, new LocalAtomicKv(new MemoryStore(), 'state:'));
    const at = new Date('2030-01-01T00:00:00Z');
    const options = { scopes: ['commands'] };
    const late = await states.generateStateParam(options, at);
    await expect(
      states.verifyStateParam(new Date(at.getTime() + OAUTH_STATE_TTL_MS + 1), late),
    ).rejects.toThrow(/expired/);
    const state = await states.generateStateParam(options, at);
    const racing = await Promise.allSettled([
      states.verifyStateParam(new Date(at.getTime() + OAUTH_STATE_TTL_MS), state),
      states.verifyStateParam(new Date(at.getTime() + OAUTH_STATE_TTL_MS), state),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await expect(states.verifyStateParam(at, 'never-issued')).rejects.toThrow(/not issued by this app/);
  });

  it('answers an installed workspace with its own token; an unknown workspace gets nothing', async () => {
    const answer = await answered('help', TEAM_A);
    expect(messageText(answer)).toContain('hw-file-a');
    const client = await t.bot.deps.slack.clients.forTeam(TEAM_A, 'background');
    expect(client.token).toMatch(/^xoxb-T0FAKE001-/);
    const posted = t.fakeSlack.calls.filter((c) => c.token?.startsWith('xoxb-T0FAKE001-'));
    expect(posted.length).toBeGreaterThan(0); // users.info for the role check, with A's token

    const { http, responseId } = await ask('help', TEAM_C);
    expect(http.status).toBe(200);
    await t.settled();
    expect(t.fakeSlack.responsesTo(responseId)).toEqual([]);
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_C)).rejects.toThrow(
      /No installation for workspace T0TEAMC01/,
    );
  });

  it('rotation: a token within 2 h of expiry is refreshed once, even by concurrent callers, and saved', async () => {
    await install({ teamId: TEAM_B, userId: 'U0ALICE01', expiresInSeconds: 3600 });
    const before = t.fakeSlack.oauth.refreshes;
    const clients = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.bot.deps.slack.clients.forTeam(TEAM_B, i % 2 === 0 ? 'background' : 'interactive'),
      ),
    );
    expect(t.fakeSlack.oauth.refreshes - before).toBe(1);
    const tokens = new Set(clients.map((c) => c.token));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    expect(token).toMatch(/^xoxe\.xoxb-T0TEAMB01-/);
    const saved = await t.bot.deps.slack.clients.installations!.fetchInstallation({
      teamId: TEAM_B,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(saved.bot?.token).toBe(token);
    expect(saved.bot?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 11 * 3600);
    // Incoming requests are authorized through the same path: no second refresh, the fresh token works.
    expect(messageText(await answered('help', TEAM_B))).toContain('migrate-bot help');
    expect(t.fakeSlack.oauth.refreshes - before).toBe(1);
    expect(t.logs.lines.join('\n')).not.toContain(token);
  });

  it('org-wide install: keyed by enterprise id, found for a workspace of the org', async () => {
    await install({
      teamId: ORG_WORKSPACE,
      enterpriseId: ORG,
      isEnterpriseInstall: true,
      userId: 'U0ALICE01',
    });
    expect(await t.bot.deps.store.get(`installation:enterprise:${ORG}`)).toMatchObject({
      isEnterpriseInstall: true,
    });
    expect(messageText(await answered('help', ORG_WORKSPACE, ORG))).toContain('migrate-bot help');
    // Background work knows only the workspace id.
    const client = await t.bot.deps.slack.clients.forTeam(ORG_WORKSPACE, 'background');
    expect(client.token).toMatch(/^xoxb-T0ORGWS01-/);
  });

  it('workspace B never sees or acts on workspace A connections (file or stored)', async () => {
    // A adds a connection from Slack.
    const before = t.fakeSlack.callsTo('views.open').length;
    await answered('connect', TEAM_A).catch(() => undefined);
    const open = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[before]);
    expect(open.token).toMatch(/^xoxb-T0FAKE001-/);
    const view = { ...(open.body.view as OpenedView), id: 'V0OAUTH01' };
    const ack = await postViewSubmission(
      t.eventsUrl,
      SIGNING_SECRET,
      view,
      {
        name: 'hw-a',
        'endpoint.huawei-oms': oms.url,
        project_id: PROJECT,
        access_key: AK,
        secret_key: SK,
      },
      { teamId: TEAM_A },
    );
    expect(ack.body?.response_action).toBe('update');
    expect(messageText(await answered('connections', TEAM_A))).toMatch(/hw-file-a[\s\S]*hw-a/);

    const seenByB = messageText(await answered('connections', TEAM_B));
    expect(seenByB).not.toContain('hw-a');
    expect(seenByB).toContain('no connections yet');
    expect(messageText(await answered('status hw-a:123456', TEAM_B))).toContain('No connection named "hw-a"');
    expect(messageText(await answered('disconnect hw-a', TEAM_B))).toContain('No connection named "hw-a"');
    expect(messageText(await answered('disconnect hw-file-a', TEAM_B))).toContain(
      'No connection named "hw-file-a"',
    );
    const stored = String(await t.bot.deps.store.get(`state:connections:${TEAM_A}`));
    expect(stored).toContain('hw-a');
    expect(stored).not.toContain(SK);
    expect(await t.bot.deps.store.get(`state:connections:${TEAM_B}`)).toBeUndefined();
  });

  it('app_uninstalled and tokens_revoked delete the installation', async () => {
    expect((await t.event({ type: 'app_uninstalled' }, TEAM_B)).status).toBe(200);
    await expect.poll(() => t.bot.deps.store.get(`installation:team:${TEAM_B}`)).toBeUndefined();
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_B)).rejects.toThrow(/No installation/);

    await install({ teamId: TEAM_C, userId: 'U0ALICE01' });
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_C}`)).toBeDefined();
    await t.event({ type: 'tokens_revoked', tokens: { oauth: ['U0ALICE01'] } }, TEAM_C);
    await t.settled();
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_C}`)).toBeDefined(); // user tokens only: kept
    await t.event({ type: 'tokens_revoked', tokens: { bot: ['B0FAKE001'] } }, TEAM_C);
    await expect.poll(() => t.bot.deps.store.get(`installation:team:${TEAM_C}`)).toBeUndefined();
  });

  it('the manifest subscribes to the uninstall events and asks for the scopes the install URL asks for', () => {
    const manifest = parseYaml(readFileSync('manifest.yml', 'utf8')) as {
      oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config.redirect_urls[0]).toMatch(/\/slack\/oauth_redirect$/);
  });
});
