import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConnections } from '../../src/connections/load-connections-file.js';

/**
 * Issue 50, secrets as files everywhere: every variable the connections file names may be given
 * as `<NAME>_FILE`, a path whose content is the secret (a Kubernetes Secret volume, Docker
 * secrets), as the bot's own settings are. The same rules: the line end editors add is dropped,
 * both forms at once is a mistake, and a problem names the path, never the content.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'mb-conn-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

const FILE = `
storageCredentials:
  aws-src: { accessKeyEnv: AWS_AK, secretKeyEnv: AWS_SK }
  gcs-src: { jsonAuthFileEnv: GCS_JSON }
connections:
  - name: hw-prod
    provider: huawei-oms
    endpoint: https://oms.cn-north-4.myhuaweicloud.com
    projectId: 0215ef11e49d4743be23dd97a156aaaa
    auth: { type: aksk, accessKeyEnv: HW_AK, secretKeyEnv: HW_SK }
    storage: { source: aws-src }
  - name: up-fi
    provider: upcloud
    endpoint: https://api.upcloud.com
    serviceId: 1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f
    auth: { type: bearer, tokenEnv: UPCLOUD_TOKEN }
    storage: { source: gcs-src }
`;

describe('connections file: provider keys as files', () => {
  it('reads <NAME>_FILE for every key the file names, without the trailing line end', () => {
    const env = {
      HW_AK: 'HWACCESSKEY000000001',
      HW_SK_FILE: secretFile('hw-sk', 'hw-secret-from-a-file-0000000001\n'),
      AWS_AK_FILE: secretFile('aws-ak', 'AKIAFROMAFILE0000001'),
      AWS_SK_FILE: secretFile('aws-sk', 'aws-secret-from-a-file-000000001\r\n'),
      GCS_JSON_FILE: secretFile('gcs.json', '{"type":"service_account","private_key":"k"}\n'),
      UPCLOUD_TOKEN_FILE: secretFile('upcloud', 'ucat_from_a_file_000000000001'),
    };
    const [hw, up] = parseConnections(FILE, 'connections.yaml', env);
    expect(hw?.auth).toEqual({
      type: 'aksk',
      accessKey: 'HWACCESSKEY000000001',
      secretKey: 'hw-secret-from-a-file-0000000001',
      securityToken: undefined,
    });
    expect(hw?.storage.source).toMatchObject({
      accessKey: 'AKIAFROMAFILE0000001',
      secretKey: 'aws-secret-from-a-file-000000001',
    });
    expect(up?.auth).toEqual({ type: 'bearer', token: 'ucat_from_a_file_000000000001' });
    expect(up?.storage.source?.jsonAuthFile).toBe('{"type":"service_account","private_key":"k"}');
  });

  it('lists every file that cannot be used, naming the path and never a secret', () => {
    const env = {
      HW_AK: 'HWACCESSKEY000000001',
      HW_SK: 'hw-secret-in-the-environment-0001',
      HW_SK_FILE: secretFile('hw-sk-both', 'hw-secret-from-a-file-0000000002'),
      AWS_AK_FILE: path.join(dir, 'missing'),
      AWS_SK_FILE: secretFile('empty', '\n'),
      GCS_JSON: '{}',
    };
    let message = '';
    try {
      parseConnections(FILE, 'connections.yaml', env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('connections.yaml');
    expect(message).toContain(
      'connections[0] (hw-prod).auth: HW_SK_FILE and HW_SK are both set: set only one of them',
    );
    expect(message).toContain(
      `storageCredentials.aws-src: AWS_AK_FILE cannot be read: ${path.join(dir, 'missing')} (ENOENT)`,
    );
    expect(message).toContain(
      `storageCredentials.aws-src: AWS_SK_FILE names an empty file: ${path.join(dir, 'empty')}`,
    );
    expect(message).toContain(
      'connections[1] (up-fi).auth: environment variable UPCLOUD_TOKEN is not set (nor UPCLOUD_TOKEN_FILE, a file holding it)',
    );
    expect(message).not.toContain('hw-secret');
  });
});

describe('a folder of settings files (MIGRATE_BOT_SETTINGS_DIR, a mounted Secret)', () => {
  const folder = mkdtempSync(path.join(dir, 'settings-'));
  writeFileSync(path.join(folder, 'SLACK_SIGNING_SECRET'), 'signing-secret-from-the-folder\n');
  writeFileSync(path.join(folder, 'SLACK_BOT_TOKEN'), ''); // `SLACK_BOT_TOKEN=` in the env file
  writeFileSync(path.join(folder, 'SLACK_CLIENT_SECRET'), 'client-secret-from-the-folder');
  writeFileSync(path.join(folder, 'SLACK_STATE_SECRET'), 'state-secret-from-the-folder-0123456789');
  writeFileSync(
    path.join(folder, 'MIGRATE_BOT_ENCRYPTION_KEYS'),
    `k1:${Buffer.alloc(32, 3).toString('base64')}\n`,
  );
  writeFileSync(path.join(folder, 'STORE_URL'), 'redis://:pw-from-the-folder@127.0.0.1:6379\n');
  writeFileSync(path.join(folder, 'HW_AK'), 'HWACCESSKEYFOLDER001');
  writeFileSync(path.join(folder, 'HW_SK'), 'hw-secret-from-the-folder-000001\n');
  writeFileSync(path.join(folder, 'AWS_AK'), 'AKIAFOLDER0000000001');
  writeFileSync(path.join(folder, 'AWS_SK'), 'aws-secret-from-the-folder-00001');
  writeFileSync(path.join(folder, 'GCS_JSON'), '{}');
  writeFileSync(path.join(folder, 'UPCLOUD_TOKEN'), 'ucat_folder_000000000000001');

  it('gives the bot its settings, an empty key left unset, what the environment sets winning', async () => {
    const { createConfig } = await import('../../src/config.js');
    const config = createConfig({ MIGRATE_BOT_SETTINGS_DIR: folder, SLACK_CLIENT_ID: '123.456' });
    expect(config.slack.signingSecret).toBe('signing-secret-from-the-folder');
    expect(config.slack.botToken).toBeUndefined();
    expect(config.slack.oauth).toMatchObject({
      clientSecret: 'client-secret-from-the-folder',
      stateSecret: 'state-secret-from-the-folder-0123456789',
    });
    expect(config.storeUrl).toBe('redis://:pw-from-the-folder@127.0.0.1:6379');
    const overridden = createConfig({
      MIGRATE_BOT_SETTINGS_DIR: folder,
      SLACK_CLIENT_ID: '123.456',
      SLACK_SIGNING_SECRET: 'signing-secret-from-the-environment',
      STORE_URL: 'sqlite:///app/data/migrate-bot.sqlite',
    });
    expect(overridden.slack.signingSecret).toBe('signing-secret-from-the-environment');
    expect(overridden.storeUrl).toBe('sqlite:///app/data/migrate-bot.sqlite');
    expect(() =>
      createConfig({
        ...{ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' },
        MIGRATE_BOT_SETTINGS_DIR: path.join(dir, 'nowhere'),
      }),
    ).toThrow(/MIGRATE_BOT_SETTINGS_DIR must name a folder that exists/);
  });

  it('gives the connections file the provider keys it names', () => {
    const [hw, up] = parseConnections(FILE, 'connections.yaml', { MIGRATE_BOT_SETTINGS_DIR: folder });
    expect(hw?.auth).toMatchObject({
      accessKey: 'HWACCESSKEYFOLDER001',
      secretKey: 'hw-secret-from-the-folder-000001',
    });
    expect(up?.auth).toEqual({ type: 'bearer', token: 'ucat_folder_000000000000001' });
  });
});
