import type { Subcommand } from '../subcommand.js';
import { accessCommand } from './access.js';
import { pause, resume, retry } from './act.js';
import { auditCommand } from './audit.js';
import { bandwidthCommand } from './bandwidth.js';
import { connectCommand } from './connect.js';
import { connectionsCommand } from './connections.js';
import { createCommand } from './create.js';
import { del } from './delete.js';
import { disconnectCommand } from './disconnect.js';
import { explainCommand } from './explain.js';
import { helpSubcommand } from './help.js';
import { groups, list, syncTasks } from './list.js';
import { settingsCommand } from './settings.js';
import { status } from './status.js';
import { subscribeCommand, subscriptionsCommand, unsubscribeCommand } from './subscribe.js';
import { syncEventCommand } from './sync-event.js';
import { unwatchCommand } from './unwatch.js';
import { watchCommand } from './watch.js';
import { watchesCommand } from './watches.js';
import { windowCommand } from './window.js';

/** Every `/migrate` subcommand, in the order help lists them. Add a new one here. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  status,
  list,
  groups,
  syncTasks,
  explainCommand,
  pause,
  resume,
  retry,
  windowCommand,
  del,
  createCommand,
  bandwidthCommand,
  syncEventCommand,
  watchCommand,
  unwatchCommand,
  watchesCommand,
  subscribeCommand,
  unsubscribeCommand,
  subscriptionsCommand,
  accessCommand,
  settingsCommand,
  auditCommand,
  connectionsCommand,
  connectCommand,
  disconnectCommand,
];

const HELP = helpSubcommand(() => SUBCOMMANDS);

export function findSubcommand(word: string): Subcommand | undefined {
  return [HELP, ...SUBCOMMANDS].find((s) => s.name === word || s.aliases.includes(word));
}

export function subcommandNames(): string[] {
  return [HELP, ...SUBCOMMANDS].map((s) => s.name);
}
