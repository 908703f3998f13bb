import type { StartedCapabilities } from '../../../../contract/started.js';
import type { Subcommand } from '../../../../contract/subcommand.js';
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

/** `/migrate settings` with the core's sections only; a running bot builds its own (`all`). */
const SETTINGS = settingsCommand([]);
/** `/migrate list` with no capability's words; a running bot builds its own (`all`). */
const LIST = listCommand([]);

/**
 * Every `/migrate` subcommand of the core, in the order help lists them; the started
 * capabilities' own follow (`all`: Slack is handed them, and names none).
 */
export const SUBCOMMANDS: readonly Subcommand[] = [
  status,
  LIST,
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
];

/** What the bot's started capabilities add: their subcommands, `list` words and `/migrate settings` sections. */
export type RunningCommands = Pick<StartedCapabilities, 'subcommands' | 'settingsSections' | 'listFilters'>;

const HELP = helpSubcommand((running) => all(running).slice(1));

/** `running`: the bot's started capabilities (`deps.capabilities`); without them, the core's alone. */
export function findSubcommand(word: string, running?: RunningCommands): Subcommand | undefined {
  return all(running).find((s) => s.name === word || s.aliases.includes(word));
}

/** Every subcommand `running` answers, in the order help lists them (the core's alone without it). */
export function allSubcommands(running?: RunningCommands): Subcommand[] {
  return all(running);
}

export function subcommandNames(running?: RunningCommands): string[] {
  return all(running).map((s) => s.name);
}

/** Each running bot's subcommands, built once it has started them (they do not change while it runs). */
const ALL_OF = new WeakMap<RunningCommands, Subcommand[]>();

function all(running: RunningCommands | undefined): Subcommand[] {
  if (!running) return [HELP, ...SUBCOMMANDS];
  const cached = ALL_OF.get(running);
  if (cached) return cached;
  const own = new Map<Subcommand, Subcommand>([
    [SETTINGS, settingsCommand(running.settingsSections())],
    // A capability's words after `list` (`list unverified`) are its own lists.
    [LIST, listCommand(running.listFilters())],
  ]);
  const more = running.subcommands();
  const built = [HELP, ...SUBCOMMANDS.map((s) => own.get(s) ?? s), ...more];
  // Before its capabilities start, a bot has none of theirs yet: not kept.
  if (more.length > 0) ALL_OF.set(running, built);
  return built;
}
