import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockIds, ConnectBot, STORED } from '../harness/connect-bot.js';
import { buttons, messageText } from '../harness/test-bot.js';
import { modalLimitProblems, type OpenedView, type ViewAck } from '../harness/views.js';

const c = new ConnectBot();
const t = c.t;
const ADMIN = 'U0ALICE01';
const VIEWER = 'U0VIEW001';
const TEAM_B = 'T0TEAMB01';

beforeAll(async () => {
  await c.start();
});
afterAll(async () => {
  await c.stop();
});
beforeEach(() => {
  c.oms.faults.reset();
  c.ncp.faults.reset();
  c.upcloud.faults.reset();
});

/** The inline errors of an ack (fails the test when the ack is not `response_action: errors`). */
function errorsOf(ack: ViewAck): Record<string, string> {
  expect(ack.body?.response_action).toBe('errors');
  return (ack.body?.errors ?? {}) as Record<string, string>;
}

function initialValue(view: OpenedView, blockId: string): string | undefined {
  const block = view.blocks?.find((b) => b.block_id === blockId);
  return (block?.element as { initial_value?: string } | undefined)?.initial_value;
}

/** Every modal the bot sent so far stays within Slack's limits and never carries a secret. */
function assertModalsClean(): void {
  for (const call of [...t.fakeSlack.callsTo('views.open'), ...t.fakeSlack.callsTo('views.update')]) {
    const view = call.body.view as OpenedView;
    expect(modalLimitProblems(view)).toEqual([]);
    const text = JSON.stringify(view);
    for (const secret of Object.values(STORED).filter((s) => /secret|Pa55|token_/.test(s)))
      expect(text).not.toContain(secret);
  }
}

async function disconnect(name: string, who: { userId?: string; teamId?: string } = {}) {
  const prompt = await t.ask(`disconnect ${name}`, who);
  const button = buttons(prompt).find((b) => b.action_id === 'connection.disconnect');
  if (!button) throw new Error(`no Disconnect button: ${messageText(prompt)}`);
  const click = await t.click(button.action_id, button.value, who);
  return click.answer();
}

describe('/migrate connect: the modal', () => {
  it('opens with the command trigger_id, for admins only, within Slack limits', async () => {
    const view = await c.openConnect('connect');
    expect(view.callback_id).toBe('connection.connect');
    expect(view.title).toEqual({ type: 'plain_text', text: 'Add a connection' });
    expect(blockIds(view)).toEqual(
      expect.arrayContaining([
        'name',
        'provider',
        'endpoint.huawei-oms',
        'project_id',
        'access_key',
        'secret_key',
      ]),
    );
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ v: 1, c: 'C0FAKE001' });
    const refused = await t.ask('connect', { userId: VIEWER });
    expect(messageText(refused)).toContain(
      'You need the admin role for the whole workspace to add connections',
    );
    expect(messageText(await t.ask('connect gcp'))).toContain('Unknown provider "gcp"');
    assertModalsClean();
  });

  it('redraws for the chosen provider and sign-in method, with the provider default endpoint', async () => {
    const view = await c.openConnect('connect huawei-oms');
    const ncp = await c.select(view, 'provider', 'ncp', { name: 'x' });
    expect(blockIds(ncp)).toEqual(
      expect.arrayContaining(['endpoint.ncp', 'region', 'access_key', 'secret_key']),
    );
    expect(blockIds(ncp)).not.toContain('dst_name');
    expect(initialValue(ncp, 'endpoint.ncp')).toBe('https://objectmigration.apigw.ntruss.com');
    const iam = await c.select(view, 'auth_type.huawei-oms', 'token');
    expect(blockIds(iam)).toEqual(
      expect.arrayContaining(['iam_endpoint', 'iam_user', 'iam_password', 'iam_domain']),
    );
    expect(blockIds(iam)).not.toContain('secret_key');
    const upcloud = await c.openConnect('connect upcloud');
    const basic = await c.select(upcloud, 'auth_type.upcloud', 'basic');
    expect(blockIds(basic)).toEqual(expect.arrayContaining(['service_id', 'username', 'password']));
    assertModalsClean();
  });
});

