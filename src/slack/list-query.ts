import { z } from 'zod';
import {
  NORMALIZED_STATES,
  type NormalizedState,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../domain/migration-resource.js';
import { InvalidInputError, localized } from '../errors.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { isProviderId } from '../providers/registry.js';
import { CONNECTION_WORD, STATE_WORDS } from './command-text.js';

/** What a list shows: narrowed by connection or provider, state and kind, one page at a time. */
export interface ListQuery {
  connection?: string;
  provider?: ProviderId;
  states?: NormalizedState[];
  kind?: ResourceKind;
  page: number;
  share: boolean;
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
): ListQuery {
  const query: ListQuery = { page: 0, share, kind: fixedKind };
  let sawState = false;
  for (const arg of args) {
    const word = arg.toLowerCase().replace(/^-+/, '');
    if (word in STATE_WORDS) {
      if (sawState)
        throw localized(
          new InvalidInputError(
            `Give at most one state to \`/migrate ${name}\`, e.g. \`/migrate ${name} failed\`.`,
          ),
          'list.error.oneState',
          { name },
        );
      sawState = true;
      query.states = STATE_WORDS[word];
    } else if (!fixedKind && word in KIND_WORDS && !query.kind) {
      query.kind = KIND_WORDS[word];
    } else if (isProviderId(word) && !query.provider && !query.connection) {
      query.provider = word;
    } else if (CONNECTION_WORD.test(word) && !query.connection && !query.provider) {
      query.connection = word;
    } else {
      const typed = arg.slice(0, 40);
      const states = Object.keys(STATE_WORDS).join(', ');
      const kinds = [...new Set(Object.values(KIND_WORDS))].join(', ');
      throw localized(
        new InvalidInputError(
          `\`/migrate ${name}\` does not understand "${typed}". Use \`/migrate ${name} [provider|connection] [state]${fixedKind ? '' : ' [kind]'}\`; states: ${states}${fixedKind ? '' : `; kinds: ${kinds}`}.`,
        ),
        fixedKind ? 'list.error.wordNoKinds' : 'list.error.word',
        fixedKind ? { name, typed, states } : { name, typed, states, kinds },
      );
    }
  }
  return query;
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
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch {
    raw = undefined;
  }
  const parsed = pageValueSchema.safeParse(raw);
  if (!parsed.success)
    throw localized(
      new InvalidInputError('This button is from an older version of the bot. Run `/migrate list` again.'),
      'list.error.oldButton',
    );
  const { c, p, s, k, n } = parsed.data;
  return { connection: c, provider: p as ProviderId | undefined, states: s, kind: k, page: n, share: false };
}
