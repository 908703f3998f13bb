import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceKind, ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { parseRef } from '../../slack/command-text.js';
import { findResource } from '../../use-cases/context.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { listCuts } from './cut-list.js';
import { cutOf, FREEZE_MAX, FREEZE_MIN, STEPS, WATCH_DEFAULT_DAYS, WATCH_MAX_DAYS } from './cut-record.js';
import type { CutoverState } from './state.js';
import { readSchedule, resourceKey } from './sync-record.js';
import { parseWatch, type WatchInput, watchByHand } from './watch/watch-command.js';
import { CUTOVER_WORDS } from './words.js';

export const START_ACTION = 'cutover.cut.start';
/** Freeze minutes when none is said (the button under the verification post). */
export const FREEZE_DEFAULT = 30;

type Key = keyof (typeof CUTOVER_WORDS)['en'];
const bad = (key: Key, values?: Record<string, string | number>) =>
  InvalidInputError.in(CUTOVER_WORDS, key, values);

export type Target = { ref: ResourceRef } | { exact: { connection: string; kind: ResourceKind; id: string } };
export type CutInput = { target: Target; freezeMin: number; watchDays: number; word?: string };

const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `<id> [freeze <minutes>] [watch <days>]`, each piece checked apart so the refusal names which. */
export function parseCut(args: string[]): CutInput {
  const [first, ...rest] = args;
  if (!first || rest.length % 2 !== 0 || rest.length > 4) throw bad('cutover.cut.error.usage');
  let freezeMin = FREEZE_DEFAULT;
  let watchDays = WATCH_DEFAULT_DAYS;
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i += 2) {
    const word = rest[i]!.toLowerCase();
    if (seen.has(word)) throw bad('cutover.cut.error.usage');
    seen.add(word);
    if (word === 'freeze') {
      const n = whole(FREEZE_MIN, FREEZE_MAX).safeParse(rest[i + 1]);
      if (!n.success) throw bad('cutover.cut.error.freeze', { min: FREEZE_MIN, max: FREEZE_MAX });
      freezeMin = n.data;
    } else if (word === 'watch') {
      const n = whole(1, WATCH_MAX_DAYS).safeParse(rest[i + 1]);
      if (!n.success) throw bad('cutover.cut.error.watch', { max: WATCH_MAX_DAYS });
      watchDays = n.data;
    } else throw bad('cutover.cut.error.usage');
  }
  return { target: { ref: parseRef('cutover', [first]) }, freezeMin, watchDays, word: first };
}

/**
 * What may be cut over, checked the same way when asked and when started: operate where asked and
 * in its card's channel, the resource of this workspace (another's is not found), a run that
 * succeeded (not a first copy still running), a card to hold the post, no other cut-over of it.
 */
export async function admissible(ctx: HandlerContext, s: CutoverState, target: Target) {
  await ctx.require('operate', ctx.here, 'cut a migration over');
  const { resource, connection } = await findResource(ctx, target);
  const ref = `${resource.connection}:${resource.id}`;
  const watches = await watchesOf(s.core.watcher.store, {
    teamId: ctx.teamId,
    connection: resource.connection,
    kind: resource.kind,
    id: resource.id,
  });
  const channels = watches.filter((w) => !w.record.follow).map((w) => w.record.watch.channelId);
  const channel = channels.find((c) => c === ctx.channelId) ?? channels[0];
  if (!channel) throw bad('cutover.refused.unwatched', { ref });
  if (channel !== ctx.channelId) await ctx.require('operate', channelScope(channel), 'cut a migration over');
  if (resource.state !== 'succeeded')
    throw bad('cutover.cut.refused.state', { ref: code(ref), state: resource.state });
  const earlier = await cutOf(s.core.state, ctx.teamId, resource.connection, resource.id);
  if (earlier && earlier.status !== 'aborted')
    throw bad('cutover.cut.refused.again', {
      ref: code(ref),
      status: earlier.status,
      starter: `<@${earlier.starter}>`,
    });
  return { resource, connection, channel, ref };
}

