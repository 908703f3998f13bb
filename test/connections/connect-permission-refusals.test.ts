import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { checkErrors } from '../../src/capabilities/connections/connection-check-errors.js';
import { classifyCode } from '../../src/catalogue/code-classes.js';
import { ErrorCode, ProviderError } from '../../src/errors.js';
import { translatorFor } from '../../src/i18n/translator.js';
import { CREDENTIAL_CODES, classifyOmsError } from '../../src/providers/huawei-oms/errors.js';
import { ConnectBot, ENCRYPTION_KEY } from '../harness/connect-bot.js';

// Seed 002 §6.2 files 401 S3M.0053 "Task query failed due to invalid parameters or insufficient
// permissions" and 403 OMS.0206 under permissions, not credentials: the keys were accepted, the account
// may not do this. The connect form must say "permission", on the field naming the account (the
// access key id, the IAM user), not "refused" on the Endpoint field nor "rejected the keys".

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const AK = 'HWNOPERMISSIONKEY001';
const SK = 'hw-no-permission-secret-key-000000000001';
const sim = new OmsSimulator({ projectId: PROJECT, keys: { [AK]: SK }, permissions: { [AK]: 'none' } });
const c = new ConnectBot();

beforeAll(async () => {
  await sim.start();
  await c.start({
    env: { MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${ENCRYPTION_KEY}`, MIGRATE_BOT_ALLOWED_ENDPOINTS: sim.url },
  });
});
afterAll(async () => {
  await c.stop();
  await sim.stop();
});

function values(name: string): Record<string, string> {
  return {
    ...c.omsValues(name),
    'endpoint.huawei-oms': sim.url,
    project_id: PROJECT,
    access_key: AK,
    secret_key: SK,
  };
}

function errorsOf(ack: { body?: Record<string, unknown> }): Record<string, string> {
  return (ack.body?.errors ?? {}) as Record<string, string>;
}

describe('a permission refusal on the connection test (seed 002 §6.2)', () => {
  it('403 OMS.0206 says permission, on the access key field', async () => {
    const ack = await c.submit(await c.openConnect(), values('hw-noperm'));
    const errors = errorsOf(ack);
    expect(Object.keys(errors), JSON.stringify(ack.body)).toEqual(['access_key']);
    expect(errors.access_key).toMatch(/permission/);
    expect(errors.access_key).toContain('HTTP 403 OMS.0206');
    expect(errors.access_key).not.toMatch(/rejected the access key pair/);
  });

  it('401 S3M.0053 says permission too, in every language, not "rejected the keys"', async () => {
    sim.faults.script({
      status: 401,
      body: { error_code: 'S3M.0053', error_msg: 'Task query failed.' },
    });
    const ack = await c.submit(await c.openConnect(), values('hw-s3m'));
    const errors = errorsOf(ack);
    expect(Object.keys(errors)).toEqual(['access_key']);
    expect(errors.access_key).toMatch(/permission/);
    expect(errors.access_key).toContain('S3M.0053');

    const error = new ProviderError(classifyOmsError(401, 'S3M.0053'), {
      provider: 'huawei-oms',
      operation: 'ListTasks',
      httpStatus: 401,
      errorCode: 'S3M.0053',
    });
    const connection = {
      name: 'hw',
      provider: 'huawei-oms',
      endpoint: sim.url,
      projectId: PROJECT,
      auth: { type: 'token', iamEndpoint: sim.url, user: 'u', password: 'p', domain: 'd' },
      storage: {},
    } as const;
    const said = { en: /permission/, ko: /권한/, 'zh-CN': /权限/ } as const;
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const byField = checkErrors(connection, error, translatorFor(locale));
      expect(Object.keys(byField), locale).toEqual(['iam_user']);
      expect(byField.iam_user, locale).toMatch(said[locale]);
    }
  });

  it('APIGW.0303 is what the catalogue files it as: a permission, not the credentials', () => {
    // No seed documents APIGW.0303; the catalogue (classes.json) files it under permissions.
    expect(classifyOmsError(403, 'APIGW.0303')).toBe(ErrorCode.ProviderRequest);
    expect(classifyOmsError(401, 'APIGW.0301')).toBe(ErrorCode.ProviderAuth);
  });
});

describe('the OMS credential codes agree with the catalogue', () => {
  it('no code the client treats as bad credentials is filed otherwise in classes.json', () => {
    for (const code of CREDENTIAL_CODES)
      expect(['credentials', 'unknown'], code).toContain(classifyCode(code));
  });
});
