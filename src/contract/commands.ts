import type { HandlerContext } from './handler-context.js';
import type { SettingsSection } from './settings-section.js';
import type { Subcommand } from './subcommand.js';

/** A word after `/migrate list` (alone) that a capability answers with a list of its own. */
export interface ListFilter {
  word: string;
  run(ctx: HandlerContext, share: boolean): Promise<void>;
}

/** What it adds to `/migrate`: help lists its subcommands after the core's, in the registry's order. */
export interface CommandsPart {
  subcommands?: readonly Subcommand[];
  /** Words it answers after `/migrate list` instead of the provider's list (`list unverified`). */
  listFilters?: readonly ListFilter[];
  /** Its sections of `/migrate settings` (`settings escalation …`), after the core's. */
  settingsSections?: readonly SettingsSection[];
}
