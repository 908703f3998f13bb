import { z } from 'zod';
import type { Connection } from '../connections/connection.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import type { CreateFormDefinition, ProviderDefinition } from './definition.js';
import { huaweiOmsDefinition } from './huawei-oms/definition.js';
import { ncpDefinition } from './ncp/definition.js';
import type { MigrationProvider, ProviderDeps } from './types.js';
import { upcloudDefinition } from './upcloud/definition.js';

/** One line per folder under `src/providers/`: everything else about a provider is in its folder. */
const DEFINITIONS = new Map<string, ProviderDefinition>();
/** The registered ids, in registration order (the same array grows when a provider is registered). */
export const PROVIDER_IDS: string[] = [];

/** Adds a provider; tests register their own the same way the built-in ones are. */
export function registerProvider(definition: ProviderDefinition): void {
  if (DEFINITIONS.has(definition.id)) {
    throw new ConfigError(`Provider "${definition.id}" is registered twice.`);
  }
  checkWords(definition);
  DEFINITIONS.set(definition.id, definition);
  PROVIDER_IDS.push(definition.id);
}

/** A provider's own namespaces: its forms, its connect form and its errors (`provider-words-error.ts`). */
export const PROVIDER_WORD_PREFIXES = ['form', 'connect', 'error'] as const;

/** A provider speaks only in its own namespace, so it can never reword the bot's own messages. */
function checkWords({ id, words }: ProviderDefinition): void {
  for (const catalogue of Object.values(words ?? {}))
    for (const key of Object.keys(catalogue))
      if (!PROVIDER_WORD_PREFIXES.some((prefix) => key.startsWith(`${prefix}.${id}.`)))
        throw new ConfigError(
          `Provider "${id}" declares the message "${key}" outside form.${id}.*, connect.${id}.* and error.${id}.*.`,
        );
}

registerProvider(huaweiOmsDefinition);
registerProvider(ncpDefinition);
registerProvider(upcloudDefinition);

export function isProviderId(value: string): boolean {
  return DEFINITIONS.has(value);
}

export function providerDefinitions(): ProviderDefinition[] {
  return [...DEFINITIONS.values()];
}

export function providerDefinition(id: string): ProviderDefinition {
  const definition = DEFINITIONS.get(id);
  if (!definition) {
    throw new ConfigError(`Unknown provider "${id}"; valid providers: ${PROVIDER_IDS.join(', ')}`);
  }
  return definition;
}

export function createProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  const definition = DEFINITIONS.get(connection.provider);
  if (!definition) {
    throw new ConfigError(
      `Unknown provider "${connection.provider}" for connection ${connection.name}; valid providers: ${PROVIDER_IDS.join(', ')}`,
    );
  }
  return definition.create(connection, deps);
}

/** What can be created from Slack, with the provider it belongs to. */
export interface CreateTarget extends CreateFormDefinition {
  provider: string;
}

export function createTargets(): CreateTarget[] {
  return providerDefinitions().flatMap((d) => d.createForms.map((form) => ({ ...form, provider: d.id })));
}

export function createTarget(provider: string, kind: string): CreateTarget {
  const form = DEFINITIONS.get(provider)?.createForms.find((f) => f.kind === kind);
  if (!form) throw InvalidInputError.of('create.error.notOffered', { provider, kind });
  return { ...form, provider };
}

/** A registered provider id, checked when parsed (stored records, files, view metadata). */
export const providerIdSchema = z.string().refine(isProviderId, {
  error: () => `must be one of ${PROVIDER_IDS.join(', ')}`,
});
