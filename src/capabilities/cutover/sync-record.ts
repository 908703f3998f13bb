import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../domain/migration-resource.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import { changeJson } from '../../store/change-json.js';

/** The capability's name: its jobs' prefix, its notes' owner. */
export const CUTOVER = 'cutover';

const HOUR = 3_600_000;
/**
 * The shortest cadence, in hours, by what a provider's delta run is (its definition's `reruns`):
 * only the changes `since` the last run (OMS, a new task with `migrate_since`; OMS caps the tasks
 * running at once per region) or the resource `restart`ed (NCP) every hour; the whole source listed
 * `again` as a new resource (UpCloud) every 6 hours.
 */
export const MIN_CADENCE_H: Record<'since' | 'again' | 'restart', number> = {
  since: 1,
  restart: 1,
  again: 6,
};
/** The latest end date: 90 days ahead (a schedule left longer is forgotten, not kept). */
export const MAX_AHEAD_MS = 90 * 24 * HOUR;
/** The most runs one schedule may make. */
export const MAX_RUNS = 500;
/** Two consecutive failures of the same class stop a schedule. */
export const SAME_CLASS_STOP = 2;

export const STOP_REASONS = ['end', 'max', 'failures', 'rejected', 'called', 'cutover'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

const run = z.strictObject({
  n: z.number().int().min(1),
  at: z.number(),
  /** The approved request that creates the delta (the approvals' scheduled start). */
  approval: z.string().max(20).optional(),
  /** `ok` created; `failed:<class>` failed or refused before creating. */
  outcome: z.string().max(120).optional(),
  resource: z.string().max(200).optional(),
  /** Who is handing the run over, until when (its lease, `RunClaim`); gone once handed over. */
  claim: z.strictObject({ holder: z.string().max(160), until: z.number() }).optional(),
});
export type SyncRun = z.infer<typeof run>;

export const syncScheduleSchema = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{10}$/),
  team: z.string().min(1).max(40),
  channel: z.string().min(1).max(40),
  connection: z.string().min(1).max(40),
  provider: z.string().min(1).max(40),
  kind: z.enum(RESOURCE_KINDS),
  resourceId: z.string().min(1).max(200),
  name: z.string().max(1024),
  everyH: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  until: z.number(),
  max: z.number().int().min(1).max(MAX_RUNS),
  requester: z.string().min(1).max(40),
  status: z.enum(['pending', 'active', 'stopped']),
  createdAt: z.number(),
  approvedBy: z.string().max(40).optional(),
  approvedAt: z.number().optional(),
  runs: z.array(run).max(MAX_RUNS),
  stopped: z
    .strictObject({ why: z.enum(STOP_REASONS), at: z.number(), detail: z.string().max(200) })
    .optional(),
});
export type SyncSchedule = z.infer<typeof syncScheduleSchema>;

export const scheduleKey = (team: string, id: string) => `cutover:sync:${team}:${id}`;
/** Every schedule not stopped yet (`team:id`): what the job reads. */
export const ACTIVE_SET = 'cutover:sync:active';
/** Every schedule of a workspace (ids), asked or approved: what an uninstall deletes. */
export const teamSet = (team: string) => `cutover:sync-team:${team}`;
/** The schedule of a resource: one at a time. */
export const resourceKey = (team: string, connection: string, id: string) =>
  `cutover:sync-of:${team}:${connection}:${id}`;

/** When run `n` is due: one cadence after the approval, then every cadence. */
export function dueAt(s: SyncSchedule, n: number): number {
  return (s.approvedAt ?? 0) + n * s.everyH * HOUR;
}

