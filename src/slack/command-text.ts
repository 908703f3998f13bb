import type { NormalizedState, ResourceRef } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import { isChannelWord, parseChannel } from './mentions.js';

/** Words a user may type for a state filter, to the normalized states they mean (`all` = no filter). */
export const STATE_WORDS: Record<string, NormalizedState[] | undefined> = {
  all: undefined,
  waiting: ['queued'],
  queued: ['queued'],
  pending: ['queued'],
  running: ['running', 'retrying'],
  migrating: ['running', 'retrying'],
  active: ['queued', 'running', 'retrying', 'pausing', 'monitoring'],
  paused: ['paused', 'pausing'],
  stopped: ['paused', 'pausing'],
  failed: ['failed'],
  error: ['failed'],
  succeeded: ['succeeded'],
  success: ['succeeded'],
  done: ['succeeded'],
  completed: ['succeeded'],
  cancelled: ['cancelled'],
  canceled: ['cancelled'],
  retrying: ['retrying'],
  monitoring: ['monitoring'],
  synchronizing: ['monitoring'],
};

const SHARE_FLAGS = new Set(['share', '--share', '-s', '--public', 'public']);
/**
 * `id` or `connection:id`. An id is letters and digits of any script plus `.`, `-`, `_`: NCP policies
 * are addressed by title, and a title may be Hangul (providers.md §1.1 counts it in bytes).
 */
export const RESOURCE_REF = /^(?:([a-z0-9][a-z0-9_-]{0,39}):)?([\p{L}\p{M}\p{N}._-]{1,1024})$/u;
export const CONNECTION_WORD = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export interface CommandWords {
  head: string | undefined;
  args: string[];
  share: boolean;
}

/**
 * Splits the text after `/migrate`. Lenient where phones are: em/en dashes become `--`, smart
 * quotes, backticks (from copying a card's id) and a trailing ellipsis are dropped, the
 * subcommand's case is ignored.
 */
export function splitCommand(text: string): CommandWords {
  const words = normalize(text).split(' ').filter(Boolean);
  const [first, ...rest] = words;
  const share = rest.some((w) => SHARE_FLAGS.has(w.toLowerCase()));
  return {
    head: first?.toLowerCase().replace(/^-+/, ''),
    args: rest.filter((w) => !SHARE_FLAGS.has(w.toLowerCase())),
    share,
  };
}

export function normalize(text: string): string {
  return text
    .replace(/[\u2014\u2013\u2012\u2015]/g, '--')
    .replace(/[\u2018\u2019\u201c\u201d"'`]/g, '')
    .replace(/(?:\u2026|\.\.\.)(?=\s|$)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One resource reference: `id`, `prefix` or `connection:id`. */
export function parseRef(name: string, args: string[]): ResourceRef {
  if (args.length === 0) {
    throw InvalidInputError.of('error.ref.missing', { name });
  }
  if (args.length > 1) {
    const words = args.slice(0, 4).join(' ');
    throw InvalidInputError.of('error.ref.many', { name, n: args.length, words });
  }
  const match = RESOURCE_REF.exec(args[0]!);
  if (!match) {
    const typed = args[0]!.slice(0, 60);
    throw InvalidInputError.of('error.ref.bad', { typed });
  }
  return match[1] ? { connection: match[1], id: match[2]! } : { id: match[2]! };
}

export function refuseShare(name: string, share: boolean): void {
  if (share) throw InvalidInputError.of('error.share', { name });
}

/** `/migrate watch 1912 #a #b`: commands that post in a channel take one. */
export function oneChannelAtMost(name: string): InvalidInputError {
  return InvalidInputError.of('error.oneChannel', { name });
}

/**
 * `/migrate watches [#channel]`, `/migrate subscriptions [#channel]`: a channel is the only word
 * these take; anything else is `refusal` (each names its own command and example).
 */
export function channelOnly(
  args: readonly string[],
  share: boolean,
  refusal: () => Error,
): { channel?: string; share: boolean } {
  if (args.length > 1 || (args[0] !== undefined && !isChannelWord(args[0]))) throw refusal();
  return args[0] ? { channel: parseChannel(args[0]), share } : { share };
}

/** Edit distance ≤ 2 suggestion, for typos like `staus`. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: { option: string; distance: number } | undefined;
  for (const option of options) {
    const distance = levenshtein(word, option);
    if (distance <= 2 && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
