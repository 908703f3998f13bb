import type { AtomicKv } from '../../store/atomic-kv.js';
import { type Cutover, changeCut, type ONCE, type Step, type StepName } from './cut-record.js';
import { audit } from './cut-say.js';
import type { CutoverState } from './state.js';

/**
 * A running step's lease: its holder (a replica) must finish it or give a sign of life within this
 * long, on the bot's clock; after that another replica takes it over and does its work again.
 * As long as the objects' check takes a silent one for stopped (objects/state.ts); each step's
 * work is safe to redo (the freeze notice and `cutover.started` are said once, the final delta's
 * request is admitted once, the check runs again).
 */
export const STEP_LEASE_MS = 2 * 60_000;

/** Who holds a running step: the replica and when it took it (a holder taken over no longer matches). */
export type Hold = { by: string; at: number };

/** Running, held by a replica, with no sign of life for the lease: free to take over. */
export function lapsed(step: Step, now: number): boolean {
  return (
    step.state === 'running' &&
    step.by !== undefined &&
    now - Math.max(step.at ?? 0, step.beat ?? 0) >= STEP_LEASE_MS
  );
}

const holds = (step: Step, hold: Hold) =>
  step.state === 'running' && step.by === hold.by && step.at === hold.at;

/**
 * Takes step `name` for `hold` in one compare-and-set: from waiting, or from a holder whose lease
 * lapsed (`also` asked of the record too). Resolves with the record and the holder it took it from.
 */
export async function claimStep(
  kv: AtomicKv,
  cut: Pick<Cutover, 'team' | 'id'>,
  name: StepName,
  hold: Hold,
  also: (c: Cutover) => boolean = () => true,
): Promise<{ cut: Cutover; from?: string } | undefined> {
  let from: string | undefined;
  const taken = await changeCut(kv, cut.team, cut.id, (c) => {
    const step = c.steps[name];
    from = step.state === 'running' ? step.by : undefined;
    const free = step.state === 'waiting' || (lapsed(step, hold.at) && also(c));
    if (c.status !== 'running' || !free) return undefined;
    const since = step.state === 'running' ? (step.since ?? step.at ?? hold.at) : hold.at;
    return { ...c, steps: { ...c.steps, [name]: { state: 'running', at: hold.at, by: hold.by, since } } };
  });
  if (!taken) return undefined;
  return from ? { cut: taken, from } : { cut: taken };
}

/** The replica's name as a step's holder. */
export const holder = (s: CutoverState) => s.core.watcher.options.holder.slice(0, 80);

/**
 * Step `name` taken by this replica now (`claimStep`), audited (a takeover names whom from):
 * resolves with the record and this replica's hold, or undefined when another has it.
 */
export async function takeStep(
  s: CutoverState,
  cut: Cutover,
  name: StepName,
  now: number,
  also?: (c: Cutover) => boolean,
): Promise<{ cut: Cutover; hold: Hold } | undefined> {
  const hold: Hold = { by: holder(s), at: now };
  const taken = await claimStep(s.core.state, cut, name, hold, also);
  if (!taken) return undefined;
  const from = taken.from ? ` (taken over from ${taken.from})` : '';
  await audit(s, taken.cut, 'cutover.step', `${name}:running${from}`, taken.cut.starter);
  return { cut: taken.cut, hold };
}

/**
 * Step `name` moved on (or `more` written) by its holder only: a holder that was taken over while
 * it slept changes nothing, so its late answer never overwrites the work of the one that took over.
 */
export function asHolder(
  kv: AtomicKv,
  cut: Pick<Cutover, 'team' | 'id'>,
  name: StepName,
  hold: Hold,
  next: ((step: Step) => Step) | undefined,
  more: (c: Cutover) => Partial<Cutover> = () => ({}),
): Promise<Cutover | undefined> {
  return changeCut(kv, cut.team, cut.id, (c) =>
    c.status === 'running' && holds(c.steps[name], hold)
      ? { ...c, ...more(c), steps: { ...c.steps, [name]: next ? next(c.steps[name]) : c.steps[name] } }
      : undefined,
  );
}

/** The holder's sign of life: its lease runs again from `now`. */
export async function beatStep(
  kv: AtomicKv,
  cut: Pick<Cutover, 'team' | 'id'>,
  name: StepName,
  hold: Hold,
  now: number,
): Promise<boolean> {
  return (await asHolder(kv, cut, name, hold, (step) => ({ ...step, beat: now }))) !== undefined;
}

/**
 * Marks `what` done for the cut-over, once: true for the one call that marked it (while the
 * cut-over runs), false when it was marked before or the cut-over ended.
 */
export async function markOnce(
  kv: AtomicKv,
  cut: Pick<Cutover, 'team' | 'id'>,
  what: (typeof ONCE)[number],
): Promise<boolean> {
  const marked = await changeCut(kv, cut.team, cut.id, (c) =>
    c.status === 'running' && !c.once?.includes(what) ? { ...c, once: [...(c.once ?? []), what] } : undefined,
  );
  return marked !== undefined;
}
