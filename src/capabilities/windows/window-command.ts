import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand, formWord, type SubcommandForm } from '../../contract/subcommand.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { providerDefinition } from '../../providers/registry.js';
import { capabilityFor, scopeFor } from '../../resources/perform-action.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { zonedTime } from '../../slack/blocks/zoned-words.js';
import { CONNECTION_WORD, RESOURCE_REF, refuseShare } from '../../slack/command-text.js';
import { canonicalZone, daysWord, hhmm, isTimeZone, parseDays, parseSpan } from '../../time/zoned-time.js';
import { initialEdge, occurrenceToSkip } from './window-edges.js';
import type { Released } from './window-pass.js';
import { windowsState } from './window-state.js';
import { MAX_WINDOWS, type TimeWindow, type WindowStore, type WindowTarget } from './window-store.js';
import { nextWords, targetWords, windowLine } from './window-words.js';
import { WINDOW_WORDS } from './words.js';

/** OMS caps bandwidth at 1..200 MB/s (seed 002 §5.2.7: 1,048,576..209,715,200 B/s). */
const MB = 1024 * 1024;
const MAX_MBPS = 200;

type WindowRequest =
  | {
      op: 'add';
      target: string;
      days: number[];
      start: number;
      end: number;
      zone?: string;
      limitMbps?: number;
      name?: string;
    }
  | { op: 'list'; target?: string }
  | { op: 'remove' | 'skip'; id: string };

function usage(): never {
  throw InvalidInputError.in(WINDOW_WORDS, 'window.error.usage');
}

function parseAdd(words: string[]): WindowRequest {
  const asAt = words.findIndex((w) => w.toLowerCase() === 'as' || w.toLowerCase() === 'named');
  const name =
    asAt >= 0
      ? words
          .slice(asAt + 1)
          .join(' ')
          .slice(0, 80)
      : undefined;
  const rest = asAt >= 0 ? words.slice(0, asAt) : [...words];
  const [target, daysTyped, spanTyped, ...tail] = rest;
  if (!target || !daysTyped || !spanTyped || (asAt >= 0 && !name)) usage();
  if (!CONNECTION_WORD.test(target) && !RESOURCE_REF.test(target)) usage();
  const days = parseDays(daysTyped);
  if (!days) throw InvalidInputError.in(WINDOW_WORDS, 'window.error.days', { days: daysTyped.slice(0, 40) });
  const span = parseSpan(spanTyped);
  if (!span) throw InvalidInputError.in(WINDOW_WORDS, 'window.error.span', { span: spanTyped.slice(0, 40) });
  const request: WindowRequest = { op: 'add', target, days, ...span, ...(name ? { name } : {}) };
  let i = 0;
  if (tail[i] && /\//.test(tail[i]!) && tail[i]!.toLowerCase() !== 'mb/s') {
    if (!isTimeZone(tail[i]!))
      throw InvalidInputError.in(WINDOW_WORDS, 'window.error.zone', { zone: tail[i]!.slice(0, 60) });
    request.zone = canonicalZone(tail[i++]!);
  } else if (tail[i]?.toUpperCase() === 'UTC') {
    request.zone = 'UTC';
    i++;
  }
  const action = tail[i]?.toLowerCase();
  if (action === 'pause') i++;
  else if (action === 'limit') {
    const m = /^(\d{1,3})(?:mb\/s|mbps)?$/i.exec(tail[i + 1] ?? '');
    const n = m ? Number(m[1]) : Number.NaN;
    if (!(n >= 1 && n <= MAX_MBPS)) throw InvalidInputError.in(WINDOW_WORDS, 'window.error.limit');
    request.limitMbps = n;
    i += 2;
    if (/^mb\/s|mbps$/i.test(tail[i] ?? '')) i++;
  }
  if (i < tail.length) usage();
  return request;
}

