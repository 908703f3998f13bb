import type { Translator } from '../i18n/translator.js';
import type { WorkspaceSettings } from '../settings/workspace-settings.js';
import type { HandlerContext } from '../slack/context.js';

/**
 * A section of `/migrate settings` a capability owns (`/migrate settings escalation …`): the core
 * picks it by its word, lists its forms in help and its lines in what `/migrate settings` shows.
 */
export interface SettingsSection {
  /** The word after `/migrate settings` that picks it. */
  word: string;
  /** Each form, as typed (`/migrate settings escalation off [#channel]`): help lists them. */
  forms: readonly string[];
  /** Reads the words after its own (an InvalidInputError says its usage) into the change asked. */
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
