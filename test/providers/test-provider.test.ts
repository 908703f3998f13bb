import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import { registerProvider } from '../../src/providers/registry.js';
import { blockIds, ConnectBot } from '../harness/connect-bot.js';
import {
  Interactions,
  responseActionProblems,
  type ShownView,
  ViewTracker,
} from '../harness/interactions.js';
import { buttons, messageText } from '../harness/test-bot.js';
import { until } from '../harness/until.js';
import { JOBS, TEST_TOKEN, testProviderDefinition } from './test-provider/definition.js';

// The proof of the provider seam: a provider that exists only in the test tree, added with one
// folder and this one line, gets a connect form, a create form, an approval, a card and a list.
registerProvider(testProviderDefinition);

type Json = Record<string, unknown>;
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const APPROVALS = 'C0APPROVE';
const TEAM = 'T0FAKE001';

const c = new ConnectBot();
const t = c.t;
const ix = new Interactions(t);
let views: ViewTracker;

beforeAll(async () => {
  await c.start();
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
});
afterAll(async () => {
  views?.stop();
  await c.stop();
});

describe('a provider added in the test tree with one folder and one registry line', () => {
  it('gets a connect form from its definition that validates, tests and saves the connection', async () => {
    const view = await c.openConnect('connect test-provider');
    expect(blockIds(view)).toEqual(
      expect.arrayContaining(['name', 'provider', 'endpoint.test-provider', 'region', 'api_token']),
    );
    // One sign-in method: no "Sign in with" select; the default endpoint is pre-filled.
    expect(blockIds(view)).not.toContain('auth_type.test-provider');
    expect(JSON.stringify(view)).toContain('https://api.test-provider.example');
    const bad = await c.submit(view, {
      name: 'tp-one',
      provider: 'test-provider',
      'endpoint.test-provider': 'https://evil.example',
      region: 'nowhere',
      api_token: 'short',
    });
    expect(bad.body?.response_action).toBe('errors');
    expect(Object.keys((bad.body?.errors ?? {}) as Json).sort()).toEqual(
      ['api_token', 'endpoint.test-provider', 'region'].sort(),
    );
    expect(JSON.stringify(bad.body?.errors)).toContain('A region looks like eu-1.');
    const saved = await c.submit(view, {
      name: 'tp-one',
      provider: 'test-provider',
      'endpoint.test-provider': 'https://api.test-provider.example',
      region: 'eu-1',
      api_token: TEST_TOKEN,
    });
    expect(saved.body?.response_action).toBe('update');
    expect(JSON.stringify(saved.body?.view)).toContain('Tested and saved');
    expect(JSON.stringify(saved.body?.view)).not.toContain(TEST_TOKEN);
    expect(messageText(await t.ask('connections'))).toContain('Test Provider');
  });

  it('gets a create form that opens, validates inline and submits through the approval', async () => {
    const before = views.shown.length;
    await t.command('create tp', { userId: OPERATOR });
    const form: ShownView = await t.fakeSlack.waitFor(() =>
      views.shown.slice(before).find((v) => v.view.callback_id === 'migrate_create.form'),
    );
    expect((form.view.title as Json).text).toBe('New test job');
    const bad = await ix.submit(form, { job_name: 'X!', bucket: 'b', speed: 'fast' }, { userId: OPERATOR });
    expect(bad.body?.response_action).toBe('errors');
    expect(Object.keys(bad.body?.errors as Json)).toEqual(['job_name']);
    expect(responseActionProblems(bad.body!, form.view)).toEqual([]);

    const since = t.fakeSlack.calls.length;
    const ok = await ix.submit(
      form,
      { job_name: 'nightly-copy', bucket: 'photos', speed: 'fast' },
      { userId: OPERATOR },
    );
    expect(ok.body).toBeUndefined();
    const post = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls
        .slice(since)
        .find((call) => call.method === 'chat.postMessage' && call.body.channel === APPROVALS),
    );
    expect(messageText(post.body)).toContain('Test job');
    const approve = buttons(post.body).find((b) => b.action_id === 'approval.approve')!;
    const record = await until(
      async () => {
        const stored = await approvalsOf(t.bot.deps).get(TEAM, approve.value);
        return stored.message && stored;
      },
      { what: 'the approval record’s message ts', everyMs: 20 },
    );
    const click = await ix.clickMessage(
      {
        actionId: 'approval.approve',
        value: approve.value,
        channelId: APPROVALS,
        messageTs: record.message!.ts,
        responseUrl: t.fakeSlack.responseUrl('tp-approve'),
      },
      { userId: APPROVER },
    );
    expect(click.status).toBe(200);
    expect(String((await t.answer('tp-approve')).text)).toContain('Created `tp-one:tj-1`');
    expect(JOBS.get('tp-one')?.map((j) => j.name)).toEqual(['nightly-copy']);
  });

  it('gets a card and a list', async () => {
    const list = messageText(await t.ask('list tp-one'));
    expect(list).toContain('nightly-copy');
    const card = await t.ask('status tp-one:tj-1');
    expect(messageText(card)).toContain('nightly-copy');
    expect(
      buttons(card)
        .map((b) => b.action_id)
        .join(' '),
    ).toMatch(/pause/);
  });
});
