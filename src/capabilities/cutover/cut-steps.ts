import { code } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import { checkBuckets } from './cut-check.js';
import { settleFinalDelta, startFinalDelta } from './cut-delta.js';
import { cutDone } from './cut-done.js';
import { freezeStep } from './cut-freeze.js';
import { asHolder, beatStep, type Hold, lapsed, takeStep } from './cut-lease.js';
import { showCut } from './cut-post.js';
import {
  CUT_ACTIVE,
  type Cutover,
  changeCut,
  moveStep,
  passed,
  readCut,
  type Step,
  type StepName,
} from './cut-record.js';
import { audit } from './cut-say.js';
import { movePlans } from './plan/plan-cut-pass.js';
import type { CutoverState } from './state.js';

/**
 * The cut-over job, on every replica before each cycle: each cut-over in progress moves on by the
 * step that is due. A step is taken by one compare-and-set (waiting → running, with this replica's
 * name): only the replica that holds it does its work (the freeze notice, the final delta, the
 * check), so each is done once across replicas; a step's end is one more, by its holder only. A
 * holder that died leaves its step to the first replica that sees its lease lapse (cut-lease.ts).
 */
export async function cutPass(s: CutoverState, now: number): Promise<void> {
  for (const member of await s.core.state.setMembers(CUT_ACTIVE)) {
    const [team, id] = member.split(':');
    if (!team || !id) continue;
    try {
      await passOne(s, team, id, now);
    } catch (error) {
      s.core.logger.warn({ err: error, cutover: id }, 'could not move a cut-over on');
    }
  }
  // Then each plan's cut-over summed up from its migrations' as they are now.
  await movePlans(s);
}

async function passOne(s: CutoverState, team: string, id: string, now: number): Promise<void> {
  const cut = await readCut(s.core.state, team, id);
  if (cut?.status !== 'running') {
    await s.core.state.setRemove(CUT_ACTIVE, `${team}:${id}`);
    return;
  }
  const st = cut.steps;
  if (st.freeze.state === 'waiting' || lapsed(st.freeze, now)) return freezeStep(s, cut, now);
  if (!passed(st.freeze)) return;
  // A final delta whose request is known is settled by any replica; one not known yet is its holder's.
  if (st.delta.state === 'running' && cut.delta) return deltaSettle(s, cut, now);
  if (st.delta.state === 'waiting' || lapsed(st.delta, now)) return deltaStep(s, cut, now);
  if (!passed(st.delta)) return;
  // A check under way here is this replica's own, however long since its last sign of life.
  if (st.check.state === 'waiting' || (lapsed(st.check, now) && !checksOf(s).has(cut.id)))
    return checkStep(s, cut, now);
  if (!passed(st.check)) return;
  if (st.signoff.state === 'waiting') {
    const next = await move(s, cut, 'signoff', ['waiting'], { state: 'running', at: now });
    if (next) await showCut(s, next);
    return;
  }
  if (st.signoff.state === 'green' && st.complete.state === 'waiting') await cutDone(s, cut, now);
}

/** A step moved and audited (every step is in the audit log, and its event goes to the webhooks). */
async function move(
  s: CutoverState,
  cut: Cutover,
  name: StepName,
  from: Step['state'][],
  next: Step,
  more?: (c: Cutover) => Partial<Cutover>,
): Promise<Cutover | undefined> {
  const moved = await moveStep(s.core.state, cut, name, from, next, more);
  if (moved) await audit(s, moved, 'cutover.step', `${name}:${next.state}`, moved.starter);
  return moved;
}

/**
 * 2. The final delta: keep-in-sync stopped, the delta started through the scheduled start. Taken
 * over from a holder that died, it is asked again under the same request id: admitted once, its
 * start claimed once by the approvals, so it is never created twice.
 */
