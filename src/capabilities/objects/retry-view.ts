import type { Translator } from '../../i18n/translator.js';
import { code, truncate } from '../../slack/blocks/mrkdwn.js';
import { RERUN_ACTION } from '../delta-runs/rerun-blocks.js';
import { DELTA_RUN_WORDS } from '../delta-runs/words.js';
import type { CheckOutcome } from './report.js';
import { OBJECTS_WORDS } from './words.js';

export const RETRY_ACTION = 'objects.retry';

/**
 * What the check's post may offer to bring the rest over, decided when the check starts from the
 * run's provider (data only: the post is drawn by the one editor). `list`: the provider retries a
 * list file (OMS); `prefix`: it takes one source prefix per run (NCP, UpCloud), the run's own being
 * `from`; `delta`: the provider's delta run, and (`value`) the run's verification in this channel
 * that succeeded, whose delta-run button the post repeats.
 */
export interface RetryRun {
  connection: string;
  kind: string;
  id: string;
  /** A check stored before issue 74 kept `true`. */
  list?: { provider: string } | true;
  prefix?: { provider: string; from: string };
  delta?: { what: 'since' | 'again' | 'restart'; value?: string };
}

/** The objects found missing or different so far: how many, and the longest prefix they share. */
export interface Wanting {
  n: number;
  prefix: string;
}

/** Counts `key` in, narrowing the shared prefix (never splitting a UTF-16 pair). */
export function want(wanting: Wanting | undefined, key: string): Wanting {
  if (!wanting) return { n: 1, prefix: key };
  const a = wanting.prefix;
  let i = 0;
  while (i < a.length && i < key.length && a.charCodeAt(i) === key.charCodeAt(i)) i++;
  if (i > 0 && i < a.length && /[\uD800-\uDBFF]/.test(a[i - 1]!)) i--;
  return { n: wanting.n + 1, prefix: a.slice(0, i) };
}

/**
 * The source prefix a retry would run over, if it is narrower than the run's own: one object's
 * own key, else the folder (up to a `/`) the objects share, since a prefix ending mid-name
 * ("logs/file-") holds nearly everything beside them. Trailing spaces dropped (a shorter prefix
 * still holds every key; providers trim them).
 */
export function retryPrefix(wanting: Wanting | undefined, from: string): string | undefined {
  if (!wanting) return undefined;
  const shared =
    wanting.n > 1 ? wanting.prefix.slice(0, wanting.prefix.lastIndexOf('/') + 1) : wanting.prefix;
  const prefix = shared.replace(/\s+$/u, '');
  return prefix.length > from.length && prefix.startsWith(from) ? prefix : undefined;
}

/** The lines and buttons under a finished check: Retry these, or why not and the delta run. */
export function retryBlocks(o: CheckOutcome, retry: RetryRun | undefined, tr: Translator): unknown[] {
  if (!retry || o.status !== 'done') return [];
  const failed = o.failedList;
  if (retry.list) {
    const blocks: unknown[] = [];
    // Decided (issue 74): the bot's storage access is read-only, so it writes no list file of
    // its own; what the provider's list does not name is said, with the way to move it.
    const unlisted = o.unlisted ?? 0;
    if (unlisted > 0)
      blocks.push(
        section(
          tr.with(OBJECTS_WORDS).t('objects.retry.unlisted', {
            n: unlisted,
            provider: retry.list === true ? 'OMS' : retry.list.provider,
            command: code(`/migrate create ${retry.connection}`),
          }),
        ),
      );
    if (failed && !failed.problem && failed.count > 0)
      blocks.push(actions([button(failed.count, retry, undefined, tr)]));
    return blocks;
  }
  const wanting = o.wanting;
  if (!retry.prefix || !wanting || wanting.n === 0) return [];
  const provider = retry.prefix.provider;
  const prefix = retryPrefix(wanting, retry.prefix.from);
  if (prefix !== undefined) {
    const line = tr.with(OBJECTS_WORDS).t('objects.retry.prefix', {
      provider,
      prefix: code(truncate(prefix, 200)),
      n: wanting.n,
    });
    return [section(line), actions([button(wanting.n, retry, 'prefix', tr)])];
  }
  if (!retry.delta) return [];
  const value = retry.delta.value;
  const label = tr.with(DELTA_RUN_WORDS).t(`rerun.button.${retry.delta.what}`);
  // Without a verification post of a run that succeeded here, there is nothing to press: say
  // so and what to do instead, rather than point at a post that does not exist.
  const how = value
    ? tr.with(OBJECTS_WORDS).t('objects.retry.how.button', { button: label })
    : tr.with(OBJECTS_WORDS).t('objects.retry.how.none', {
        button: label,
        command: code(`/migrate create ${retry.connection}`),
      });
  const blocks: unknown[] = [
    section(tr.with(OBJECTS_WORDS).t('objects.retry.cannot', { provider, n: wanting.n, how })),
  ];
  if (value)
    blocks.push(
      actions([
        {
          type: 'button',
          action_id: RERUN_ACTION,
          text: { type: 'plain_text', text: label.slice(0, 75) },
          value,
        },
      ]),
    );
  return blocks;
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3_000) } };
}

function actions(elements: unknown[]) {
  return { type: 'actions', elements };
}

/** The button names only the run (and which retry): everything else is read again on the press. */
function button(n: number, run: RetryRun, what: 'prefix' | undefined, tr: Translator) {
  return {
    type: 'button',
    action_id: RETRY_ACTION,
    text: { type: 'plain_text', text: tr.with(OBJECTS_WORDS).t('objects.retry.button', { n }).slice(0, 75) },
    value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id, ...(what ? { w: what } : {}) }),
  };
}
