import { randomBytes } from 'node:crypto';
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
  /** Who is handing the run over, until when (its lease, `takeRun`); gone once handed over. */
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

/** The run taken and not handed over yet (neither admitted nor failed), if any. */
export function inFlight(schedule: SyncSchedule): SyncRun | undefined {
  return schedule.runs.find((r) => !r.approval && !r.outcome);
}

/** When a run in flight may be taken over: its lease's end (a run written without one: a lease after it began). */
export function lapsesAt(run: SyncRun): number {
  return run.claim?.until ?? run.at + RUN_LEASE_MS;
}

const isRun = (n: number) => (r: SyncRun) => r.n === n;

/**
 * Takes run `n` for `token` in one compare-and-set on the schedule: a new run (the slot after
 * every run so far, under the maximum) or one in flight whose lease lapsed (its taker died before
 * handing it over). Resolves the schedule as written when this call took it.
 */
export async function takeRun(
  kv: AtomicKv,
  schedule: SyncSchedule,
  n: number,
  token: string,
  now: number,
): Promise<SyncSchedule | undefined> {
  const claim = { holder: token, until: now + RUN_LEASE_MS };
  const after = await changeSchedule(kv, schedule.team, schedule.id, (c) => {
    if (c.status !== 'active') return undefined;
    const run = c.runs.find(isRun(n));
    if (!run) {
      const behind = c.runs.some((r) => r.n >= n);
      return behind || c.runs.length >= c.max
        ? undefined
        : { ...c, runs: [...c.runs, { n, at: now, claim }] };
    }
    if (run.approval || run.outcome || lapsesAt(run) > now) return undefined;
    return { ...c, runs: c.runs.map((r) => (r === run ? { ...r, claim } : r)) };
  });
  return after?.runs.find(isRun(n))?.claim?.holder === token ? after : undefined;
}

/**
 * Whether `token` still holds run `n` at `now` (schedule active, lease not lapsed, nobody took it
 * over), renewing its lease in the same compare-and-set: asked just before admitting, so a replica
 * that wakes after its lease lapsed does nothing.
 */
export async function holdRun(
  kv: AtomicKv,
  schedule: SyncSchedule,
  n: number,
  token: string,
  now: number,
): Promise<boolean> {
  const after = await changeSchedule(kv, schedule.team, schedule.id, (c) => {
    const run = c.runs.find(isRun(n));
    const held = run?.claim?.holder === token && run.claim.until > now && !run.approval && !run.outcome;
    if (c.status !== 'active' || !held) return undefined;
    const claim = { holder: token, until: now + RUN_LEASE_MS };
    return { ...c, runs: c.runs.map((r) => (r === run ? { ...r, claim } : r)) };
  });
  return after !== undefined;
}

/** Run `n` handed over as the approved request `approval` (deterministic: any replica writes the same). */
export async function handedOver(
  kv: AtomicKv,
  schedule: SyncSchedule,
  n: number,
  approval: string,
): Promise<void> {
  await changeSchedule(kv, schedule.team, schedule.id, (c) =>
    c.runs.some((r) => r.n === n && !r.approval)
      ? { ...c, runs: c.runs.map((r) => (r.n === n ? { ...r, approval, claim: undefined } : r)) }
      : undefined,
  );
}

/** Run `n` failed before it was handed over, if `token` still holds it; resolves whether it wrote so. */
export async function failRun(
  kv: AtomicKv,
  schedule: SyncSchedule,
  n: number,
  token: string,
  outcome: string,
): Promise<boolean> {
  const after = await changeSchedule(kv, schedule.team, schedule.id, (c) => {
    const run = c.runs.find(isRun(n));
    if (run?.claim?.holder !== token || run.approval || run.outcome) return undefined;
    return { ...c, runs: c.runs.map((r) => (r === run ? { ...r, claim: undefined, outcome } : r)) };
  });
  return after !== undefined;
}
