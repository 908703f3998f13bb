import { WORKSPACE } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { SettingsSection } from '../../contract/settings-section.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import {
  AFTER_BOUND_MINUTES,
  BUDGET_BOUND,
  DEFAULT_AFTER_MINUTES,
  DEFAULT_CLASSES,
  DEFAULT_DAILY_BUDGET,
  DEFAULT_MAX,
  MAX_BOUND,
  RETRIABLE,
  type RetriableClass,
  type RetryPolicy,
} from './retry-policy.js';
import { autoRetryState } from './retry-state.js';
import { AUTO_RETRY_WORDS } from './words.js';

/** `retry <connection> on|off [max n] [after min] [budget n] [classes a,b]`, parsed. */
interface RetryRequest {
  connection: string;
  on: boolean;
  max?: number;
  afterMinutes?: number;
  dailyBudget?: number;
  classes?: RetriableClass[];
}

const usage = (): never => {
  throw InvalidInputError.in(AUTO_RETRY_WORDS, 'auto-retry.settings.usage');
};

function whole(typed: string | undefined, min: number, max: number, key: 'max' | 'after' | 'budget'): number {
  const n = Number(typed);
  if (typed === undefined) usage();
  if (!Number.isInteger(n) || n < min || n > max)
    throw InvalidInputError.in(AUTO_RETRY_WORDS, `auto-retry.settings.${key}`, {
      bound: max,
      typed: String(typed).slice(0, 20),
    });
  return n;
}

export function parseRetry(args: readonly string[]): RetryRequest {
  const [connection, state, ...rest] = args;
  if (!connection || (state !== 'on' && state !== 'off')) usage();
  const request: RetryRequest = { connection: connection!, on: state === 'on' };
  for (let i = 0; i < rest.length; i += 2) {
    const word = rest[i]!.toLowerCase();
    const value = rest[i + 1];
    if (word === 'max' && request.max === undefined) request.max = whole(value, 1, MAX_BOUND, 'max');
    else if (word === 'after' && request.afterMinutes === undefined)
      request.afterMinutes = whole(value, 1, AFTER_BOUND_MINUTES, 'after');
    else if (word === 'budget' && request.dailyBudget === undefined)
      request.dailyBudget = whole(value, 1, BUDGET_BOUND, 'budget');
    else if (word === 'classes' && request.classes === undefined && value) {
      const named = value.toLowerCase().split(',').filter(Boolean);
      for (const cls of named)
        if (!(RETRIABLE as readonly string[]).includes(cls))
          throw InvalidInputError.in(AUTO_RETRY_WORDS, 'auto-retry.settings.class', {
            cls: cls.slice(0, 30),
          });
      request.classes = [...new Set(named)] as RetriableClass[];
    } else usage();
  }
  return request;
}

/** "network, transient, up to 3 per failure, first after 10 min (doubling), 20 a day, acting as @Alice". */
export function policyWords(policy: RetryPolicy | undefined, tr: Translator): string {
  const w = tr.with(AUTO_RETRY_WORDS);
  if (!policy?.on) return w.t('auto-retry.settings.off');
  return w.t('auto-retry.settings.on', {
    classes: policy.classes.join(', '),
    max: policy.max,
    after: tr.duration(policy.afterMinutes * 60),
    budget: policy.dailyBudget,
    by: `<@${policy.by}>`,
    from: policy.from,
  });
}

/** Workspace admins set a connection's retries; the retries will act as the admin who turned them on. */
async function setRetry(ctx: HandlerContext, request: RetryRequest, tr: Translator) {
  await ctx.require('manage', WORKSPACE, 'change settings');
  const known = ctx.deps.connections.forTeam(ctx.teamId).some((c) => c.name === request.connection);
  if (!known)
    throw InvalidInputError.in(AUTO_RETRY_WORDS, 'auto-retry.settings.connection', {
      connection: request.connection.slice(0, 40),
    });
  const s = autoRetryState(ctx.deps);
  const was = s.policies.setFor(ctx.teamId, request.connection);
  const policy: RetryPolicy = {
    on: request.on,
    classes: request.classes ?? was?.classes ?? DEFAULT_CLASSES,
    max: request.max ?? was?.max ?? DEFAULT_MAX,
    afterMinutes: request.afterMinutes ?? was?.afterMinutes ?? DEFAULT_AFTER_MINUTES,
    dailyBudget: request.dailyBudget ?? was?.dailyBudget ?? DEFAULT_DAILY_BUDGET,
    // Whoever turns it on is whom it acts as; turning it off keeps no one's authority.
    by: request.on ? ctx.userId : (was?.by ?? ctx.userId),
    from: 'slack',
  };
  await ctx.audited('settings', `retry ${request.connection}: ${JSON.stringify(policy)}`, () =>
    s.policies.put(ctx.teamId, request.connection, policy),
  );
  const said = tr.with(AUTO_RETRY_WORDS).t('auto-retry.settings.updated', {
    connection: request.connection,
    how: policyWords(policy, tr),
  });
  return { said, next: await ctx.deps.settings.get(ctx.teamId) };
}

/** Its section of `/migrate settings`: a connection's automatic retries. */
export const retrySection: SettingsSection = {
  forms: [
    {
      words: ['retry'],
      usage:
        '/migrate settings retry <a connection> on [max <1-10>] [after <minutes>] [budget <n>] [classes network,transient,partial]',
    },
    { words: ['retry'], usage: '/migrate settings retry <a connection> off' },
  ],
  parse: (args) => {
    const request = parseRetry(args.slice(1));
    return (ctx, tr) => setRetry(ctx, request, tr);
  },
  // The settings shown are the workspace's record, which does not hold these: the change says them.
  lines: () => [],
};
