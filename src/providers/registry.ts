import type { Connection } from '../connections/connection.js';
import { ConfigError } from '../errors.js';
import { createHuaweiOmsProvider } from './huawei-oms/index.js';
import { createNcpProvider } from './ncp/index.js';
import { isProviderId, PROVIDER_IDS, type ProviderId } from './provider-ids.js';
import type { MigrationProvider, ProviderDeps } from './types.js';
import { createUpCloudProvider } from './upcloud/index.js';

export type ProviderFactory = (connection: Connection, deps: ProviderDeps) => MigrationProvider;

/** One entry per folder under `src/providers/` that implements `MigrationProvider`. */
export const PROVIDER_FACTORIES: Record<ProviderId, ProviderFactory> = {
  'huawei-oms': createHuaweiOmsProvider,
  ncp: createNcpProvider,
  upcloud: createUpCloudProvider,
};

export function createProvider(connection: Connection, deps: ProviderDeps): MigrationProvider {
  const id: string = connection.provider;
  if (!isProviderId(id)) {
    throw new ConfigError(
      `Unknown provider "${id}" for connection ${connection.name}; valid providers: ${PROVIDER_IDS.join(', ')}`,
    );
  }
  return PROVIDER_FACTORIES[id](connection, deps);
}
