import { etaCard } from '../../watcher/record-eta.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import { failureOwnerNoted } from '../shared/failure-owner.js';
import { verificationOf } from '../shared/verification-fact.js';
import type { StartEffect } from './plan-effect.js';
import {
  type Gate,
  gateOf,
  type Plan,
  type PlanApproval,
  type PlannedCreate,
  type PlanStatus,
  refOf,
  waiting,
  wavesOf,
} from './plan-types.js';

/** One resource of a plan as its card shows it, from its watch record (no provider read). */
export interface ResourceLine {
  ref: string;
  connection: string;
  id: string;
  name: string;
  provider: string;
  /** `unseen`: no watch record of it yet (its first poll is to come). */
  state: string;
  progress?: number;
  code?: string;
  claimBy?: string;
  signedOff?: boolean;
  /** Who signed its verification off. */
  signedBy?: string;
  /** Its last run's verification: the counts reconciled, or not checked (and why not, elsewhere). */
  verification?: 'matches' | 'mismatch' | 'unchecked';
  bytes?: { done?: number; total?: number };
  objects?: { done?: number; total?: number };
  /** When it will be done (the card's own ETA, windows included), to the minute; unset: unknown. */
  etaAt?: number;
}

/** Where a closed wave stands: what it waits for, and which resource holds it. */
export interface WaveHold {
  /** `start`: the plan is not started; `time`: its gate time; `before`: the wave before it; `order`: an earlier wave. */
  on: 'start' | 'time' | 'before' | 'order' | 'paused' | 'cancelled';
  /** The wave it waits on. */
  wave?: number;
  /** The resource holding it (the first failed one, else the first not yet done). */
  holder?: { name: string; connection: string; state: string };
  /** When it opens (a time gate, or an `after` gate's wait once met). */
  opensAt?: number;
}

export interface WaveView {
  n: number;
  gate?: Gate;
  openedAt?: number;
  doneAt?: number;
  hold?: WaveHold;
  /** Opened, but the rules refused to start what it has pending (the refusal, in catalogue words). */
  held?: { key: string; values: Record<string, string | number> };
  resources: ResourceLine[];
}

export interface PlanView {
  id: string;
  name: string;
  owner: string;
  status: PlanStatus;
  waves: WaveView[];
  totals: {
    resources: number;
    succeeded: number;
    failed: number;
    unsigned: number;
    bytesDone: number;
    bytesLeft: number;
    objectsDone: number;
    objectsLeft: number;
  };
  /** How many resources the plan paused (Resume plan resumes only these). */
  paused: number;
  closedBy?: string;
  /** The plan's approval, when it has planned migrations or was submitted. */
  approval?: Pick<PlanApproval, 'state' | 'by' | 'decidedBy' | 'withdrawn'>;
  /** Planned migrations not yet created. */
  planned: number;
  /** Not started, with migrations: what Start plan does at once (its confirmation says it). */
  start?: StartEffect;
}

/** A planned migration's line: `planned` until its wave opens and it is created. */
export function plannedLine(p: PlannedCreate): ResourceLine {
  return {
    ref: `planned/${p.key}`,
    connection: p.connection,
    id: p.key,
    name: p.name,
    provider: p.provider,
    state: p.failed ? 'failed' : 'planned',
  };
}

/** A resource's line from its watch record (as the watcher last saw it). */
export function lineOf(r: Plan['resources'][number], record: WatchRecord | undefined): ResourceLine {
  const base = { ref: refOf(r), connection: r.connection, id: r.id, name: r.name, provider: r.provider };
  if (!record) return { ...base, state: 'unseen' };
  const s = record.snapshot;
  const claim = s.state === 'failed' ? failureOwnerNoted(record.facts) : undefined;
  const verified = verificationOf(record);
  return {
    ...base,
    name: s.name || r.name,
    state: s.state,
    ...(s.progress !== undefined ? { progress: Math.round(s.progress * 1000) / 1000 } : {}),
    ...(s.state === 'failed' && s.lastError?.code ? { code: s.lastError.code } : {}),
    ...(claim ? { claimBy: claim } : {}),
    ...(verified?.signoff ? { signedOff: true, signedBy: verified.signoff.by } : {}),
    ...(verified ? { verification: verified.report.outcome } : {}),
    bytes: { done: s.bytes.done, total: s.bytes.total },
    objects: { done: s.objects.done, total: s.objects.total },
    ...etaOf(record),
  };
}

/** The resource's ETA as its card says it (the observed pace, through its windows), as an instant. */
function etaOf(record: WatchRecord): { etaAt?: number } {
  if (record.snapshot.state === 'succeeded' || record.snapshot.state === 'failed') return {};
  const eta = etaCard(record).eta;
  if (!eta?.known) return {};
  const from = record.samples?.at(-1)?.at ?? record.movedAt;
  return { etaAt: Math.ceil((from + eta.seconds * 1000) / 60_000) * 60_000 };
}

/** When what runs in the open waves will be done, and how many of them give no estimate. */
export function openEta(view: Pick<PlanView, 'waves'>): { at?: number; unknown: number } {
  const live = view.waves
    .filter((w) => w.openedAt !== undefined)
    .flatMap((w) => w.resources)
    .filter((l) => l.state !== 'succeeded' && l.state !== 'failed' && l.state !== 'cancelled');
  const known = live.flatMap((l) => (l.etaAt !== undefined ? [l.etaAt] : []));
  return { ...(known.length > 0 ? { at: Math.max(...known) } : {}), unknown: live.length - known.length };
}

