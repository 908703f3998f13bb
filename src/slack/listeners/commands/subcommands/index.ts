import { CAPABILITIES } from '../../../../capabilities/registry.js';
import type { Subcommand } from '../subcommand.js';
import { accessCommand } from './access.js';
import { pause, resume, retry } from './act.js';
import { auditCommand } from './audit.js';
import { createCommand } from './create.js';
import { del } from './delete.js';
import { helpSubcommand } from './help.js';
import { groups, listCommand, syncTasks } from './list.js';
import { settingsCommand } from './settings.js';
import { status } from './status.js';
import { unwatchCommand } from './unwatch.js';
import { watchCommand } from './watch.js';
import { watchesCommand } from './watches.js';

/**
 * Every `/migrate` subcommand of the core, in the order help lists them, then the registry's
 * capabilities' own (a capability's subcommand is listed in its folder, not here).
 */
export const SUBCOMMANDS: readonly Subcommand[] = [
  status,
  // A capability's words after `list` (`list unverified`) are its own lists.
  listCommand(CAPABILITIES.flatMap((c) => c.listFilters)),
  groups,
  syncTasks,
  pause,
  resume,
  retry,
  del,
  createCommand,
  watchCommand,
  unwatchCommand,
  watchesCommand,
  accessCommand,
  settingsCommand,
  auditCommand,
  ...CAPABILITIES.flatMap((c) => c.subcommands),
];

const HELP = helpSubcommand((running) => all(running).slice(1));

/**
 * `running`: the subcommands of the bot's started capabilities (`deps.capabilities`), which may
 * hold more than the registry's (a test adds one); the registry's otherwise.
 */
export function findSubcommand(word: string, running?: readonly Subcommand[]): Subcommand | undefined {
  return all(running).find((s) => s.name === word || s.aliases.includes(word));
}

export function subcommandNames(running?: readonly Subcommand[]): string[] {
  return all(running).map((s) => s.name);
}

function all(running: readonly Subcommand[] | undefined): Subcommand[] {
  const more = (running ?? []).filter((s) => !SUBCOMMANDS.includes(s));
  return [HELP, ...SUBCOMMANDS, ...more];
}
