import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { ConnectBot, STORED } from '../harness/connect-bot.js';
import { buttons, messageText } from '../harness/test-bot.js';

const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-secrets-'));
const dbFile = path.join(dir, 'bot.sqlite');
const c = new ConnectBot();
const t = c.t;

const GCS_PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-scan-only\n-----END PRIVATE KEY-----\n';
const GCS_JSON = JSON.stringify({
  type: 'service_account',
  project_id: 'scan-project',
  private_key_id: 'abc123',
  private_key: GCS_PRIVATE_KEY,
  client_email: 'mover@scan-project.iam.gserviceaccount.com',
});
const WRONG_SK = 'typed-wrong-secret-key-FFFFFFFFFFFF01';

/** Every plaintext secret the flow below types into Slack. */
const PLAINTEXTS = [
  STORED.omsSk,
  STORED.iamPassword,
  STORED.srcSk,
  STORED.dstSk,
  STORED.ncpSk,
  STORED.upcloudToken,
  WRONG_SK,
  GCS_JSON,
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-scan-only',
];

beforeAll(async () => {
  await c.start({ storeUrl: `sqlite://${dbFile}` });
});
afterAll(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets typed into Slack never show up anywhere', () => {
  it('after a full connect flow: 0 hits in the store, the database file, the logs and every Slack payload', async () => {
    // A check that fails (wrong key), then AK/SK with both storage credentials.
    let view = await c.openConnect();
    expect(
      (await c.submit(view, { ...c.omsValues('hw-aksk'), secret_key: WRONG_SK })).body?.response_action,
    ).toBe('errors');
    expect((await c.submit(view, c.omsValues('hw-aksk'))).body?.response_action).toBe('update');
    // IAM password, with a Google source (service-account JSON) and a destination.
    view = await c.select(await c.openConnect(), 'auth_type.huawei-oms', 'token');
    const iam = await c.submit(view, {
      name: 'hw-iam',
      'endpoint.huawei-oms': c.oms.url,
      project_id: STORED.omsProjectId,
      'auth_type.huawei-oms': 'token',
      iam_endpoint: c.oms.url,
      iam_user: STORED.iamUser,
      iam_password: STORED.iamPassword,
      iam_domain: STORED.iamDomain,
      src_name: 'gcs-src',
      src_gcs_json: GCS_JSON,
      dst_name: 'obs-dst',
      dst_access_key: STORED.dstAk,
      dst_secret_key: STORED.dstSk,
    });
    expect(iam.body?.response_action).toBe('update');
    // NCP and UpCloud too, then use them: list with health, a status, a disconnect.
    view = await c.openConnect('connect ncp');
    await c.submit(view, {
      name: 'ncp-kr',
      'endpoint.ncp': c.ncp.url,
      region: 'KR',
      access_key: STORED.ncpAk,
      secret_key: STORED.ncpSk,
    });
    view = await c.openConnect('connect upcloud');
    await c.submit(view, {
      name: 'up-token',
      'endpoint.upcloud': c.upcloud.url,
      service_id: STORED.upcloudService,
      api_token: STORED.upcloudToken,
    });
    expect(messageText(await t.ask('connections'))).toMatch(/hw-iam[\s\S]*up-token/);
    c.oms.addTask({ id: '888800000000001', name: 'scan-task', status: 3 });
    expect(messageText(await t.ask('status hw-iam:888800000000001'))).toContain('scan-task');
    const prompt = await t.ask('disconnect ncp-kr');
    const [button] = buttons(prompt);
    await (await t.click(button!.action_id, button!.value)).answer();

    // What the bot wrote, read back through a Keyv store on the same database...
    const reader = await createStore(`sqlite://${dbFile}`, t.logs.logger);
    const values = await Promise.all(
      [
        'state:connections:T0FAKE001',
        'state:audit:T0FAKE001',
        'state:settings:T0FAKE001',
        'state:access:T0FAKE001',
      ].map((k) => reader.get(k)),
    );
    await reader.close();
    expect(JSON.stringify(values[0])).toContain('hw-iam');
    // The audit log was read too (it records the connect), so the scan below covers it.
    expect(JSON.stringify(values[1])).toContain('connect');
    const stored = JSON.stringify(values);
    // ...and the database files byte by byte (WAL and journal included).
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-journal`].filter((f) => existsSync(f));
    const bytes = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
    expect(bytes).toContain('state:connections:T0FAKE001');
    const logs = t.logs.lines.join('\n');
    expect(logs).toContain('connection added');
    const slack = JSON.stringify([t.fakeSlack.calls, t.fakeSlack.responses]);

    const hits: string[] = [];
    for (const secret of PLAINTEXTS) {
      const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
      for (const [where, text] of [
        ['store values', stored],
        ['database file', bytes],
        ['logs', logs],
        ['Slack calls and response_url posts', slack],
      ] as const) {
        if (forms.some((f) => text.includes(f))) hits.push(`${secret.slice(0, 12)}… in ${where}`);
      }
    }
    expect(hits).toEqual([]);
  });
});
