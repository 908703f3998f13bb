import { randomBytes } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceKind, ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { parseRef } from '../../slack/command-text.js';
import { SKIP } from '../../store/atomic-kv.js';
import { findResource } from '../../use-cases/context.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import type { CutoverState } from './state.js';
import { stop } from './sync-job.js';
import {
  MAX_AHEAD_MS,
  MAX_RUNS,
  MIN_CADENCE_H,
  readSchedule,
  resourceKey,
  type SyncSchedule,
  scheduleKey,
  teamSet,
} from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

export const APPROVE_ACTION = 'cutover.sync.approve';
export const REJECT_ACTION = 'cutover.sync.reject';

const HOUR = 3_600_000;
const bad = (key: keyof (typeof CUTOVER_WORDS)['en'], values?: Record<string, string | number>) =>
  InvalidInputError.in(CUTOVER_WORDS, key, values);

const cadence = z
  .string()
  .regex(/^\d{1,4}h$/i)
  .transform((s) => Number.parseInt(s, 10));
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const relative = /^\+(\d{1,3})d$/i;
/** A date (UTC midnight), a full ISO time, or `+<N>d`: N days from when it is asked. */
const until = z
  .string()
  .max(40)
  .transform((s): number | { days: number } => {
    const days = relative.exec(s)?.[1];
    if (days !== undefined) return { days: Number(days) };
    return dateOnly.test(s) ? Date.parse(`${s}T00:00:00Z`) : Date.parse(s);
  })
  .refine((n) => typeof n !== 'number' || Number.isFinite(n));
const maxRuns = z.coerce.number().int().min(1).max(MAX_RUNS);

export type SyncInput = {
  everyH: number;
  until: number | { days: number };
  max?: number;
  /** The first word as typed: a plan's id or name asks for every migration of the plan. */
  word?: string;
} & ({ ref: ResourceRef } | { exact: { connection: string; kind: ResourceKind; id: string } });

/** `<id> every <N>h until <date> [max <n>]`: each piece checked apart, so the refusal names which. */
export function parseSync(args: string[]): SyncInput {
  const w = args.map((a) => a.toLowerCase());
  if (!(args.length === 5 || args.length === 7) || w[1] !== 'every' || w[3] !== 'until')
    throw bad('cutover.error.usage');
  if (args.length === 7 && w[5] !== 'max') throw bad('cutover.error.usage');
  const every = cadence.safeParse(args[2]);
  if (!every.success || every.data < 1) throw bad('cutover.error.cadence');
  const end = until.safeParse(args[4]);
  if (!end.success) throw bad('cutover.error.until');
  let max: number | undefined;
  if (args.length === 7) {
    const m = maxRuns.safeParse(args[6]);
    if (!m.success) throw bad('cutover.error.max', { max: MAX_RUNS });
    max = m.data;
  }
  return {
    ref: parseRef('keep-sync', args.slice(0, 1)),
    word: args[0]!,
    everyH: every.data,
    until: end.data,
    ...(max ? { max } : {}),
  };
}

/** The request's words: cadence, end, maximum, and what one delta costs on this cloud. */
export function requestBlocks(
  s: SyncSchedule,
  mode: 'since' | 'again' | 'restart',
  since: number | undefined,
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  const t = tr.with(CUTOVER_WORDS);
  const ref = code(`${s.connection}:${s.resourceId}`);
  const head = t.t('cutover.request', {
    name: escapeMrkdwn(s.name),
    ref,
    every: s.everyH,
    // Each reader's own time zone (Slack's date token), not an ISO string with milliseconds.
    until: slackDate(new Date(s.until)),
    max: s.max,
    requester: `<@${s.requester}>`,
  });
  const modeText = t.t(`cutover.mode.${mode}`, {
    since: since !== undefined ? slackDate(new Date(since)) : '?',
  });
  const preflight = t.t('cutover.preflight', { mode: modeText });
  const cost = t.t(`cutover.cost.${mode}`, { provider: s.provider });
  const text = `${head}\n${preflight}\n${cost}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${preflight}\n${cost}` }] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION,
            style: 'primary',
            value: s.id,
            text: { type: 'plain_text', text: t.t('cutover.button.approve') },
          },
          {
            type: 'button',
            action_id: REJECT_ACTION,
            value: s.id,
            text: { type: 'plain_text', text: t.t('cutover.button.reject') },
          },
        ],
      },
    ],
  };
}

