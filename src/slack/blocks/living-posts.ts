import type { KnownBlock } from '@slack/types';
import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { LiveNow } from '../../watcher/outbox/living-posts.js';
import type { LivingNote } from '../../watcher/outbox/notification.js';
import { type CardDrawing, NO_DRAWING } from './capability-drawing.js';
import { slackDate } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { actionsBlock, resourceRef, whoActed } from './resource-card.js';
import { stateLabelIn } from './state-words.js';

/** What a living post offers: the next step on the resource, never Delete (that is the card's). */
const NEXT_STEPS: ReadonlySet<string> = new Set(['pause', 'resume', 'retry']);

/** Which states each action through the bot leads to: only then is its person named as the cause. */
const LEADS_TO: Record<string, readonly string[]> = {
  pause: ['pausing', 'paused'],
  resume: ['queued', 'running', 'monitoring', 'retrying'],
  retry: ['queued', 'running', 'monitoring', 'retrying'],
  delete: ['deleting', 'deleted', 'gone'],
  cancel: ['cancelled'],
};

/** The state as a label with its emoji; a resource the provider no longer knows says so. */
export function liveStateLabel(state: LiveNow['state'], tr: Translator): string {
  return state === 'gone' ? `:grey_question: ${tr.t('living.gone')}` : stateLabelIn(state, tr);
}

/** "Resumed by @Alice · 2 min ago" when that action led here, else nothing. */
export function liveWho(now: LiveNow, tr: Translator, drawing?: Partial<CardDrawing>): string | undefined {
  const r = now.requested;
  if (!r || !LEADS_TO[r.action]?.includes(now.state)) return undefined;
  const state: NormalizedState = now.state === 'gone' ? 'deleted' : now.state;
  return whoActed({ state }, r, tr, drawing);
}

/**
 * A failure or completion post once the resource moved on: it leads with what the
 * resource is now and who acted, keeps what it first said in one small line, and offers only the
 * buttons that apply now (none once it is deleted or gone; never Resume once it runs again).
 */
export function renderLivingPost(
  note: LivingNote,
  tr: Translator = ENGLISH,
  drawing: CardDrawing = NO_DRAWING,
): { text: string; blocks: KnownBlock[] } {
  const { resource: r, now, post } = note;
  const name = `*${escapeMrkdwn(truncate(note.title ?? r.name, 200))}*`;
  const pct =
    now.progress !== undefined && now.state !== 'deleted' && now.state !== 'gone'
      ? ` · ${tr.percent(now.progress)}`
      : '';
  const headline = `${liveStateLabel(now.state, tr)} · ${name}${pct}`;
  const who = liveWho(now, tr, drawing);
  const at = post.was.progress !== undefined ? tr.t('watch.at', { pct: tr.percent(post.was.progress) }) : '';
  const when = slackDate(new Date(post.was.at));
  const was =
    post.kind === 'completion'
      ? tr.t('living.wasSucceeded', { when })
      : tr.t('living.wasFailed', { at, when, code: post.was.code ? ` · ${code(post.was.code)}` : '' });
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(who ? `${headline}\n${who}` : headline, 3000) },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${was} · ${code(resourceRef(r))}` }] },
  ];
  // The next steps only: Delete and the rest are on the card, which the thread is under.
  const next = now.actions.filter((a) => NEXT_STEPS.has(a));
  if (!ended(now)) {
    const subject: Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'name' | 'state' | 'lastError'> = {
      connection: r.connection,
      kind: r.kind,
      id: r.id,
      name: r.name,
      state: now.state === 'gone' ? 'deleted' : now.state,
      // The failure's class picks the main button only while it is failed.
      lastError: now.state === 'failed' ? r.lastError : undefined,
    };
    // What the capabilities offer on it, from no fact: it no longer shows who is on the failure.
    blocks.push(
      actionsBlock(subject, next, false, tr, undefined, drawing.cardButtons(undefined, tr, subject)),
    );
  }
  // As the card's: the name, then the state.
  return { text: truncate(`${escapeMrkdwn(r.name)}: ${liveStateLabel(now.state, tr)}`, 3000), blocks };
}

function ended(now: LiveNow): boolean {
  return now.state === 'deleted' || now.state === 'gone';
}

/**
 * A listing line's second line once that resource moved on: "Now: ✔ Migrating · Resumed by @Alice",
 * or who is on its failure (what the capabilities say of it, `drawing`).
 */
export function listingNowLine(now: LiveNow, tr: Translator, drawing: CardDrawing = NO_DRAWING): string {
  const who = drawing.failureLines(now.facts, tr)[0] ?? liveWho(now, tr, drawing);
  return tr.t('living.listingNow', { state: liveStateLabel(now.state, tr), who: who ? ` · ${who}` : '' });
}
