import { z } from 'zod';
import { editDistance } from '../catalogue/suggest.js';
import {
  NORMALIZED_STATES,
  type NormalizedState,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { isProviderId, providerDefinitions } from '../providers/registry.js';
import { parseJsonOrUndefined } from '../store/open-atomic-kv.js';
import { CONNECTION_WORD, STATE_WORDS } from './command-text.js';

/** What a list shows: narrowed by connection or provider, state and kind, one page at a time. */
export interface ListQuery {
  connection?: string;
  provider?: ProviderId;
  states?: NormalizedState[];
  kind?: ResourceKind;
  page: number;
  share: boolean;
  /** The command and its words as typed, to say it back corrected ("Did you mean …?"); never in a button. */
  typed?: { name: string; words: readonly string[] };
  /** A capability's word (`unverified`): its own list instead of the provider's (`ListFilter`). */
  filter?: string;
}

/** Words for kinds, singular and plural. */
export const KIND_WORDS: Record<string, ResourceKind> = {
  task: 'task',
  tasks: 'task',
  group: 'task-group',
  groups: 'task-group',
  'task-group': 'task-group',
  'task-groups': 'task-group',
  sync: 'sync-task',
  syncs: 'sync-task',
  'sync-task': 'sync-task',
  'sync-tasks': 'sync-task',
  policy: 'policy',
  policies: 'policy',
  job: 'job',
  jobs: 'job',
};

export function parseListQuery(
  name: string,
  args: string[],
  share: boolean,
  fixedKind?: ResourceKind,
  filters: readonly string[] = [],
): ListQuery {
  const query: ListQuery = { page: 0, share, kind: fixedKind, typed: { name, words: args } };
  let sawState = false;
  for (const arg of args) {
    const word = arg.toLowerCase().replace(/^-+/, '');
    if (filters.includes(word) && !fixedKind && args.length === 1) {
      query.filter = word;
    } else if (word in STATE_WORDS) {
      if (sawState) throw InvalidInputError.of('list.error.oneState', { name });
      sawState = true;
      query.states = STATE_WORDS[word];
    } else if (!fixedKind && word in KIND_WORDS && !query.kind) {
      query.kind = KIND_WORDS[word];
    } else if (isProviderId(word) && !query.provider && !query.connection) {
      query.provider = word;
    } else if (CONNECTION_WORD.test(word) && !query.connection && !query.provider) {
      query.connection = word;
    } else {
      const close = closeListWord(word, { fixedKind });
      if (close) throw didYouMean(name, args, arg, close);
      const typed = arg.slice(0, 40);
      const states = Object.keys(STATE_WORDS).join(', ');
      const kinds = [...new Set(Object.values(KIND_WORDS))].join(', ');
      throw InvalidInputError.of(
        fixedKind ? 'list.error.wordNoKinds' : 'list.error.word',
        fixedKind ? { name, typed, states } : { name, typed, states, kinds },
      );
    }
  }
  return query;
}

/** What a mistyped word of a list command was probably meant to be. */
export interface CloseWord {
  word: string;
  what: 'state' | 'kind' | 'provider' | 'connection';
}

/**
 * The state, kind, provider or connection a word is a typo of (`runing` → running, `taks` → task,
 * `hw-prd` → hw-prod): one edit away, or two in a word of five letters or more. At the same distance
 * a state wins, then a kind, a provider, a connection: states are what people type most.
 */
export function closeListWord(
  typed: string,
  known: { fixedKind?: ResourceKind; connections?: readonly string[] },
): CloseWord | undefined {
  const word = typed.toLowerCase();
  const candidates: CloseWord[] = [
    ...Object.keys(STATE_WORDS).map((w) => ({ word: w, what: 'state' as const })),
    ...(known.fixedKind ? [] : Object.keys(KIND_WORDS).map((w) => ({ word: w, what: 'kind' as const }))),
    ...providerDefinitions().map((d) => ({ word: d.id, what: 'provider' as const })),
    ...(known.connections ?? []).map((w) => ({ word: w, what: 'connection' as const })),
  ];
  const allowed = word.length >= 5 ? 2 : 1;
  let best: { close: CloseWord; distance: number } | undefined;
  for (const close of candidates) {
    if (close.word === word) return undefined;
    const distance = editDistance(word, close.word);
    if (distance <= allowed && (!best || distance < best.distance)) best = { close, distance };
  }
  return best?.close;
}

/** "`/migrate list` does not know "runing". Did you mean the state `running`, as in `/migrate list running`?" */
export function didYouMean(name: string, args: readonly string[], typed: string, close: CloseWord): Error {
  const command = `/migrate ${name} ${args.map((a) => (a === typed ? close.word : a)).join(' ')}`;
  const shown = typed.slice(0, 40);
  return InvalidInputError.of('list.error.didYouMean', {
    name,
    typed: shown,
    category: close.what,
    suggestion: close.word,
    command,
  });
}

/** Paging buttons carry the query (never anything secret); kept short for the 2,000-char value limit. */
const pageValueSchema = z.object({
  c: z.string().max(40).optional(),
  p: z.string().refine(isProviderId).optional(),
  s: z.array(z.enum(NORMALIZED_STATES)).max(NORMALIZED_STATES.length).optional(),
  k: z.enum(RESOURCE_KINDS).optional(),
  n: z.number().int().min(0).max(1000),
});

export function encodeListPage(query: ListQuery, page: number): string {
  return JSON.stringify({ c: query.connection, p: query.provider, s: query.states, k: query.kind, n: page });
}

export function decodeListPage(value: string | undefined): ListQuery {
  const parsed = pageValueSchema.safeParse(parseJsonOrUndefined(value));
  if (!parsed.success) throw InvalidInputError.of('list.error.oldButton');
  const { c, p, s, k, n } = parsed.data;
  return { connection: c, provider: p as ProviderId | undefined, states: s, kind: k, page: n, share: false };
}
