import type { ConfirmationDialog } from '@slack/types';
import type { MigrationResource, NormalizedState } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { CardFacts, LastAction, NextStepAction, ProviderId } from './core-types.js';

/**
 * What a capability draws on a resource's card, its rows and its threads from its fact: lines,
 * buttons, notices and its notes. Each hook is optional and pure (`factsOf` reads its store).
 */
export interface CardPart {
  /**
   * Lines under the card's state line from its fact on the resource's watch (as written with
   * `watcher.notes.fact`), in the reader's language, for the resource as last observed. Pure, and mrkdwn: anything typed by a person
   * is escaped here.
   */
  lines?(fact: unknown, tr: Translator, now: number, resource: CardResource): string[];
  /**
   * Its fact of resources nobody watches (a `/migrate status` card, a list's or Home's rows), read
   * from its store only, by `connection:id`: the same shape it writes on a watch with
   * `watcher.notes.fact`, so `lines`, `buttons` and `rowLine` draw both alike.
   */
  factsOf?(
    team: string,
    resources: readonly CardResource[],
    now: number,
  ): Promise<ReadonlyMap<string, unknown>>;
  /**
   * A sentence it adds to the card's notice (above its title, after where the resource came from)
   * from its fact and the card as drawn (its buttons, whether it ended). Pure, and mrkdwn.
   */
  notice?(fact: unknown, tr: Translator, card: CardFacts): string | undefined;
  /**
   * Buttons it adds to a resource's actions (its card, a failure post and what that post becomes)
   * from its fact, undefined where it has none (a failure nobody took on yet); its `listeners`
   * answer them. Pure.
   */
  buttons?(fact: unknown, tr: Translator, resource: CardResource): CapabilityButton[];
  /**
   * The line it adds under a failure on the card and the failure post, and beside a listing's
   * line, from what its fact says of the failure the resource is in now (`onFailure`, as
   * `failureFacts` keeps it: who is on it). Pure, and mrkdwn.
   */
  failureLine?(fact: unknown, tr: Translator): string | undefined;
  /**
   * The card's "who acted" line for an action its own timed work took for `last.by` (`last.via`
   * names it; `said`, what it said there), for the resource in `state`: "Paused by window *night* ·
   * resumes Fri 18:00 KST" in place of "Paused by @Bob". Undefined: the plain line. Pure, and mrkdwn.
   */
  actedLine?(said: unknown, last: LastAction, state: NormalizedState, tr: Translator): string | undefined;
  /** An event reply's attribution of such an action (" by window *night* (set by @Bob)"). Pure. */
  actedBy?(said: unknown, by: string, tr: Translator): string | undefined;
  /** One line it adds under a resource's row in a list or on Home (mrkdwn, escaped). Pure. */
  rowLine?(fact: unknown, tr: Translator, now: number, resource: CardResource): string | undefined;
  /**
   * A note it wrote about a resource, drawn when the outbox posts it in the resource's thread (or
   * channel), in the reader's language: an event its timed work said (`WatchNotes.timed`: the
   * `EventNote` with what it added) or what it said with `WatchNotes.say` (`SaidNote.note`). Pure.
   */
  note?(note: unknown, tr: Translator, now: number): CapabilityRendered | undefined;
}

/** What it draws of its own: its living posts, its Home section, and buttons under a verification. */
export interface PostsPart {
  /**
   * Buttons it adds under a finished run's verification post (after the core's), in the reader's
   * language; its own `listeners` answer them. Pure: the value names the run, nothing typed by a person.
   */
  verificationButtons?(run: VerifiedRun, tr: Translator): CapabilityButton[];
  /**
   * Its own living post (a plan's card, a verification in a run's thread), drawn from the view it
   * handed the watcher's one editor (`CapabilityPosts.show`, `threadViewEntry`), in the reader's
   * language at send time; `more`, what the other capabilities add to it. Pure, and escaped by it.
   */
  render?(view: unknown, tr: Translator, now: number, more: PostAdditions): CapabilityRendered | undefined;
  /**
   * What it shows on a person's Home tab, as a view `render` draws (undefined: nothing), read from
   * its store only as the tab is built; `first`: its section leads the tab, above the connections.
   */
  home?(who: { teamId: string; userId: string }): Promise<unknown>;
  homeFirst?: boolean;
}

/**
 * The finished run a verification post is about: `at` names the verification (a button that acts
 * on it carries it), `provider` whose run it is (absent on posts drawn from older records).
 */
export type VerifiedRun = Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'state'> & {
  at: number;
  provider?: ProviderId;
};

/** What the other capabilities add to a capability's post as it is drawn (the posts' `render`). */
export interface PostAdditions {
  /** Every capability's buttons under a finished run's verification post, in the list's order. */
  verificationButtons(run: VerifiedRun, tr: Translator): CapabilityButton[];
}

/** A button a capability puts on a core post (Slack's button element; `text` plain, ≤75 characters). */
export interface CapabilityButton {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string };
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
  /**
   * The catalogue's next step it offers (`claim`: taking the failure on): where the failure's
   * class names it as the main one, it leads the resource's buttons. Not sent to Slack.
   */
  step?: NextStepAction;
}

/** The watched resource a card is drawn for, as the watcher last observed it. */
export type CardResource = Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'state' | 'lastError'>;

/** A capability's post as the sender takes it: text (the notification and fallback) and blocks. */
export interface CapabilityRendered {
  text: string;
  blocks?: unknown[];
  /**
   * A file that goes with the post when it is first posted (a report's CSV): uploaded after it
   * through the same sender, into the thread the draw names (else the post's own). Not on edits.
   */
  file?: { filename: string; title: string; text: string };
}
