import type { CommandsSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

/** Their subcommands, `list` words and `/migrate settings` sections, in the registry's order. */
export function collectCommands(list: StartedList): CommandsSeam {
  const commands = () => list.each('commands').map((c) => c.part);
  return {
    subcommands: () => commands().flatMap((c) => [...(c.subcommands ?? [])]),
    listFilters: () => commands().flatMap((c) => [...(c.listFilters ?? [])]),
    settingsSections: () => commands().flatMap((c) => [...(c.settingsSections ?? [])]),
  };
}
