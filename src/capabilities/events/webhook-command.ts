import { WORKSPACE } from '../../access/policy.js';
import { defineSubcommand, formWord, type SubcommandForm } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { maskUrls } from '../../url-credentials.js';
import { CATEGORIES, type Category, testEvent } from './envelope.js';
import { checkHookUrl } from './hook-url.js';
import type { Hook } from './hooks.js';
import type { EventsState } from './state.js';
import { EVENT_WORDS } from './words.js';

type WebhookRequest =
  | { op: 'list' }
  | { op: 'add'; url: string; events: Category[]; connection?: string }
  | { op: 'remove' | 'test'; id: string };

const FORMS: readonly SubcommandForm[] = [
  { words: ['list', ''], usage: '/migrate webhook list' },
  { words: ['add'], usage: '/migrate webhook add <https url> [events…] [connection]' },
  { words: ['remove', 'rm'], usage: '/migrate webhook remove <id>' },
  { words: ['test'], usage: '/migrate webhook test <id>' },
];

export function parseWebhook(args: string[]): WebhookRequest {
  const [op, first, ...rest] = args;
  const verb = formWord(FORMS, op);
  if (verb === 'list') return { op: 'list' };
  if (verb === 'add') {
    if (!first) throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.usage');
    const events: Category[] = [];
    let connection: string | undefined;
    for (const word of rest) {
      const category = CATEGORIES.find((c) => c === word.toLowerCase());
      if (category) events.push(category);
      else if (connection === undefined && /^[A-Za-z0-9][\w.-]{0,62}$/.test(word)) connection = word;
      else throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.events', { events: CATEGORIES.join(', ') });
    }
    return { op: 'add', url: first, events: [...new Set(events)], ...(connection ? { connection } : {}) };
  }
  if ((verb === 'remove' || verb === 'test') && first && /^h[0-9a-f]{6}$/.test(first) && rest.length === 0)
    return { op: verb, id: first };
  throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.usage');
}

function hookLine(
  hook: Hook,
  stats: Awaited<ReturnType<EventsState['hooks']['stats']>>,
  queued: number,
  tr: Translator,
) {
  const events =
    hook.events.length > 0 ? hook.events.join(', ') : tr.with(EVENT_WORDS).t('webhook.allEvents');
  const where = hook.connection ? ` · ${code(hook.connection)}` : '';
  const last = stats.last
    ? tr.with(EVENT_WORDS).t(stats.last.ok ? 'webhook.lastOk' : 'webhook.lastFailed', {
        // Each reader's own time zone, as every other surface shows times (UTC where Slack cannot).
        at: slackDate(new Date(stats.last.at)),
        status: stats.last.status,
      })
    : tr.with(EVENT_WORDS).t('webhook.never');
  const counts = tr.with(EVENT_WORDS).t('webhook.counts', {
    delivered: stats.delivered,
    failures: stats.failures,
    dropped: stats.dropped,
    queued,
  });
  // The list is read by every admin, not only whoever added it: a `?token=` is not shown.
  return `${code(hook.id)} ${escapeMrkdwn(maskUrls(hook.url))} · ${escapeMrkdwn(events)}${where}\n  ${last} · ${counts}`;
}

/** `/migrate webhook add|list|remove|test`: a workspace's signed event webhooks (admins). */
export function webhookCommand(stateOf: (deps: never) => EventsState) {
  return defineSubcommand<WebhookRequest>({
    name: 'webhook',
    needs: 'manage',
    usage: '/migrate webhook add <https url> [events…] [connection]',
    forms: FORMS,
    summary: EVENT_WORDS.en['help.summary.webhook'],
    words: EVENT_WORDS,
    example: (f) =>
      `/migrate webhook add https://hooks.example.com/migrations failures completion ${f.connection() ?? ''}`.trimEnd(),
    related: ['token', 'audit'],
    parse: (args) => parseWebhook(args),
    async run(ctx, request) {
      // A webhook's URL may carry a receiver's own token: only admins see or change them.
      await ctx.require('manage', WORKSPACE, request.op === 'list' ? 'see webhooks' : 'manage webhooks');
      const s = stateOf(ctx.deps as never);
      const tr = await ctx.translator('person');
      if (request.op === 'list') {
        const hooks = await s.hooks.list(ctx.teamId);
        const lines = await Promise.all(
          hooks.map(async (h) =>
            hookLine(
              h,
              await s.hooks.stats(ctx.teamId, h.id),
              await s.deliveries.queued(ctx.teamId, h.id),
              tr,
            ),
          ),
        );
        await ctx.reply({
          text: lines.length > 0 ? lines.join('\n') : tr.with(EVENT_WORDS).t('webhook.none'),
        });
        return;
      }
      if (request.op === 'add') {
        const checked = checkHookUrl(request.url, s.allowedEndpoints);
        if (!checked.ok) throw InvalidInputError.in(EVENT_WORDS, `webhook.error.${checked.reason}`);
        if (request.connection) ctx.deps.connections.get(ctx.teamId, request.connection);
        const added = await ctx.audited('webhook.add', checked.url, async () =>
          s.hooks.add(ctx.teamId, {
            url: checked.url,
            events: request.events,
            ...(request.connection ? { connection: request.connection } : {}),
            createdBy: ctx.userId,
            createdAt: s.now(),
          }),
        );
        if (!added) throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.tooMany', { max: 10 });
        await ctx.reply({
          text: tr.with(EVENT_WORDS).t('webhook.added', {
            id: code(added.hook.id),
            url: escapeMrkdwn(added.hook.url),
            secret: code(added.secret),
          }),
        });
        return;
      }
      const hook = (await s.hooks.list(ctx.teamId)).find((h) => h.id === request.id);
      if (!hook) throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.unknown', { id: request.id });
      if (request.op === 'remove') {
        await ctx.audited('webhook.remove', hook.id, async () => {
          await s.hooks.remove(ctx.teamId, hook.id);
          await s.deliveries.forget(ctx.teamId, hook.id);
        });
        await ctx.reply({ text: tr.with(EVENT_WORDS).t('webhook.removed', { id: code(hook.id) }) });
        return;
      }
      await ctx.audited('webhook.test', hook.id, () =>
        s.deliveries.enqueue(ctx.teamId, [testEvent(ctx.teamId, hook.id, ctx.userId, s.now())]),
      );
      await ctx.reply({ text: tr.with(EVENT_WORDS).t('webhook.tested', { id: code(hook.id) }) });
    },
  });
}