/** Every form of `/migrate window`: its parser takes these and no other, and help lists them all. */
const FORMS: readonly SubcommandForm[] = [
  { words: ['list', ''], usage: '/migrate window list [target]' },
  {
    words: ['add'],
    usage:
      '/migrate window add <target> <days> <HH:MM>-<HH:MM> [time zone] [pause | limit <N> MB/s] [as <name>]',
  },
  { words: ['remove', 'delete'], usage: '/migrate window remove <id>' },
  { words: ['skip'], usage: '/migrate window skip <id>' },
];

export function parseWindow(args: readonly string[]): WindowRequest {
  const [op, ...words] = args;
  const form = formWord(FORMS, op);
  if (form === 'add') return parseAdd(words);
  if (form === 'list') {
    if (words.length > 1) usage();
    return { op: 'list', ...(words[0] ? { target: words[0] } : {}) };
  }
  if (form !== 'remove' && form !== 'skip') usage();
  // The id `window list` shows (`w` and six hex digits).
  if (words.length !== 1 || !/^w[0-9a-f]{6}$/i.test(words[0]!)) usage();
  return { op: form, id: words[0]!.toLowerCase() };
}

/** What the target names: a connection of the workspace, else a resource as `status` resolves it. */
async function resolveTarget(ctx: HandlerContext, typed: string) {
  const connection = ctx.deps.connections.forTeam(ctx.teamId).find((c) => c.name === typed);
  if (connection) {
    const target: WindowTarget = { kind: 'connection', connection: connection.name };
    return { target, connection, provider: ctx.deps.connections.provider(connection, 'interactive') };
  }
  const m = RESOURCE_REF.exec(typed)!;
  const {
    connection: found,
    provider,
    resource,
  } = await ctx.deps.resources.resolver.resolve(ctx.teamId, {
    ...(m[1] ? { connection: m[1] } : {}),
    id: m[2]!,
  });
  const target: WindowTarget =
    resource.kind === 'task-group'
      ? { kind: 'group', connection: found.name, id: resource.id }
      : {
          kind: 'resource',
          connection: found.name,
          resourceKind: resource.kind,
          id: resource.id,
          name: resource.name,
        };
  return { target, connection: found, provider };
}

/** The reply to `window remove`: what it let go of, and what a person paused by hand stays paused. */
function removedWords(w: TimeWindow, released: Released | undefined, tr: Translator): string {
  const names = (rs: readonly MigrationResource[]) =>
    rs.map((r) => `*${escapeMrkdwn(r.name ?? r.id)}*`).join(', ');
  const lines = [
    tr.with(WINDOW_WORDS).t('window.removed', { id: code(w.id), name: `*${escapeMrkdwn(w.name)}*` }),
  ];
  if (released?.resumed.length)
    lines.push(tr.with(WINDOW_WORDS).t('window.removedResumed', { list: names(released.resumed) }));
  if (released?.lifted.length)
    lines.push(tr.with(WINDOW_WORDS).t('window.removedLifted', { list: names(released.lifted) }));
  if (released?.kept.length)
    lines.push(tr.with(WINDOW_WORDS).t('window.removedKept', { list: names(released.kept) }));
  if (released?.ruled.length)
    lines.push(tr.with(WINDOW_WORDS).t('window.removedRuled', { list: names(released.ruled) }));
  const told = released ? Object.values(released).reduce((n, rs) => n + rs.length, 0) : 0;
  if (told === 0) lines.push(tr.with(WINDOW_WORDS).t('window.removedNothing'));
  return lines.join('\n');
}

async function find(ctx: HandlerContext, store: WindowStore, id: string): Promise<TimeWindow> {
  const found = (await store.list(ctx.teamId)).find((w) => w.id === id);
  if (!found) throw NotFoundError.in(WINDOW_WORDS, 'window.error.unknown', { id: code(id) });
  return found;
}

