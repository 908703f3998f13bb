import type { PlanView, ResourceLine, WaveView } from './plan-view.js';

/**
 * When a wave not yet open is expected to open, or why that cannot be said: `states` (what it
 * waits on runs on a provider that gives states only, UpCloud's jobs: no pace, no ETA), `signoff`
 * (it waits for a person to sign off), `failed` (a failure holds it until someone retries),
 * `pace` (what it waits on gives no estimate yet), `closed` (the wave before it is not open: its
 * own run time is not known until it runs).
 */
export type OpensEta = { at: number } | { why: 'states' | 'signoff' | 'failed' | 'pace' | 'closed' };

type Done = { at: number } | { why: 'states' | 'failed' | 'pace' | 'closed' };

/** When an open wave will be done: every migration's own ETA (windows included), the latest. */
function doneOf(w: WaveView, statesOnly: (l: ResourceLine) => boolean, now: number): Done {
  if (w.openedAt === undefined) return { why: 'closed' };
  if (w.doneAt !== undefined) return { at: w.doneAt };
  const left = w.resources.filter((l) => l.state !== 'succeeded');
  if (left.length === 0) return { at: now };
  if (left.some((l) => l.state === 'failed')) return { why: 'failed' };
  const unknown = left.filter((l) => l.etaAt === undefined);
  if (unknown.some(statesOnly)) return { why: 'states' };
  if (unknown.length > 0) return { why: 'pace' };
  return { at: Math.max(now, ...left.map((l) => l.etaAt ?? now)) };
}

/**
 * For each wave not yet open whose gate waits on the wave before it, when it is expected to open
 * (pure): an `after succeeded` gate opens when the wave before is done, by its migrations' own
 * ETAs, plus the gate's hours; an `at` gate at its time, not before the wave before it opens. A
 * wave two steps away from any open one has no estimate: how long a wave runs is known once it
 * runs. UpCloud's jobs give states only, so a wave waiting on one says that instead of a time.
 */
export function opensEtas(
  view: Pick<PlanView, 'waves' | 'status'>,
  statesOnly: (l: ResourceLine) => boolean,
  now: number,
): Map<number, OpensEta> {
  const out = new Map<number, OpensEta>();
  if (view.status !== 'running') return out;
  let previous: { wave: WaveView; opens?: OpensEta } | undefined;
  for (const w of view.waves) {
    let opens: OpensEta | undefined;
    if (w.openedAt === undefined && previous) {
      opens = estimate(w, previous, statesOnly, now);
      out.set(w.n, opens);
    }
    previous = { wave: w, ...(opens ? { opens } : {}) };
  }
  return out;
}

function estimate(
  w: WaveView,
  previous: { wave: WaveView; opens?: OpensEta },
  statesOnly: (l: ResourceLine) => boolean,
  now: number,
): OpensEta {
  const gate = w.gate;
  const before = previous.wave;
  // The wave before it is not open either: at best, when that one opens (an `at` gate).
  const beforeOpens: OpensEta =
    before.openedAt !== undefined ? { at: before.openedAt } : (previous.opens ?? { why: 'closed' });
  if (gate?.kind === 'at')
    return 'at' in beforeOpens ? { at: Math.max(gate.at, beforeOpens.at) } : beforeOpens;
  if (w.hold?.on === 'time' && w.hold.opensAt !== undefined) return { at: w.hold.opensAt };
  const done = doneOf(before, statesOnly, now);
  if (!('at' in done)) return done;
  if (gate?.kind === 'after' && gate.of === 'signed-off') return { why: 'signoff' };
  return { at: done.at + (gate?.kind === 'after' ? gate.hours * 3_600_000 : 0) };
}
