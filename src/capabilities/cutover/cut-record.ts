import { z } from 'zod';
import { RESOURCE_KINDS } from '../../domain/migration-resource.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import { changeJson } from '../../store/change-json.js';

/** Freeze minutes a cut-over may announce (documented in docs/usage.md). */
export const FREEZE_MIN = 1;
export const FREEZE_MAX = 1_440;
/** Days the old bucket is watched after the cut-over (default, bounds). */
export const WATCH_DEFAULT_DAYS = 7;
export const WATCH_MAX_DAYS = 30;

/** What a cut-over does once whoever holds its step (cut-lease.ts `markOnce`). */
export const ONCE = ['notice', 'posted', 'started'] as const;

export const STEPS = ['freeze', 'delta', 'check', 'signoff', 'complete'] as const;
export type StepName = (typeof STEPS)[number];
/** `override`: red, then overridden by an approver who did not start it (green for what follows). */
export const STEP_STATES = ['waiting', 'running', 'green', 'red', 'override', 'skipped'] as const;
export type StepState = (typeof STEP_STATES)[number];

const step = z.strictObject({
  state: z.enum(STEP_STATES),
  at: z.number().optional(),
  /** Why red, or what it found: a catalogue key's value, already inert (code) where typed by no one. */
  detail: z.string().max(300).optional(),
  /** The replica that claimed it (a running step is done by that replica only, while its lease holds). */
  by: z.string().max(80).optional(),
  /** The holder's last sign of life while it works (its lease runs from this or `at`, cut-lease.ts). */
  beat: z.number().optional(),
  /** When the step was first taken, kept when another replica takes it over (the freeze ends from it). */
  since: z.number().optional(),
});
export type Step = z.infer<typeof step>;

const figures = z.strictObject({
  source: z.number().int(),
  destination: z.number().int(),
  matched: z.number().int(),
  missing: z.number().int(),
  different: z.number().int(),
  extra: z.number().int(),
  /** Listed only up to here: the check did not reach the end. */
  cut: z.boolean().optional(),
});
export type CheckFigures = z.infer<typeof figures>;

export const cutSchema = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{10}$/),
  team: z.string().min(1).max(40),
  channel: z.string().min(1).max(40),
  connection: z.string().min(1).max(40),
  provider: z.string().min(1).max(40),
  kind: z.enum(RESOURCE_KINDS),
  resourceId: z.string().min(1).max(200),
  name: z.string().max(1024),
  starter: z.string().min(1).max(40),
  startedAt: z.number(),
  freezeMin: z.number().int().min(FREEZE_MIN).max(FREEZE_MAX),
  watchDays: z.number().int().min(1).max(WATCH_MAX_DAYS),
  status: z.enum(['running', 'aborted', 'complete']),
  steps: z.strictObject({
    freeze: step,
    delta: step,
    check: step,
    signoff: step,
    complete: step,
  }),
  delta: z
    .strictObject({ approval: z.string().max(20), resource: z.string().max(200).optional() })
    .optional(),
  check: figures.optional(),
  override: z
    .strictObject({ by: z.string().max(40), reason: z.string().max(500), at: z.number() })
    .optional(),
  signoff: z.strictObject({ by: z.string().max(40), at: z.number() }).optional(),
  aborted: z.strictObject({ by: z.string().max(40), at: z.number() }).optional(),
  /** Work done once across replicas and takeovers: the freeze notice claimed, then posted; `cutover.started` said. */
  once: z.array(z.enum(ONCE)).max(ONCE.length).optional(),
  /** Started with the rest of a plan (`/migrate cutover <plan>`): the freeze notice is the plan's, once. */
  plan: z.strictObject({ id: z.string().max(20), name: z.string().max(200) }).optional(),
});
export type Cutover = z.infer<typeof cutSchema>;

export const cutKey = (team: string, id: string) => `cutover:cut:${team}:${id}`;
/** Every cut-over in progress (`team:id`): what the job reads and `cutover list` shows. */
export const CUT_ACTIVE = 'cutover:cut:active';
/** Every cut-over of a workspace, in progress or ended: what an uninstall deletes. */
export const cutTeamSet = (team: string) => `cutover:cut-team:${team}`;
/** The cut-over of a migration: one, ever (a second is refused; an aborted one lets a new one start). */
export const cutOfKey = (team: string, connection: string, id: string) =>
  `cutover:cut-of:${team}:${connection}:${id}`;

export function newSteps(): Cutover['steps'] {
  return {
    freeze: { state: 'waiting' },
    delta: { state: 'waiting' },
    check: { state: 'waiting' },
    signoff: { state: 'waiting' },
    complete: { state: 'waiting' },
  };
}

/**
 * The catalogue key of a step's state as said to people: only the check can be overridden, so any
 * other red step says the cut-over stops there (Abort, then a new cut-over), not "needs an override".
 */
export function stateKey(name: StepName, state: StepState) {
  return state === 'red' && name !== 'check'
    ? ('cutover.cut.state.redStop' as const)
    : (`cutover.cut.state.${state}` as const);
}

/** A step that lets the next go: done, overridden, or skipped. */
export const passed = (s: Step) => s.state === 'green' || s.state === 'override' || s.state === 'skipped';

export async function readCut(kv: AtomicKv, team: string, id: string): Promise<Cutover | undefined> {
  const raw = await kv.get(cutKey(team, id));
  if (!raw) return undefined;
  const parsed = cutSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** The cut-over of a migration, in progress or ended, if one was started. */
export async function cutOf(
  kv: AtomicKv,
  team: string,
  connection: string,
  resourceId: string,
): Promise<Cutover | undefined> {
  const id = await kv.get(cutOfKey(team, connection, resourceId));
  return id ? readCut(kv, team, id) : undefined;
}

/** One compare-and-set on the cut-over: `change` returns the next one, or undefined to leave it. */
export async function changeCut(
  kv: AtomicKv,
  team: string,
  id: string,
  change: (c: Cutover) => Cutover | undefined,
): Promise<Cutover | undefined> {
  return changeJson(kv, cutKey(team, id), cutSchema, change);
}

/** Step `name` set to `next` in one compare-and-set, only from a state in `from`: who wins it does its work. */
export function moveStep(
  kv: AtomicKv,
  cut: Pick<Cutover, 'team' | 'id'>,
  name: StepName,
  from: readonly StepState[],
  next: Step,
  more: (c: Cutover) => Partial<Cutover> = () => ({}),
): Promise<Cutover | undefined> {
  return changeCut(kv, cut.team, cut.id, (c) =>
    c.status === 'running' && from.includes(c.steps[name].state)
      ? { ...c, ...more(c), steps: { ...c.steps, [name]: next } }
      : undefined,
  );
}

/** Deletes every cut-over of a workspace that uninstalled the app (idempotent). */
export async function forgetCuts(kv: AtomicKv, team: string): Promise<void> {
  for (const id of await kv.setMembers(cutTeamSet(team))) {
    const cut = await readCut(kv, team, id);
    if (cut) await kv.update(cutOfKey(team, cut.connection, cut.resourceId), () => undefined);
    await kv.update(cutKey(team, id), () => undefined);
    await kv.setRemove(CUT_ACTIVE, `${team}:${id}`);
    await kv.setRemove(cutTeamSet(team), id);
  }
}