async function run(ctx: HandlerContext, request: WindowRequest): Promise<void> {
  const { store, pass } = windowsState(ctx.deps);
  const tr = await ctx.translator('person');
  const now = ctx.deps.clock.now();
  // The same policy as pausing and resuming what the window acts on.
  const operate = () => ctx.require(capabilityFor('pause'), scopeFor('pause', ctx.here), 'set time windows');
  if (request.op === 'list') {
    await ctx.require('view', ctx.here, 'see time windows');
    const all = (await store.list(ctx.teamId)).filter(
      (w) => !request.target || targetWords(w) === request.target || w.target.connection === request.target,
    );
    const lines = all.map((w) => windowLine(w, tr, nextWords(w, now, tr)));
    await ctx.reply({
      text:
        lines.length > 0
          ? [tr.with(WINDOW_WORDS).t('window.list.head'), ...lines].join('\n')
          : tr.with(WINDOW_WORDS).t('window.list.none'),
    });
    return;
  }
  await operate();
  if (request.op === 'remove') {
    const w = await find(ctx, store, request.id);
    const removed = await ctx.audited('window.remove', w.id, () => store.remove(ctx.teamId, w.id));
    // Removed while it holds: what it paused is resumed now (once: only this caller got `removed`).
    const released = removed ? await pass.release(ctx.teamId, removed) : undefined;
    await ctx.reply({ text: removedWords(w, released, tr) });
    return;
  }
  if (request.op === 'skip') {
    const w = await find(ctx, store, request.id);
    const skipped = occurrenceToSkip(w, now);
    if (!skipped) usage();
    await ctx.audited('window.skip', w.id, () =>
      store.change(ctx.teamId, w.id, (c) => ({ ...c, skip: skipped.start })),
    );
    await ctx.reply({
      text: tr.with(WINDOW_WORDS).t('window.skipped', {
        id: code(w.id),
        name: `*${w.name}*`,
        when: zonedTime(skipped.start, w.zone, tr),
      }),
    });
    return;
  }
  if (request.op !== 'add') return;
  const { target, connection, provider } = await resolveTarget(ctx, request.target);
  const label = providerDefinition(connection.provider).label;
  if (request.limitMbps === undefined && !provider.pause)
    throw InvalidInputError.in(WINDOW_WORDS, 'window.error.cannotPause', { provider: label });
  if (request.limitMbps !== undefined && !provider.setBandwidth)
    throw InvalidInputError.in(WINDOW_WORDS, 'window.error.cannotLimit', { provider: label });
  // No zone typed: the workspace's (`/migrate settings time-zone`), else UTC.
  const zone = request.zone ?? (await ctx.deps.settings.get(ctx.teamId)).timeZone ?? 'UTC';
  const base: Omit<TimeWindow, 'id'> = {
    name: request.name ?? `${daysWord(request.days as never)} ${hhmm(request.start)}–${hhmm(request.end)}`,
    target,
    days: request.days,
    start: request.start,
    end: request.end,
    zone,
    action:
      request.limitMbps === undefined
        ? { kind: 'pause' }
        : { kind: 'limit', bytesPerSecond: request.limitMbps * MB },
    by: ctx.userId,
    ...(ctx.channelId ? { channelId: ctx.channelId } : {}),
    createdAt: now,
  };
  const edge = initialEdge({ ...base, id: '' }, now);
  const added = await ctx.audited('window.add', targetWords(base), () =>
    store.add(ctx.teamId, { ...base, ...(edge ? { edge } : {}) }),
  );
  if (!added) throw InvalidInputError.in(WINDOW_WORDS, 'window.error.full', { max: MAX_WINDOWS });
  await ctx.reply({
    text: tr.with(WINDOW_WORDS).t('window.added', { line: windowLine(added, tr, nextWords(added, now, tr)) }),
  });
}

export const windowCommand = defineSubcommand<WindowRequest>({
  name: 'window',
  needs: 'operate',
  aliases: ['windows'],
  usage: '/migrate window [list [target] | add <target> <days> <HH:MM>-<HH:MM> … | remove <id> | skip <id>]',
  forms: FORMS,
  summary: WINDOW_WORDS.en['help.summary.window'],
  words: WINDOW_WORDS,
  example: (f) =>
    `/migrate window add ${f.connection() ?? '<connection>'} weekdays 09:00-18:00 Asia/Seoul as office hours`,
  related: ['pause', 'resume', 'bandwidth'],
  parse: (args, share) => {
    refuseShare('window', share);
    return parseWindow(args);
  },
  run,
});
