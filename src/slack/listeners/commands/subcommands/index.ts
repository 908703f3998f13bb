import type { Capabilities } from '../../../../capabilities/capabilities.js';
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

/** `/migrate settings` with the registry's sections; a bot running others builds its own (`all`). */
const SETTINGS = settingsCommand(CAPABILITIES.flatMap((c) => c.settingsSections));

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
  SETTINGS,
  auditCommand,
  ...CAPABILITIES.flatMap((c) => c.subcommands),
];

/** What the bot's started capabilities add: their subcommands and sections of `/migrate settings`. */
export type RunningCommands = Pick<Capabilities, 'subcommands' | 'settingsSections'>;

const HELP = helpSubcommand((running) => all(running).slice(1));

/**
 * `running`: the bot's started capabilities (`deps.capabilities`), which may hold more than the
 * registry's (a test adds one); the registry's otherwise.
 */
export function findSubcommand(word: string, running?: RunningCommands): Subcommand | undefined {
  return all(running).find((s) => s.name === word || s.aliases.includes(word));
}

export function subcommandNames(running?: RunningCommands): string[] {
  return all(running).map((s) => s.name);
}

/** Each running bot's `/migrate settings`, built once: its capabilities do not change while it runs. */
const SETTINGS_OF = new WeakMap<RunningCommands, Subcommand>();

function all(running: RunningCommands | undefined): Subcommand[] {
  if (!running) return [HELP, ...SUBCOMMANDS];
  let settings = SETTINGS_OF.get(running);
  if (!settings) {
    settings = settingsCommand(running.settingsSections());
    SETTINGS_OF.set(running, settings);
  }
  const more = running.subcommands().filter((s) => !SUBCOMMANDS.includes(s));
  return [HELP, ...SUBCOMMANDS.map((s) => (s === SETTINGS ? settings : s)), ...more];
}