/**
 * Asks for a keep-in-sync: the policy asked where it is typed (operate), the resource found in this
 * workspace only (another workspace's is not found) and the policy asked in its card's channel, the bounds checked, one delta
 * planned with the provider (nothing created), and the schedule saved pending its approval.
 */
export async function requestSync(ctx: HandlerContext, s: CutoverState, input: SyncInput): Promise<void> {
  await ctx.require('operate', ctx.here, 'keep a migration in sync');
  const { schedule, mode, since, ref } = await prepareSync(ctx, s, input);
  const { channel } = schedule;
  await ctx.audited('cutover.sync.request', ref, () => holdSchedule(s, schedule));
  // Posted in the card's channel, where its approvers are, whichever surface asked (a modal has no channel reply).
  const channelTr = await s.core.locales.translatorForChannel(ctx.teamId, channel);
  await s.core.sender.to(ctx.teamId).post({ channel, ...requestBlocks(schedule, mode, since, channelTr) });
  const tr = await ctx.translator('person');
  await ctx.reply({
    text: tr.with(CUTOVER_WORDS).t('cutover.asked', { channel: `<#${channel}>`, ref: code(ref) }),
  });
}

/** One schedule held for its resource (compare-and-set, so two asks never both hold it) and saved pending. */
export async function holdSchedule(s: CutoverState, schedule: SyncSchedule): Promise<void> {
  const { team, id } = schedule;
  const key = resourceKey(team, schedule.connection, schedule.resourceId);
  const held = await s.core.state.update(key, (current) => (current === undefined ? id : SKIP));
  if (held !== id)
    throw bad('cutover.refused.already', {
      ref: `${schedule.connection}:${schedule.resourceId}`,
      id: held ?? '?',
    });
  await s.core.state.update(scheduleKey(team, id), () => JSON.stringify(schedule));
  await s.core.state.setAdd(teamSet(team), id);
}

/**
 * A keep-in-sync as it would be asked, checked and planned (nothing written): the resource of this
 * workspace in its card's channel (operate there), the bounds, and one delta planned with the provider.
 */
export async function prepareSync(ctx: HandlerContext, s: CutoverState, input: SyncInput) {
  const { resource, connection, provider } = await findResource(
    ctx,
    'ref' in input ? { ref: input.ref } : { exact: input.exact },
  );
  const ref = `${resource.connection}:${resource.id}`;
  const watches = await watchesOf(s.core.watcher.store, {
    teamId: ctx.teamId,
    connection: resource.connection,
    kind: resource.kind,
    id: resource.id,
  });
  const channels = watches.map((w) => w.record.watch.channelId);
  const channel = channels.find((c) => c === ctx.channelId) ?? channels[0];
  if (!channel) throw bad('cutover.refused.unwatched', { ref });
  // Its runs are told and created in its card's channel: operate there too, as a delta run asks.
  if (channel !== ctx.channelId)
    await ctx.require('operate', channelScope(channel), 'keep a migration in sync');
  const now = s.core.clock.now();
  const rerun = isProviderId(connection.provider)
    ? providerDefinition(connection.provider).reruns
    : undefined;
  const min = rerun ? MIN_CADENCE_H[rerun.what] : 1;
  if (input.everyH < min)
    throw bad('cutover.refused.cadence', { provider: connection.provider, min, every: input.everyH });
  const untilAt = typeof input.until === 'number' ? input.until : now + input.until.days * 24 * HOUR;
  const untilText = new Date(untilAt).toISOString();
  if (untilAt <= now) throw bad('cutover.refused.past', { until: untilText });
  if (untilAt - now > MAX_AHEAD_MS)
    throw bad('cutover.refused.tooFar', { until: untilText, days: MAX_AHEAD_MS / (24 * HOUR) });
  if (!provider.nextRun) throw bad('cutover.refused.provider', { provider: connection.provider });
  if (resource.state !== 'succeeded') throw bad('cutover.refused.state', { state: resource.state });
  const next = await provider.nextRun(resource.kind, resource.id, `${resource.name} · sync`);
  const slots = Math.floor((untilAt - now) / (input.everyH * HOUR));
  const id = randomBytes(5).toString('hex');
  const schedule: SyncSchedule = {
    id,
    team: ctx.teamId,
    channel,
    connection: resource.connection,
    provider: connection.provider,
    kind: resource.kind,
    resourceId: resource.id,
    name: resource.name.slice(0, 1024),
    everyH: input.everyH,
    until: untilAt,
    // Unsaid, the maximum is what the cadence fits before the end date.
    max: input.max ?? Math.max(1, Math.min(slots, MAX_RUNS)),
    requester: ctx.userId,
    status: 'pending',
    createdAt: now,
    runs: [],
  };
  const mode: 'since' | 'again' | 'restart' =
    next.mode === 'restart' ? 'restart' : next.since !== undefined ? 'since' : 'again';
  return { schedule, mode, since: next.since, ref };
}

