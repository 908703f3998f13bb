import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MESSAGES } from '../../src/i18n/translator.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import {
  createProvider,
  PROVIDER_IDS,
  PROVIDER_WORD_PREFIXES,
  providerDefinition,
  providerDefinitions,
  registerProvider,
} from '../../src/providers/registry.js';
import { RESOURCE_ACTIONS } from '../../src/providers/types.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { placeholderConnection } from '../helpers/placeholder-connection.js';

const PROVIDERS_DIR = path.resolve('src/providers');
/** Folders under src/providers that are shared infrastructure, not providers. */
const SHARED = new Set(['http']);

const deps = { pools: new PoolRegistry(), logger: captureLogger('fatal').logger };

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
    const provider = createProvider(placeholderConnection(id), deps);
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
    const s3 = { ...placeholderConnection(PROVIDER_IDS[0]!), provider: 's3' };
    expect(() => createProvider(s3, deps)).toThrow(ConfigError);
    expect(() => createProvider(s3, deps)).toThrow(`valid providers: ${PROVIDER_IDS.join(', ')}`);
    expect(PROVIDER_IDS.length).toBeGreaterThanOrEqual(3);
  });
});

// Issue #38: a new provider touches only its folder; its words and error codes are declared there.
describe('what a provider says is declared in its folder', () => {
  it("every form.<id>.*, connect.<id>.* and error.<id>.* message comes from that provider's words", () => {
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const providerKeys = Object.keys(MESSAGES[locale]).filter((key) =>
        PROVIDER_IDS.some((id) =>
          PROVIDER_WORD_PREFIXES.some((prefix) => key.startsWith(`${prefix}.${id}.`)),
        ),
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
    expect(() => registerProvider({ ...providerDefinition(PROVIDER_IDS[0]!), id: 'wordy', words })).toThrow(
      'Provider "wordy" declares the message "help.header" outside form.wordy.*, connect.wordy.* and error.wordy.*.',
    );
    expect(PROVIDER_IDS).not.toContain('wordy');
  });

  it('each built-in provider declares its error catalogue', () => {
    for (const d of providerDefinitions()) expect(d.catalogue, d.id).toBeDefined();
  });
});
