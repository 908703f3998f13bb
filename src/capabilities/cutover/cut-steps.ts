import { slackDate } from '../../slack/blocks/format.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import { checkBuckets } from './cut-check.js';
import { settleFinalDelta, startFinalDelta } from './cut-delta.js';
import { cutDone } from './cut-done.js';
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
import { audit, say } from './cut-say.js';
import { movePlans } from './plan/plan-cut-pass.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

/**
 * The cut-over job, on every replica before each cycle: each cut-over in progress moves on by the
 * step that is due. A step is taken by one compare-and-set (waiting → running, with this replica's
 * name): only the replica that won it does its work (the freeze notice, the final delta, the
 * check), so each is done once across replicas; a step's end is one more compare-and-set.
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
  if (st.freeze.state === 'waiting') return freezeStep(s, cut, now);
  if (!passed(st.freeze)) return;
  if (st.delta.state === 'waiting') return deltaStep(s, cut, now);
  if (st.delta.state === 'running' && cut.delta) return deltaSettle(s, cut, now);
  if (!passed(st.delta)) return;
  if (st.check.state === 'waiting') return checkStep(s, cut, now);
  if (!passed(st.check)) return;
  if (st.signoff.state === 'waiting') {
    const next = await move(s, cut, 'signoff', ['waiting'], { state: 'running', at: now });
    if (next) await showCut(s, next);
    return;
  }
  if (st.signoff.state === 'green' && st.complete.state === 'waiting') await cutDone(s, cut, now);
}

const holder = (s: CutoverState) => s.core.watcher.options.holder.slice(0, 80);

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

/** 1. The freeze notice, once: in the channel, in every card's thread of the migration, and `cutover.started`. */
async function freezeStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const mine = await move(s, cut, 'freeze', ['waiting'], { state: 'running', at: now, by: holder(s) });
  if (!mine) return;
  await showCut(s, mine);
  // The freeze's end in each reader's own time zone (Slack's date token).
  const ends = slackDate(new Date(now + cut.freezeMin * 60_000));
  const values = {
    ref: code(`${cut.connection}:${cut.resourceId}`),
    minutes: cut.freezeMin,
    ends,
    starter: `<@${cut.starter}>`,
  };
  const tr = (await s.core.locales.translatorForChannel(cut.team, cut.channel)).with(CUTOVER_WORDS);
  // A plan's cut-over says its freeze once for the plan (plan-cut.ts), not once per migration.
  if (!cut.plan)
    await s.core.sender
      .to(cut.team, { purpose: 'background' })
      .post({ channel: cut.channel, text: tr.t('cutover.cut.freeze', values) })
      .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not post a freeze notice'));
  await say(s, cut, 'freeze', 'cutover.cut.freeze', values, false);
  await audit(s, mine, 'cutover.started', `freeze:${cut.freezeMin}`, cut.starter);
  const done = await move(s, mine, 'freeze', ['running'], { state: 'green', at: now, detail: ends });
  if (done) await showCut(s, done);
}

/** 2. The final delta: keep-in-sync stopped, the delta started through the scheduled start. */
async function deltaStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const mine = await move(s, cut, 'delta', ['waiting'], { state: 'running', at: now, by: holder(s) });
  if (!mine) return;
  try {
    const approval = await startFinalDelta(s, mine, now);
    const next = await changeCut(s.core.state, cut.team, cut.id, (c) => ({ ...c, delta: { approval } }));
    if (next) await showCut(s, next);
  } catch (error) {
    s.core.logger.warn({ err: error, cutover: cut.id }, 'the final delta could not start');
    const why = error instanceof Error ? error.message : 'error';
    const red = await move(s, mine, 'delta', ['running'], {
      state: 'red',
      at: now,
      detail: code(why.slice(0, 100)),
    });
    if (red) await showCut(s, red);
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

/** The checks this process runs, by cut-over: a stopping bot calls them off (the step stays running). */
const running = new WeakMap<CutoverState, Map<string, { abort: AbortController; work: Promise<void> }>>();
function checksOf(s: CutoverState) {
  const mine = running.get(s) ?? new Map<string, { abort: AbortController; work: Promise<void> }>();
  running.set(s, mine);
  return mine;
}

/**
 * 3. Check the buckets, in the background (a check lists up to 100,000 objects a side: it never
 * holds up the cycle): green with 0 missing and 0 different; otherwise red, waiting for an override.
 */
async function checkStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const mine = await move(s, cut, 'check', ['waiting'], { state: 'running', at: now, by: holder(s) });
  if (!mine) return;
  await showCut(s, mine);
  const abort = new AbortController();
  const checks = checksOf(s);
  const work = checkAndRecord(s, mine, abort.signal).finally(() => checks.delete(cut.id));
  checks.set(cut.id, { abort, work });
}

async function checkAndRecord(s: CutoverState, cut: Cutover, signal: AbortSignal): Promise<void> {
  let result: Awaited<ReturnType<typeof checkBuckets>>;
  try {
    result = await checkBuckets(s, cut, signal);
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
  const ended = await move(s, cut, 'check', ['running'], step, () => (f ? { check: f } : {}));
  if (ended) await showCut(s, ended);
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