/** The one confirmation: the steps exactly as they will run, and Start. Nothing is changed yet. */
export async function confirmCut(ctx: HandlerContext, s: CutoverState, input: CutInput): Promise<void> {
  const { resource, channel, ref } = await admissible(ctx, s, input.target);
  const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
  const head = t.t('cutover.cut.confirm', {
    name: escapeMrkdwn(resource.name),
    ref: code(ref),
    channel: `<#${channel}>`,
  });
  const syncs = (await syncing(s, ctx.teamId, [resource])) ? 1 : 0;
  const text = `${head}\n${stepLines(t, input, { syncs, of: 1 }).join('\n')}`;
  const value = JSON.stringify({
    c: resource.connection,
    k: resource.kind,
    id: resource.id,
    f: input.freezeMin,
    w: input.watchDays,
  });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: START_ACTION,
          style: 'danger',
          value,
          text: { type: 'plain_text', text: t.t('cutover.cut.button.start') },
        },
      ],
    },
  ];
  await ctx.reply({ text, blocks });
}

/** How many of `resources` keep in sync now (approved or asked): the final delta's step stops each. */
export async function syncing(
  s: CutoverState,
  team: string,
  resources: readonly { connection: string; id: string }[],
): Promise<number> {
  let n = 0;
  for (const r of resources) {
    const id = await s.core.state.get(resourceKey(team, r.connection, r.id));
    const schedule = id ? await readSchedule(s.core.state, team, id) : undefined;
    if (schedule && schedule.status !== 'stopped') n++;
  }
  return n;
}

/**
 * The steps as they will run, numbered: the final delta's line says whether a keep-in-sync stops
 * (`syncs` of `of` migrations); a plan's freeze is its one notice in the channel, not one per migration.
 */
export function stepLines(
  t: ReturnType<Translator['with']>,
  input: Pick<CutInput, 'freezeMin' | 'watchDays'>,
  delta: { syncs: number; of: number },
  plan = false,
): string[] {
  const values = { freeze: input.freezeMin, days: input.watchDays, n: delta.syncs, total: delta.of };
  const key = (name: (typeof STEPS)[number]) => {
    if (name === 'freeze' && plan) return 'cutover.plan.step.freeze' as const;
    if (name !== 'delta') return `cutover.cut.plan.${name}` as const;
    if (delta.syncs === 0) return 'cutover.cut.plan.deltaOnly' as const;
    return delta.syncs < delta.of
      ? ('cutover.cut.plan.deltaSome' as const)
      : ('cutover.cut.plan.delta' as const);
  };
  return STEPS.map((name, i) => `${i + 1}. ${t.t(key(name), values)}`);
}

/** Handles the ask when its word names a plan (true), else leaves it to the single cut-over. */
export type PlanCutAsk = (ctx: HandlerContext, s: CutoverState, input: CutInput) => Promise<boolean>;

/**
 * `/migrate cutover <id> [freeze <minutes>] [watch <days>]`, `/migrate cutover list`, and
 * `/migrate cutover watch <id> <days>` (the old-bucket watch started by hand).
 */
export function cutCommand(of: (ctx: HandlerContext) => CutoverState, plan?: PlanCutAsk) {
  return defineSubcommand<CutInput | { list: true } | { watch: WatchInput }>({
    name: 'cutover',
    needs: 'operate',
    usage: '/migrate cutover <id|plan> [freeze <minutes>] [watch <days>]',
    forms: [
      { words: [''], usage: '/migrate cutover <id|plan> [freeze <minutes>] [watch <days>]' },
      { words: ['list'], usage: '/migrate cutover list' },
      { words: ['watch'], usage: '/migrate cutover watch <id> <days>' },
    ],
    summary: CUTOVER_WORDS.en['help.summary.cutover'],
    words: CUTOVER_WORDS,
    example: (f) => `/migrate cutover ${f.id({ states: ['succeeded'] }) ?? '<id>'} freeze 30`,
    related: ['keep-sync', 'verify'],
    parse: (args) => {
      const first = args[0]?.toLowerCase();
      if (args.length === 1 && first === 'list') return { list: true };
      if (first === 'watch') return { watch: parseWatch(args) };
      return parseCut(args);
    },
    run: (ctx, parsed) =>
      'list' in parsed
        ? listCuts(ctx, of(ctx))
        : 'watch' in parsed
          ? watchByHand(ctx, of(ctx), parsed.watch)
          : (async () => {
              if (!(await plan?.(ctx, of(ctx), parsed))) await confirmCut(ctx, of(ctx), parsed);
            })(),
  });
}