/** The lines of a wave that keep `of` from being met, the first failed one first. */
export function holderOf(
  lines: readonly ResourceLine[],
  of: 'succeeded' | 'signed-off',
): ResourceLine | undefined {
  const notDone = lines.filter((l) => l.state !== 'succeeded' || (of === 'signed-off' && !l.signedOff));
  return notDone.find((l) => l.state === 'failed') ?? notDone[0];
}

/** What the gate job does to a wave now. */
export type WaveStep = { n: number; step: 'met' | 'open' };

/**
 * Where each wave stands and what may happen now (pure): waves open in order; wave 1 (with no
 * gate of its own) when the plan starts; an `at` gate at its time; an `after` gate once the wave
 * before it succeeded (or was signed off), `hours` after that was first seen.
 */
export function planView(
  plan: Plan,
  records: ReadonlyMap<string, WatchRecord>,
  now: number,
): { view: PlanView; steps: WaveStep[] } {
  const steps: WaveStep[] = [];
  const waves: WaveView[] = [];
  let blocked: WaveHold | undefined;
  let previous: WaveView | undefined;
  for (const n of wavesOf(plan)) {
    const mark = plan.waves[String(n)] ?? {};
    const gate = gateOf(plan, n);
    const resources = [
      ...plan.resources.filter((r) => r.wave === n).map((r) => lineOf(r, records.get(refOf(r)))),
      ...waiting(plan)
        .filter((p) => p.wave === n)
        .map(plannedLine),
    ];
    const wave: WaveView = { n, ...(gate ? { gate } : {}), resources };
    if (mark.doneAt !== undefined) wave.doneAt = mark.doneAt;
    if (mark.openedAt !== undefined) wave.openedAt = mark.openedAt;
    if (mark.held && mark.pending?.length) wave.held = { key: mark.held.key, values: mark.held.values };
    else if (blocked) wave.hold = { on: 'order', wave: previous?.n };
    else {
      const hold = holdOf(plan, gate, previous, mark.metAt, now);
      if (hold) wave.hold = hold;
      else steps.push({ n, step: 'open' });
      if (gate?.kind === 'after' && mark.metAt === undefined && hold?.on === 'time')
        steps.push({ n, step: 'met' });
      blocked = hold;
    }
    waves.push(wave);
    previous = wave;
  }
  const lines = waves.flatMap((w) => w.resources);
  const sum = (pick: (l: ResourceLine) => number | undefined) =>
    lines.reduce((t, l) => t + (pick(l) ?? 0), 0);
  const bytesDone = sum((l) => l.bytes?.done);
  const objectsDone = sum((l) => l.objects?.done);
  const view: PlanView = {
    id: plan.id,
    name: plan.name,
    owner: plan.owner,
    status: plan.status,
    waves,
    totals: {
      resources: lines.length,
      succeeded: lines.filter((l) => l.state === 'succeeded').length,
      failed: lines.filter((l) => l.state === 'failed').length,
      unsigned: lines.filter((l) => l.state === 'succeeded' && !l.signedOff).length,
      bytesDone,
      bytesLeft: Math.max(0, sum((l) => l.bytes?.total) - bytesDone),
      objectsDone,
      objectsLeft: Math.max(0, sum((l) => l.objects?.total) - objectsDone),
    },
    paused: plan.paused?.refs.length ?? 0,
    ...(plan.closed ? { closedBy: plan.closed.by } : {}),
    ...(plan.approval ? { approval: approvalOf(plan.approval) } : {}),
    planned: waiting(plan).length,
  };
  return { view, steps: plan.status === 'running' ? steps : [] };
}

function holdOf(
  plan: Plan,
  gate: Gate | undefined,
  previous: WaveView | undefined,
  metAt: number | undefined,
  now: number,
): WaveHold | undefined {
  if (plan.status === 'draft') return { on: 'start' };
  if (plan.status === 'paused') return { on: 'paused' };
  if (plan.status === 'cancelled' || plan.status === 'ended') return { on: 'cancelled' };
  if (!gate) return undefined;
  if (gate.kind === 'at') return now >= gate.at ? undefined : { on: 'time', opensAt: gate.at };
  if (!previous) return undefined;
  const holder = previous.openedAt === undefined ? undefined : holderOf(previous.resources, gate.of);
  if (previous.openedAt === undefined || holder)
    return {
      on: 'before',
      wave: previous.n,
      ...(holder
        ? { holder: { name: holder.name, connection: holder.connection, state: holder.state } }
        : {}),
    };
  const opensAt = (metAt ?? now) + gate.hours * 3_600_000;
  return now >= opensAt ? undefined : { on: 'time', wave: previous.n, opensAt };
}

function approvalOf(a: PlanApproval): NonNullable<PlanView['approval']> {
  return {
    state: a.state,
    by: a.by,
    ...(a.decidedBy ? { decidedBy: a.decidedBy } : {}),
    ...(a.withdrawn ? { withdrawn: a.withdrawn } : {}),
  };
}
