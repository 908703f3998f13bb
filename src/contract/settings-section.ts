import type { Translator } from '../i18n/translator.js';
import type { WorkspaceSettings } from './core-types.js';
import type { HandlerContext } from './handler-context.js';
import type { SubcommandForm } from './subcommand.js';

/**
 * A section of `/migrate settings` a capability owns (`/migrate settings escalation …`): the core
 * picks it by the word after `settings`, lists its forms in help and its lines in what
 * `/migrate settings` shows, after the core's own.
 */
export interface SettingsSection {
  /** Its forms, as the core's: the words that pick one (first: its name) and its line in help. */
  forms: readonly SubcommandForm[];
  /** Reads the words after `settings` (its word first; an InvalidInputError says its usage). */
  parse(args: readonly string[]): SettingsChange;
  /** Its lines in what `/migrate settings` shows, in the reader's language. */
  lines(settings: WorkspaceSettings, tr: Translator): string[];
}

/**
 * A section's change, parsed: asks the policy on what it changes, makes it (audited) and says what
 * changed; the core shows the settings now under that sentence.
 */
export type SettingsChange = (
  ctx: HandlerContext,
  tr: Translator,
) => Promise<{ said: string; next: WorkspaceSettings }>;