export async function readSchedule(
  kv: AtomicKv,
  team: string,
  id: string,
): Promise<SyncSchedule | undefined> {
  const raw = await kv.get(scheduleKey(team, id));
  if (!raw) return undefined;
  const parsed = syncScheduleSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** One compare-and-set on the schedule: `change` returns the next one, or undefined to leave it. */
export async function changeSchedule(
  kv: AtomicKv,
  team: string,
  id: string,
  change: (s: SyncSchedule) => SyncSchedule | undefined,
): Promise<SyncSchedule | undefined> {
  return changeJson(kv, scheduleKey(team, id), syncScheduleSchema, change);
}

/** Deletes every schedule of a workspace that uninstalled the app (idempotent): none runs again. */
export async function forgetTeam(kv: AtomicKv, team: string): Promise<void> {
  for (const id of await kv.setMembers(teamSet(team))) {
    const schedule = await readSchedule(kv, team, id);
    if (schedule)
      await kv.update(resourceKey(team, schedule.connection, schedule.resourceId), () => undefined);
    await kv.update(scheduleKey(team, id), () => undefined);
    await kv.setRemove(ACTIVE_SET, `${team}:${id}`);
    await kv.setRemove(teamSet(team), id);
  }
}

/**
 * How long a replica holds a run it took before handing it over (the bot's clock): far longer than
 * a hand-over takes (a provider read and a few writes: seconds), far shorter than the shortest
 * cadence (an hour), so a run whose taker died is taken over within its own slot.
 */
export const RUN_LEASE_MS = 5 * 60_000;

/** This replica's claim on one run: its watcher holder and a nonce (two passes never share one). */
export function runToken(holder: string): string {
  return `run:${holder}:${randomBytes(4).toString('hex')}`.slice(0, 160);
}

/**
 * The id of run `n`'s approved request: the run's own, so every replica names it alike (a take-over
 * finds what its taker admitted; a stop withdraws it, admitted yet or not).
 */
export function runRequestId(schedule: SyncSchedule, n: number): string {
  return createHash('sha256').update(`${schedule.team}:${schedule.id}:${n}`).digest('hex').slice(0, 10);
}

/** The run taken and not handed over yet (neither admitted nor failed), if any. */
export function inFlight(schedule: SyncSchedule): SyncRun | undefined {
  return schedule.runs.find((r) => !r.approval && !r.outcome);
}

/** When a run in flight may be taken over: its lease's end (a run written without one: a lease after it began). */
export function lapsesAt(run: SyncRun): number {
  return run.claim?.until ?? run.at + RUN_LEASE_MS;
}

/**
 * One compare-and-set on run `n` of the schedule: `change` gets the schedule and the run (undefined
 * when not written yet) and returns the run's next form (added when new), or undefined to leave it.
 */
async function changeRun(
  kv: AtomicKv,
  schedule: SyncSchedule,
  n: number,
  change: (c: SyncSchedule, run: SyncRun | undefined) => SyncRun | undefined,
): Promise<SyncSchedule | undefined> {
  return changeSchedule(kv, schedule.team, schedule.id, (c) => {
    const run = c.runs.find((r) => r.n === n);
    const next = change(c, run);
    if (!next) return undefined;
    return { ...c, runs: run ? c.runs.map((r) => (r === run ? next : r)) : [...c.runs, next] };
  });
}

/**
 * One replica's claim on run `n` of a schedule (`token`: `runToken`), each step one compare-and-set
 * on the schedule. The claim is a lease: a run whose taker died before handing it over is taken
 * over once it lapses, and a taker that wakes after that does nothing.
 */
export class RunClaim {
  constructor(
    readonly kv: AtomicKv,
    readonly schedule: SyncSchedule,
    readonly n: number,
    readonly token: string,
  ) {}

  /**
   * Takes the run: a new one (the slot after every run so far, under the maximum) or one in flight
   * whose lease lapsed. Resolves whether this call took it.
   */
  async take(now: number): Promise<boolean> {
    const { n } = this;
    const claim = { holder: this.token, until: now + RUN_LEASE_MS };
    const after = await changeRun(this.kv, this.schedule, n, (c, run) => {
      if (c.status !== 'active') return undefined;
      if (!run)
        return c.runs.some((r) => r.n >= n) || c.runs.length >= c.max ? undefined : { n, at: now, claim };
      return run.approval || run.outcome || lapsesAt(run) > now ? undefined : { ...run, claim };
    });
    return after !== undefined;
  }

  /**
   * Whether the run is still this claim's at `now` (schedule active, lease not lapsed, nobody took
   * it over), renewing the lease in the same compare-and-set: asked just before admitting.
   */
  async hold(now: number): Promise<boolean> {
    const after = await changeRun(this.kv, this.schedule, this.n, (c, run) => {
      const held = this.#holds(run) && run!.claim!.until > now;
      return c.status === 'active' && held
        ? { ...run!, claim: { holder: this.token, until: now + RUN_LEASE_MS } }
        : undefined;
    });
    return after !== undefined;
  }

  /** Handed over as the approved request `approval` (deterministic: any replica writes the same). */
  async handedOver(approval: string): Promise<void> {
    await changeRun(this.kv, this.schedule, this.n, (_, run) =>
      run && !run.approval ? { ...run, approval, claim: undefined } : undefined,
    );
  }

  /** Failed before it was handed over, if still this claim's; resolves whether it wrote so. */
  async fail(outcome: string): Promise<boolean> {
    const after = await changeRun(this.kv, this.schedule, this.n, (_, run) =>
      this.#holds(run) ? { ...run!, claim: undefined, outcome } : undefined,
    );
    return after !== undefined;
  }

  #holds(run: SyncRun | undefined): boolean {
    return run?.claim?.holder === this.token && !run.approval && !run.outcome;
  }
}
