import type { KnownBlock } from '@slack/types';
import type { Translator } from '../i18n/translator.js';
import type { AppDeps, Permission as Capability, Logger, Role, Scope } from './core-types.js';

export interface Reply {
  text: string;
  blocks?: KnownBlock[];
  /** Post to the channel instead of only to the user. */
  share?: boolean;
  /** Replace the message the button was on. */
  replaceOriginal?: boolean;
}

/** The one object every handler gets (probot style): who asked, where, and how to answer. */
export interface HandlerContext {
  deps: AppDeps;
  teamId: string;
  userId: string;
  channelId: string | undefined;
  /** The interaction's `trigger_id` (commands, buttons): opens a modal within 3 s, once. */
  triggerId?: string;
  /** Short id quoted in replies and logs, so a user's report can be matched to the log. */
  opId: string;
  /** command, button, view or shortcut. */
  surface: string;
  /** What was asked (subcommand, action id, view): set by the listener once known; never user text. */
  what: string;
  /** `performance.now()` when the request's handling began. */
  startedAt: number;
  logger: Logger;
  reply(message: Reply): Promise<void>;
  /**
   * The language of an answer: the asker's own (`person`, the default: ephemeral replies, private
   * cards, modals) or the channel's (`channel`: what is shared there).
   */
  translator(audience?: 'person' | 'channel'): Promise<Translator>;
  /** The scope of an action on this channel (the workspace where there is none): see `channelScope`. */
  here: Scope;
  /**
   * Asks the one policy whether the caller may do `capability` on `scope` (what the action changes);
   * throws a ForbiddenError saying which role `what` needs, and where.
   */
  require(capability: Capability, scope: Scope, what: string): Promise<Role>;
  /**
   * Runs `work` and records it in the audit log as ok, refused or failed (then rethrows). Refuses to
   * run at all unless the policy allowed a change (more than `view`) in this request: a change no
   * role decided is a bug.
   */
  audited<T>(action: string, target: string | undefined, work: () => Promise<T>): Promise<T>;
}