/**
 * Calls a keep-in-sync off (asked or approved): operate where typed and in its card's channel, one
 * compare-and-set to stopped, said once in the thread; runs already started go on, one not
 * started yet never starts (`stop` withdraws it).
 */
export async function stopSync(ctx: HandlerContext, s: CutoverState, target: ResourceRef): Promise<void> {
  await ctx.require('operate', ctx.here, 'stop keeping a migration in sync');
  const { resource } = await findResource(ctx, { ref: target });
  const ref = `${resource.connection}:${resource.id}`;
  const id = await s.core.state.get(resourceKey(ctx.teamId, resource.connection, resource.id));
  const schedule = id ? await readSchedule(s.core.state, ctx.teamId, id) : undefined;
  if (!schedule || schedule.status === 'stopped') throw bad('cutover.refused.none', { ref: code(ref) });
  if (schedule.channel !== ctx.channelId)
    await ctx.require('operate', channelScope(schedule.channel), 'stop keeping a migration in sync');
  const now = s.core.clock.now();
  const stopped = await ctx.audited('cutover.sync.stop', ref, () =>
    stop(s, schedule, 'called', now, ctx.userId),
  );
  if (!stopped) throw bad('cutover.refused.none', { ref: code(ref) });
  const tr = (await ctx.translator('person')).with(CUTOVER_WORDS);
  await ctx.reply({ text: tr.t('cutover.stopped', { ref: code(ref), runs: stopped.made }) });
}

/** Handles the ask when its word names a plan (true), else leaves it to the single keep-in-sync. */
export type PlanSyncAsk = (
  ctx: HandlerContext,
  s: CutoverState,
  input: SyncInput | { stop: ResourceRef; word: string },
) => Promise<boolean>;

/**
 * `/migrate keep-sync <id> every <N>h until <date> [max <n>]` (`/migrate sync` is the core's list of
 * OMS sync tasks, so the issue's `sync <id> every …` is spelled `keep-sync`).
 */
export function syncCommand(of: (ctx: HandlerContext) => CutoverState, plan?: PlanSyncAsk) {
  return defineSubcommand<SyncInput | { stop: ResourceRef; word: string }>({
    name: 'keep-sync',
    needs: 'operate',
    usage: '/migrate keep-sync <id|plan> every <N>h until <YYYY-MM-DD | +<N>d> [max <n>]',
    forms: [
      { words: [''], usage: '/migrate keep-sync <id|plan> every <N>h until <YYYY-MM-DD | +<N>d> [max <n>]' },
      { words: ['stop'], usage: '/migrate keep-sync stop <id|plan>' },
    ],
    summary: CUTOVER_WORDS.en['help.summary.keep-sync'],
    words: CUTOVER_WORDS,
    example: (f) =>
      `/migrate keep-sync ${f.id({ states: ['succeeded'] }) ?? '<id>'} every 6h until +14d max 20`,
    related: ['status', 'watch'],
    parse: (args) =>
      args[0]?.toLowerCase() === 'stop' && args.length === 2
        ? { stop: parseRef('keep-sync', args.slice(1)), word: args[1]! }
        : parseSync(args),
    run: async (ctx, parsed) => {
      if (await plan?.(ctx, of(ctx), parsed)) return;
      await ('stop' in parsed ? stopSync(ctx, of(ctx), parsed.stop) : requestSync(ctx, of(ctx), parsed));
    },
  });
}
