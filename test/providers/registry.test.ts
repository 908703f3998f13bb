import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { ConfigError } from '../../src/errors.js';
import { MESSAGES } from '../../src/i18n/translator.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import {
  createProvider,
  PROVIDER_IDS,
  providerDefinition,
  providerDefinitions,
  registerProvider,
} from '../../src/providers/registry.js';
import { RESOURCE_ACTIONS } from '../../src/providers/types.js';
import { captureLogger } from '../helpers/capture-logger.js';

const PROVIDERS_DIR = path.resolve('src/providers');
/** Folders under src/providers that are shared infrastructure, not providers. */
const SHARED = new Set(['http']);

const deps = { pools: new PoolRegistry(), logger: captureLogger('fatal').logger };

function connectionFor(provider: string): Connection {
  return {
    name: `c-${provider}`,
    provider: provider as Connection['provider'],
    endpoint: 'https://example.invalid',
    projectId: 'p1',
    region: 'KR',
    serviceId: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
    auth:
      provider === 'upcloud'
        ? { type: 'bearer', token: 'ucat_test' }
        : { type: 'aksk', accessKey: 'AK000000', secretKey: 'SK000000' },
    storage: {},
  };
}

describe('provider registry', () => {
  const folders = readdirSync(PROVIDERS_DIR).filter(
    (name) => statSync(path.join(PROVIDERS_DIR, name)).isDirectory() && !SHARED.has(name),
  );

  it('registers exactly the provider folders, under their folder names', () => {
    expect([...folders].sort()).toEqual([...PROVIDER_IDS].sort());
    expect(
      providerDefinitions()
        .map((d) => d.id)
        .sort(),
    ).toEqual([...PROVIDER_IDS].sort());
  });

  it.each(PROVIDER_IDS)('%s implements the MigrationProvider interface', (id) => {
    const provider = createProvider(connectionFor(id), deps);
    expect(provider.id).toBe(id);
    expect(provider.connection).toBe(`c-${id}`);
    expect(provider.kinds.length).toBeGreaterThan(0);
    for (const method of ['list', 'get', 'actionsFor', 'checkConnection'] as const) {
      expect(typeof provider[method], method).toBe('function');
    }
    // Every action a provider may offer must be backed by a method of the same name.
    const offered = RESOURCE_ACTIONS.filter((a) => typeof provider[a] === 'function');
    expect(offered.length).toBeGreaterThan(0);
  });

  it.each(PROVIDER_IDS)('%s folder has the common files', (id) => {
    const files = new Set(readdirSync(path.join(PROVIDERS_DIR, id)));
    for (const file of ['index.ts', 'client.ts', 'schemas.ts', 'map.ts', 'README.md']) {
      expect(files.has(file), `${id}/${file}`).toBe(true);
    }
  });

  it('rejects an unknown provider id with the list of valid ones', () => {
    expect(() => createProvider(connectionFor('s3'), deps)).toThrow(ConfigError);
    expect(() => createProvider(connectionFor('s3'), deps)).toThrow(
      'valid providers: huawei-oms, ncp, upcloud',
    );
  });
});

// Issue #38: a new provider touches only its folder; its words and error codes are declared there.
describe('what a provider says is declared in its folder', () => {
  it("every form.<id>.* and connect.<id>.* message comes from that provider's words", () => {
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const providerKeys = Object.keys(MESSAGES[locale]).filter((key) =>
        PROVIDER_IDS.some((id) => key.startsWith(`form.${id}.`) || key.startsWith(`connect.${id}.`)),
      );
      const declared = providerDefinitions().flatMap((d) => Object.keys(d.words?.[locale] ?? {}));
      expect(providerKeys.sort(), locale).toEqual(declared.sort());
      for (const d of providerDefinitions())
        for (const [key, text] of Object.entries(d.words?.[locale] ?? {}))
          expect(MESSAGES[locale][key], `${locale} ${key}`).toBe(text);
    }
  });

  it("refuses a provider whose words would reword the bot's own messages", () => {
    const words = { en: { 'help.header': 'Hijacked' }, ko: {}, 'zh-CN': {} };
    expect(() => registerProvider({ ...providerDefinition('ncp'), id: 'wordy', words })).toThrow(
      'Provider "wordy" declares the message "help.header" outside form.wordy.* and connect.wordy.*.',
    );
    expect(PROVIDER_IDS).not.toContain('wordy');
  });

  it('each built-in provider declares its error catalogue', () => {
    for (const d of providerDefinitions()) expect(d.catalogue, d.id).toBeDefined();
  });
});