async function deltaStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const taken = await takeStep(s, cut, 'delta', now, (c) => !c.delta);
  if (!taken) return;
  const { cut: mine, hold } = taken;
  try {
    const approval = await startFinalDelta(s, mine, now);
    const next = await asHolder(s.core.state, cut, 'delta', hold, undefined, () => ({ delta: { approval } }));
    if (next) await showCut(s, next);
  } catch (error) {
    s.core.logger.warn({ err: error, cutover: cut.id }, 'the final delta could not start');
    const why = error instanceof Error ? error.message : 'error';
    const red: Step = { state: 'red', at: now, detail: code(why.slice(0, 100)) };
    const moved = await asHolder(s.core.state, cut, 'delta', hold, () => red);
    if (moved) await audit(s, moved, 'cutover.step', 'delta:red', moved.starter);
    if (moved) await showCut(s, moved);
  }
}

async function deltaSettle(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const { outcome, resource } = await settleFinalDelta(s, cut, cut.delta!.approval);
  if (outcome.state === 'running') {
    if (resource && !cut.delta!.resource) {
      const next = await changeCut(s.core.state, cut.team, cut.id, (c) =>
        c.delta ? { ...c, delta: { ...c.delta, resource } } : undefined,
      );
      if (next) await showCut(s, next);
    }
    return;
  }
  const moved = await move(
    s,
    cut,
    'delta',
    ['running'],
    { state: outcome.state, at: now, detail: outcome.detail },
    (c) => (c.delta && resource ? { delta: { ...c.delta, resource } } : {}),
  );
  if (moved) await showCut(s, moved);
}

/** The checks this process runs, by cut-over: a stopping bot calls them off (another takes the step over). */
const running = new WeakMap<CutoverState, Map<string, { abort: AbortController; work: Promise<void> }>>();
function checksOf(s: CutoverState) {
  const mine = running.get(s) ?? new Map<string, { abort: AbortController; work: Promise<void> }>();
  running.set(s, mine);
  return mine;
}

/**
 * 3. Check the buckets, in the background (a check lists up to 100,000 objects a side: it never
 * holds up the cycle): green with 0 missing and 0 different; otherwise red, waiting for an override.
 * Its holder beats as it lists; taken over, the check runs again and the late holder's result is dropped.
 */
async function checkStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const taken = await takeStep(s, cut, 'check', now);
  if (!taken) return;
  const { cut: mine, hold } = taken;
  await showCut(s, mine);
  const abort = new AbortController();
  const checks = checksOf(s);
  const work = checkAndRecord(s, mine, hold, abort.signal).finally(() => checks.delete(cut.id));
  checks.set(cut.id, { abort, work });
}

async function checkAndRecord(s: CutoverState, cut: Cutover, hold: Hold, signal: AbortSignal): Promise<void> {
  const beat = async () => {
    await beatStep(s.core.state, cut, 'check', hold, s.core.clock.now());
  };
  let result: Awaited<ReturnType<typeof checkBuckets>>;
  try {
    result = await checkBuckets(s, cut, signal, beat);
  } catch (error) {
    if (signal.aborted) return;
    s.core.logger.warn({ err: error, cutover: cut.id }, 'the cut-over check could not run');
    result = { state: 'red', why: 'unchecked' };
  }
  const f = result.figures;
  // The post says the figures and why in the reader's language: the step keeps the reason's name.
  const step: Step = {
    state: result.state,
    at: s.core.clock.now(),
    ...(result.state === 'red' ? { detail: result.why } : {}),
  };
  const ended = await asHolder(
    s.core.state,
    cut,
    'check',
    hold,
    () => step,
    () => (f ? { check: f } : {}),
  );
  if (!ended) return;
  await audit(s, ended, 'cutover.step', `check:${step.state}`, ended.starter);
  await showCut(s, ended);
}

/** Calls off the checks under way when the bot stops. */
export async function stopChecks(s: CutoverState): Promise<void> {
  const checks = checksOf(s);
  for (const c of checks.values()) c.abort.abort();
  await Promise.allSettled([...checks.values()].map((c) => c.work));
}

/** Frees the migration for a new cut-over (an aborted one), and drops it from the job's set. */
export async function release(s: CutoverState, cut: Cutover): Promise<void> {
  await s.core.state.setRemove(CUT_ACTIVE, `${cut.team}:${cut.id}`);
  await s.core.state.update(`cutover:cut-of:${cut.team}:${cut.connection}:${cut.resourceId}`, (v) =>
    v === cut.id ? undefined : SKIP,
  );
}