describe('/migrate connect: validation errors inline', () => {
  it('empty form: every required field says what to enter', async () => {
    const view = await c.openConnect();
    const ack = await c.submit(view, { 'endpoint.huawei-oms': '' });
    expect(ack.status).toBe(200);
    expect(ack.body?.response_action).toBe('errors');
    const errors = errorsOf(ack);
    expect(Object.keys(errors).sort()).toEqual(
      ['access_key', 'endpoint.huawei-oms', 'name', 'project_id', 'secret_key'].sort(),
    );
    expect(errors.name).toBe('Enter the connection name.');
    for (const id of Object.keys(errors)) expect(blockIds(view)).toContain(id);
  });

  it('bad values: name, project id, access key, endpoint (SSRF), storage credentials', async () => {
    const view = await c.openConnect();
    const ack = await c.submit(view, {
      name: 'Prod Account',
      'endpoint.huawei-oms': 'http://169.254.169.254/latest/meta-data',
      project_id: 'not a project',
      access_key: 'has spaces',
      secret_key: 'short',
      src_access_key: STORED.srcAk,
      src_gcs_json: '{"type": "user"}',
      dst_name: 'Bad Name',
    });
    const errors = errorsOf(ack);
    expect(errors.name).toMatch(/lowercase letters, digits/);
    expect(errors['endpoint.huawei-oms']).toMatch(/https:\/\//);
    expect(errors.project_id).toMatch(/1 to 1,024 .* without spaces/);
    expect(errors.access_key).toMatch(/letters and digits only/);
    expect(errors.secret_key).toMatch(/at least 8 characters/);
    expect(errors.src_name).toMatch(/Name the source credential/);
    expect(errors.src_gcs_json).toMatch(/either the access key pair or the Google JSON|service-account/);
    expect(errors.dst_name).toMatch(/lowercase/);
    expect(errors.dst_access_key).toMatch(/destination access key/);
  });

  it('NCP and UpCloud fields: region code, service UUID, token, basic credentials', async () => {
    const ncp = errorsOf(
      await c.submit(await c.openConnect('connect ncp'), {
        name: 'ncp-x',
        region: 'korea',
        access_key: STORED.ncpAk,
      }),
    );
    expect(ncp.region).toMatch(/2 to 8 capital letters/);
    expect(ncp.secret_key).toBe('Enter the secret key.');
    expect(ncp['endpoint.ncp']).toBeUndefined(); // the default endpoint is pre-filled
    const up = errorsOf(
      await c.submit(await c.openConnect('connect upcloud'), {
        name: 'up-x',
        service_id: 'not-a-uuid',
        api_token: 'short',
      }),
    );
    expect(up.service_id).toMatch(/service UUID looks like/);
    expect(up.api_token).toMatch(/at least 16 characters/);
    const basic = await c.select(await c.openConnect('connect upcloud'), 'auth_type.upcloud', 'basic');
    const errors = errorsOf(
      await c.submit(basic, {
        name: 'up-y',
        service_id: STORED.upcloudService,
        'auth_type.upcloud': 'basic',
        username: STORED.upcloudUser,
      }),
    );
    expect(errors).toEqual({ password: 'Enter the API password.' });
  });

  it('refuses a host that is not the provider, with the allow-list named', async () => {
    const view = await c.openConnect('connect upcloud');
    const ack = await c.submit(view, {
      name: 'up-evil',
      'endpoint.upcloud': 'https://api.upcloud.com.evil.example',
      service_id: STORED.upcloudService,
      api_token: STORED.upcloudToken,
    });
    expect(errorsOf(ack)['endpoint.upcloud']).toMatch(/not a upcloud host.*MIGRATE_BOT_ALLOWED_ENDPOINTS/);
  });

  it('IAM sign-in: the IAM endpoint is guarded too', async () => {
    const view = await c.select(await c.openConnect(), 'auth_type.huawei-oms', 'token');
    const ack = await c.submit(view, {
      name: 'hw-iam-bad',
      'endpoint.huawei-oms': c.oms.url,
      project_id: STORED.omsProjectId,
      'auth_type.huawei-oms': 'token',
      iam_endpoint: 'http://10.0.0.1:8080',
      iam_user: STORED.iamUser,
      iam_password: STORED.iamPassword,
      iam_domain: STORED.iamDomain,
    });
    expect(errorsOf(ack).iam_endpoint).toMatch(/https:\/\//);
  });

  it('a viewer submitting the form (e.g. demoted meanwhile) is refused', async () => {
    const view = await c.openConnect();
    const ack = await c.submit(view, c.omsValues('hw-sneaky'), { userId: VIEWER });
    expect(errorsOf(ack).name).toMatch(/admin role/);
    expect(messageText(await t.ask('connections'))).not.toContain('hw-sneaky');
  });
});

describe('/migrate connect: the connection test', () => {
  it('wrong secret key: the provider code, what it means and the fix, on the secret key field', async () => {
    const view = await c.openConnect();
    const ack = await c.submit(view, {
      ...c.omsValues('hw-wrong'),
      secret_key: 'wrong-secret-key-0000000000000',
    });
    const errors = errorsOf(ack);
    expect(errors.secret_key).toBe(
      'The provider rejected the access key pair (HTTP 401 APIGW.0301: Incorrect IAM authentication ' +
        'information.) Check the access key and the secret key (spaces at either end count), then submit again.',
    );
    expect(errors.secret_key?.length).toBeLessThanOrEqual(300);
    expect(messageText(await t.ask('connections'))).not.toContain('hw-wrong');
  });

  it('wrong secret key in Korean: in words, never the gateway’s canonical request (issue 39)', async () => {
    const korean = 'U0KOADM01';
    t.fakeSlack.locales.set(korean, 'ko-KR');
    await t.ask(`access grant <@${korean}> admin`);
    const view = await c.openConnect('connect', { userId: korean });
    const errors = errorsOf(
      await c.submit(
        view,
        { ...c.omsValues('hw-wrong-ko'), secret_key: 'wrong-secret-key-1111111111111' },
        { userId: korean },
      ),
    );
    expect(Object.keys(errors)).toEqual(['secret_key']);
    expect(errors.secret_key).toContain('APIGW.0301');
    expect(errors.secret_key).toContain('액세스 키와 비밀 키를 확인한 뒤');
    for (const raw of ['canonicalRequest', '|/v2/', 'verify aksk', 'Incorrect IAM'])
      expect(errors.secret_key).not.toContain(raw);
  });

  it('wrong IAM password: on the password field', async () => {
    const view = await c.select(await c.openConnect(), 'auth_type.huawei-oms', 'token');
    const ack = await c.submit(view, {
      name: 'hw-iam-wrong',
      'endpoint.huawei-oms': c.oms.url,
      project_id: STORED.omsProjectId,
      'auth_type.huawei-oms': 'token',
      iam_endpoint: c.oms.url,
      iam_user: STORED.iamUser,
      iam_password: 'not-the-password-1',
      iam_domain: STORED.iamDomain,
    });
    expect(errorsOf(ack).iam_password).toMatch(/rejected the IAM user/);
  });

  it('an endpoint that does not answer: on the endpoint field', async () => {
    const view = await c.openConnect('connect ncp');
    c.ncp.faults.script({ hangUp: true }, { hangUp: true }, { hangUp: true }, { hangUp: true });
    const before = t.fakeSlack.callsTo('views.update').length;
    const ack = await c.submit(view, {
      name: 'ncp-down',
      'endpoint.ncp': c.ncp.url,
      region: 'KR',
      access_key: STORED.ncpAk,
      secret_key: STORED.ncpSk,
    });
    // Retries with backoff may outlast the ack budget: then the reason arrives with views.update.
    const reason =
      ack.body?.response_action === 'errors'
        ? (ack.body.errors as Record<string, string>)['endpoint.ncp']
        : JSON.stringify(
            (await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.update')[before], 10_000)).body,
          );
    expect(reason).toMatch(/No answer from 127\.0\.0\.1:\d+: check the endpoint/);
  });

  it('saves a working connection: masked confirmation, listed with health, usable at once', async () => {
    const view = await c.openConnect();
    const ack = await c.submit(view, c.omsValues('hw-stored'));
    expect(ack.body?.response_action).toBe('update');
    const confirmation = JSON.stringify(ack.body);
    expect(confirmation).toContain('Tested and saved');
    expect(confirmation).toContain('hw-stored');
    expect(confirmation).toContain('••••••');
    expect(confirmation).toContain('aws-src');
    expect(confirmation).not.toContain(STORED.omsSk);
    expect(modalLimitProblems(ack.body?.view as OpenedView)).toEqual([]);

    const list = await t.ask('connections');
    const text = messageText(list);
    expect(text).toContain('hw-stored');
    expect(text).toContain('added from Slack by <@U0ALICE01>');
    expect(text).toContain('source `aws-src`, destination `obs-dst`');
    expect(text).toContain('connections file (configured as code)');
    const section = (list.blocks as { text?: { text: string } }[])
      .map((b) => b.text?.text ?? '')
      .find((line) => line.includes('`hw-stored`'));
    expect(section).toContain(':large_green_circle: ok');
    expect(text).not.toContain(STORED.omsAk);

    c.oms.addTask({ id: '777700000000001', name: 'stored-task', status: 3 });
    expect(messageText(await t.ask('status hw-stored:777700000000001'))).toContain('stored-task');
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(audit.some((e) => e.action === 'connect' && e.target === 'hw-stored' && e.result === 'ok')).toBe(
      true,
    );
    expect(
      audit.some((e) => e.action === 'connect' && e.target === 'hw-wrong' && e.result === 'refused'),
    ).toBe(true);
  });

  it('refuses a name that is taken, by a stored or a file connection', async () => {
    const view = await c.openConnect();
    expect(errorsOf(await c.submit(view, c.omsValues('hw-stored'))).name).toMatch(
      /already has a connection named hw-stored/,
    );
    expect(errorsOf(await c.submit(view, c.omsValues('hw-prod'))).name).toMatch(/configured as code/);
  });

  it('NCP, UpCloud token, UpCloud basic and Huawei IAM connections are tested and saved', async () => {
    const ncp = await c.openConnect('connect ncp');
    const a = await c.submit(ncp, {
      name: 'ncp-kr',
      'endpoint.ncp': c.ncp.url,
      region: 'KR',
      access_key: STORED.ncpAk,
      secret_key: STORED.ncpSk,
      src_name: 'aws-src',
      src_access_key: STORED.srcAk,
      src_secret_key: STORED.srcSk,
    });
    expect(a.body?.response_action).toBe('update');
    const up = await c.openConnect('connect upcloud');
    const b = await c.submit(up, {
      name: 'up-token',
      'endpoint.upcloud': c.upcloud.url,
      service_id: STORED.upcloudService,
      api_token: STORED.upcloudToken,
    });
    expect(b.body?.response_action).toBe('update');
    const basic = await c.select(await c.openConnect('connect upcloud'), 'auth_type.upcloud', 'basic');
    const d = await c.submit(basic, {
      name: 'up-basic',
      'endpoint.upcloud': c.upcloud.url,
      service_id: STORED.upcloudService,
      'auth_type.upcloud': 'basic',
      username: STORED.upcloudUser,
      password: STORED.upcloudPassword,
    });
    expect(d.body?.response_action).toBe('update');
    const wrongToken = await c.submit(up, {
      name: 'up-wrong',
      'endpoint.upcloud': c.upcloud.url,
      service_id: STORED.upcloudService,
      api_token: 'ucat_wrong_token_00000000000000000',
    });
    expect(errorsOf(wrongToken).api_token).toMatch(/rejected these credentials/);
    const iam = await c.select(await c.openConnect(), 'auth_type.huawei-oms', 'token');
    const e = await c.submit(iam, {
      name: 'hw-iam',
      'endpoint.huawei-oms': c.oms.url,
      project_id: STORED.omsProjectId,
      'auth_type.huawei-oms': 'token',
      iam_endpoint: c.oms.url,
      iam_user: STORED.iamUser,
      iam_password: STORED.iamPassword,
      iam_domain: STORED.iamDomain,
    });
    expect(e.body?.response_action).toBe('update');
    const list = messageText(await t.ask('connections'));
    for (const name of ['ncp-kr', 'up-token', 'up-basic', 'hw-iam']) expect(list).toContain(`\`${name}\``);
    expect(list).toContain('username and password');
    expect(list).not.toMatch(/:red_circle:/);
    assertModalsClean();
  });

  it('a check slower than the ack budget: "Testing…" at once, then views.update with the outcome', async () => {
    const view = await c.openConnect('connect upcloud');
    // UpCloud holds every answer until let go: the ack must come back while it still does (an
    // order, not a measured time; an ack that waited for the check would never come).
    c.upcloud.faults.configure({ hold: true });
    const before = t.fakeSlack.callsTo('views.update').length;
    const ack = await c
      .submit(view, {
        name: 'up-slow',
        'endpoint.upcloud': c.upcloud.url,
        service_id: STORED.upcloudService,
        api_token: STORED.upcloudToken,
      })
      .finally(() => c.upcloud.faults.configure({ hold: false }));
    expect(ack.body?.response_action).toBe('update');
    expect(JSON.stringify(ack.body)).toContain('Testing');
    expect(t.fakeSlack.callsTo('views.update')).toHaveLength(before);
    const update = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.update')[before], 10_000);
    expect(update.body.view_id).toBe(view.id);
    expect(JSON.stringify(update.body.view)).toContain('Tested and saved');
    expect(messageText(await t.ask('connections'))).toContain('up-slow');
  });

  it('a slow check that fails: the form comes back with the reason, non-secret fields kept, secrets not', async () => {
    const view = await c.openConnect('connect upcloud');
    c.upcloud.faults.script({ method: 'GET', delayMs: 3_200, status: 401 });
    const before = t.fakeSlack.callsTo('views.update').length;
    await c.submit(view, {
      name: 'up-slow-bad',
      'endpoint.upcloud': c.upcloud.url,
      service_id: STORED.upcloudService,
      api_token: STORED.upcloudToken,
    });
    const update = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.update')[before], 10_000);
    const redrawn = update.body.view as OpenedView;
    expect(JSON.stringify(redrawn)).toContain('The connection test failed');
    expect(initialValue(redrawn, 'name')).toBe('up-slow-bad');
    expect(initialValue(redrawn, 'api_token')).toBeUndefined();
    assertModalsClean();
  });
});

describe('/migrate connections and disconnect', () => {
  it('explains a connection whose credentials stopped working', async () => {
    c.oms.faults.script({ status: 403, body: { error_code: 'OMS.0206', error_msg: 'no permission' } });
    const text = messageText(await t.ask('connections'));
    expect(text).toMatch(/:red_circle: HTTP 403 · OMS\.0206/);
  });

  it('disconnect asks first (danger confirm), then removes, audited', async () => {
    const prompt = await t.ask('disconnect up-basic');
    const [button] = buttons(prompt);
    expect(button).toMatchObject({ action_id: 'connection.disconnect', style: 'danger', text: 'Disconnect' });
    expect(button?.confirm).toMatchObject({ style: 'danger', confirm: { text: 'Disconnect' } });
    expect(messageText(await t.ask('connections'))).toContain('up-basic');
    const done = await t.click(button!.action_id, button!.value);
    const answer = await done.answer();
    expect(messageText(answer)).toContain('Disconnected `up-basic`');
    expect(answer.replace_original).toBe(true);
    expect(messageText(await t.ask('connections'))).not.toContain('up-basic');
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(audit.some((e) => e.action === 'disconnect' && e.target === 'up-basic' && e.result === 'ok')).toBe(
      true,
    );
  });

  it('file connections are read-only; viewers cannot disconnect; unknown names say so', async () => {
    expect(messageText(await t.ask('disconnect hw-prod'))).toContain(
      'configured as code: edit the connections file',
    );
    expect(messageText(await t.ask('disconnect up-token', { userId: VIEWER }))).toContain(
      'You need the admin role for the whole workspace to remove connections',
    );
    expect(messageText(await t.ask('disconnect nope'))).toContain('No connection named "nope"');
    // A stale button (already disconnected) does not remove anything else.
    const again = await t.click('connection.disconnect', JSON.stringify({ n: 'up-basic' }));
    expect(messageText(await again.answer())).toContain('No connection named "up-basic"');
  });
});

describe('workspaces are isolated', () => {
  it('workspace B cannot see or act on workspace A connections', async () => {
    const b = { teamId: TEAM_B, userId: ADMIN };
    const list = messageText(await t.ask('connections', b));
    expect(list).not.toContain('hw-stored');
    expect(list).toContain('hw-prod'); // the file connection has no team: shared by design
    expect(messageText(await t.ask('status hw-stored:777700000000001', b))).toContain(
      'No connection named "hw-stored"',
    );
    expect(messageText(await t.ask('disconnect hw-stored', b))).toContain('No connection named "hw-stored"');
    const click = await t.click('connection.disconnect', JSON.stringify({ n: 'hw-stored' }), b);
    expect(messageText(await click.answer())).toContain('No connection named "hw-stored"');
    const refresh = await t.click(
      'resource.refresh',
      JSON.stringify({ c: 'hw-stored', k: 'task', id: '777700000000001' }),
      b,
    );
    expect(messageText(await refresh.answer())).toContain('No connection named "hw-stored"');
    // Still there for A.
    expect(messageText(await t.ask('connections'))).toContain('hw-stored');
    // B may use the same name for its own connection.
    const view = await c.openConnect('connect', b);
    const ack = await c.submit(view, c.omsValues('hw-stored'), b);
    expect(ack.body?.response_action).toBe('update');
    expect(await disconnect('hw-stored', b)).toBeDefined();
    expect(messageText(await t.ask('connections'))).toContain('hw-stored');
  });
});
