import type { Logger } from '../logger.js';
import type { SecretRegistry } from '../secrets.js';
import type { ConnectionRegistry, FileConnectionsChange } from './connection-registry.js';
import { registerConnectionSecrets } from './connection-store.js';
import { loadConnectionsFile } from './load-connections-file.js';

export interface ReloadDeps {
  /** MIGRATE_BOT_CONNECTIONS; undefined when the bot runs without a connections file. */
  file: string | undefined;
  /** Where the file's `*Env` names are read (the process environment). */
  env: Record<string, string | undefined>;
  registry: ConnectionRegistry;
  secrets: SecretRegistry;
  logger: Logger;
  /** Capabilities' sections of the file (`StartedCapabilities.prepareFile`): parsed with it, applied only if both load. */
  sections?: { fileKeys(): string[]; prepareFile(file: string): () => void };
}

/**
 * Reads the connections file again (SIGHUP), as Alertmanager's reload does: a file that loads
 * replaces the file's connections at once, and one info line names what was added, removed or
 * changed (names only, never a value); a file that does not load changes nothing, and one error
 * line says why while the connections in use keep serving. Returns the change, or undefined.
 */
export function reloadConnectionsFile(deps: ReloadDeps): FileConnectionsChange | undefined {
  const { file, logger } = deps;
  if (!file) {
    logger.warn('reload asked for, but there is no connections file (MIGRATE_BOT_CONNECTIONS) to read');
    return undefined;
  }
  let change: FileConnectionsChange;
  try {
    const keys = deps.sections?.fileKeys() ?? [];
    const next = loadConnectionsFile(file, deps.env, (w) => logger.warn(`secret file: ${w}`), keys);
    const applySections = deps.sections?.prepareFile(file);
    // Masked before any of them is used.
    for (const c of next) registerConnectionSecrets(deps.secrets, c);
    change = deps.registry.replaceFileConnections(next);
    applySections?.();
  } catch (error) {
    // The message lists every problem (names and places, the file holds no secret); no stack.
    const problem = error instanceof Error ? error.message : String(error);
    logger.error({ file, problem }, 'connections file not reloaded: the connections in use are kept');
    return undefined;
  }
  logger.info({ file, ...change }, 'connections file reloaded');
  return change;
}
