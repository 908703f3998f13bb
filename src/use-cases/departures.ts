import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { SKIP } from '../store/atomic-kv.js';
import { LeaseLocks, LockWaitError } from '../store/lease-lock.js';
import {
  type DepartureJob,
  type DepartureMarks,
  genOf,
  type InstallationWhere,
  PENDING,
  parseJob,
} from './departure-marks.js';

export { DepartureMarks, type InstallationWhere } from './departure-marks.js';

/**
 * Workspaces that uninstalled the app (ADR 0010). An uninstall is two things, kept apart:
 *
 * - a **tombstone** per workspace (`departed:team:<T>`) and, for an org-wide install, per
 *   organization (`departed:enterprise:<E>`): one write, no lock, so it always lands. From then
 *   on no request is authorized for it, no token is refreshed or saved for it
 *   (SlackClients.authorize, KeyvInstallationStore), on every replica at once. It stays until the
 *   app is installed again there (a new OAuth install clears it; with a job pending, that job does
 *   as it ends).
 * - a **departure job** (`departure:<member>`, listed in the set `departures:pending`): delete the
 *   workspace's data and its installation. Tried at once; a failure (the installation's lock held
 *   by a slow refresh or a replica that died holding it, a store error) leaves the job pending with
 *   a capped backoff, and `sweep()` retries it: before every watcher cycle and at start-up. While a
 *   job waits for its retry, each sweep still deletes the workspace's watches, so no cycle polls a
 *   provider for it. Each part is idempotent; one run of a job at a time (a lease), so no run
 *   is still deleting when its job ends.
 *
 * A job deletes only what the installation it was made for made: it carries a
 * generation, its tombstone holds the same, and it deletes only while that tombstone stands. A
 * reinstall while a job is pending leaves the tombstone (requests stay refused, nothing new is
 * made), marks the job `reinstalled` and runs it at once; the job clears the tombstone as it ends.
 *
 * Members: `team:<T>` (a workspace: its data, and its installation unless an org-wide one served
 * it) and `enterprise:<E>` (an org-wide installation; its workspaces are `team:` members of their own).
 */

/** First retry after 30 s, doubling, at most hourly: bounded work for a store that stays down. */
export const DEPARTURE_RETRY_MS = { firstMs: 30_000, maxMs: 3_600_000 } as const;

/** A request or a token for a workspace that uninstalled the app (and has not installed it again). */
export class WorkspaceDepartedError extends Error {}

export interface DepartureWork {
  /**
   * Deletes the installation, under its lock, if `stillDeparted()` says so there: a reinstall
   * (which saves under the same lock) makes it false. Absent with a single bot token.
   */
  deleteInstallation?: (where: InstallationWhere, stillDeparted: () => Promise<boolean>) => Promise<void>;
  /** WorkspaceDeparture.forget: the workspace's data, watches first. */
  forgetWorkspace?: (teamId: string) => Promise<void>;
  /** WorkspaceDeparture.stopWatching: its watches only, tried at every sweep while a job waits. */
  stopWatching?: (teamId: string) => Promise<void>;
  /** Whether the app was installed at `where` after `sinceMs` (a new install, not a refresh); absent: never. */
  installedSince?: (where: InstallationWhere, sinceMs: number) => Promise<boolean>;
}

/** How a run's end found its job: another generation's, reinstalled (its tombstone first), or removed. */
type JobEnd = 'newer' | 'reinstalled' | 'ended' | 'ended-reinstalled';

/**
 * How long a reinstall waits for a deletion under way before it answers (the workspace is refused
 * until that deletion ends): one takes milliseconds; a stuck one is left to finish on its own.
 */
const REINSTALL_WAIT_MS = 3_000;

/** Uninstalls kept in memory while the store refuses their first writes (a bound, not a queue). */
const UNRECORDED_MAX = 1_000;

export class Departures {
  readonly marks: DepartureMarks;
  readonly #work: DepartureWork;
  readonly #logger: Logger;
  readonly #clock: Clock;
  /**
   * One run of a job at a time, across replicas: a second one (a sweep on the other replica, the
   * reinstall's) does not wait, it leaves the job to the run under way. Held for as long as a
   * deletion may take: a run whose lease lapsed could still be deleting when another ends the job.
   */
  readonly #runs: LeaseLocks;
  /** The same leases, for a reinstall: it waits a little for a run under way (it clears the tombstone). */
  readonly #reinstallRuns: LeaseLocks;
  #sweeping: Promise<number> | undefined;
  /**
   * Uninstalls whose tombstone or job could not be written (the store was down): Slack does not
   * send an acknowledged event again, so this process keeps them, each with when it arrived (the
   * bot's clock), and `sweep` writes them first, unless the app was installed there again since.
   * That compares this replica's clock with the installing one's: it assumes they agree (NTP) to
   * within the time between an uninstall and a reinstall. Only in memory: a process that dies
   * before the store is back loses them (logged as an error).
   */
  readonly #unrecorded = new Map<string, { where: InstallationWhere; at: number }>();

  /** `clock`: the bot's one clock, the one installations stamp `installedAt` with. */
  constructor(marks: DepartureMarks, work: DepartureWork, logger: Logger, clock: Clock) {
    this.marks = marks;
    this.#work = work;
    this.#logger = logger;
    this.#clock = clock;
    this.#runs = new LeaseLocks(marks.state, { waitMs: 0, maxHoldMs: 600_000 });
    this.#reinstallRuns = new LeaseLocks(marks.state, { waitMs: REINSTALL_WAIT_MS, maxHoldMs: 600_000 });
    marks.afterReinstall = async (members) => {
      for (const member of members)
        await this.#attempt(member, this.#reinstallRuns).catch((error: unknown) =>
          this.#logger.error(
            { err: error, departure: member },
            'could not finish deleting the old data of a workspace installed again; it stays refused until the retry',
          ),
        );
    };
  }

  /**
   * The app was uninstalled from `where`: tombstones first (nothing uses the installation from
   * now on), then the jobs are written and each is tried once. A failed job stays for `sweep`;
   * when the tombstones or jobs cannot be written, `where` is kept for `sweep` (as of `at`: when
   * the event arrived, by the bot's clock, as installations' `installedAt`) and this logs it.
   */
  async depart(where: InstallationWhere, at = this.#clock.now()): Promise<void> {
    const key = JSON.stringify([where.teamId, where.enterpriseId, where.isEnterpriseInstall]);
    let members: string[];
    try {
      members = await this.#record(where);
      this.#unrecorded.delete(key);
    } catch (error) {
      const kept = this.#unrecorded.has(key) || this.#unrecorded.size < UNRECORDED_MAX;
      if (kept) this.#unrecorded.set(key, { where, at });
      this.#logger.error(
        { err: error, ...where },
        kept
          ? 'could not record app_uninstalled; kept by this process and retried before each watcher cycle'
          : `could not record app_uninstalled, and not kept: ${UNRECORDED_MAX} uninstalls wait already`,
      );
      return;
    }
    for (const member of members) await this.#attempt(member);
  }

  /**
   * Only the tombstones of `where`, before Slack is told the uninstall arrived: a request sent right
   * after that answer is refused. `depart` writes them again (idempotent) with the jobs.
   */
  async tombstone(where: InstallationWhere): Promise<void> {
    await this.marks.mark(await this.marks.membersOf(where), String(this.#clock.now()));
  }

  /** The tombstones, then a job per member; the members (none: nothing to delete). */
  async #record(where: InstallationWhere): Promise<string[]> {
    const members = await this.marks.membersOf(where);
    if (members.length === 0) {
      this.#logger.warn(
        { ...where },
        'app_uninstalled names no workspace or organization: nothing to delete',
      );
      return [];
    }
    const now = this.#clock.now();
    const gen = randomUUID();
    await this.marks.mark(members, gen);
    const state = this.marks.state;
    for (const member of members) {
      const [kind, id] = member.split(':') as ['team' | 'enterprise', string];
      const job: DepartureJob = {
        since: now,
        gen,
        attempts: 0,
        nextAt: now,
        ...(kind === 'team' ? { teamId: id } : {}),
        // A workspace of an org-wide install has no installation of its own.
        ...(kind === 'enterprise' || !where.isEnterpriseInstall
          ? {
              installation: {
                teamId: kind === 'team' ? id : undefined,
                enterpriseId: where.enterpriseId,
                isEnterpriseInstall: kind === 'enterprise',
              },
            }
          : {}),
      };
      await state.update(`departure:${member}`, () => JSON.stringify(job));
      await state.setAdd(PENDING, member);
    }
    return members;
  }

  /** Retries every pending job that is due; resolves with how many are still pending. */
  sweep(): Promise<number> {
    this.#sweeping ??= (async () => {
      try {
        // An uninstall the store refused first: recorded now, unless the app was installed again.
        for (const [key, { where, at }] of [...this.#unrecorded]) await this.#recordKept(key, where, at);
        const members = await this.marks.state.setMembers(PENDING);
        let left = 0;
        for (const member of members) if (!(await this.#attempt(member))) left++;
        return left;
      } finally {
        this.#sweeping = undefined;
      }
    })();
    return this.#sweeping;
  }

  /** A kept uninstall (`#unrecorded`): written and carried out, dropped, or kept for the next sweep. */
  async #recordKept(key: string, where: InstallationWhere, at: number): Promise<void> {
    try {
      if (await this.#work.installedSince?.(where, at)) {
        this.#unrecorded.delete(key);
        this.#logger.info(
          { ...where },
          'a kept app_uninstalled is dropped: the app was installed there again',
        );
        return;
      }
      await this.depart(where, at);
    } catch (error) {
      this.#logger.warn(
        { err: error, ...where },
        this.#unrecorded.has(key)
          ? 'could not record app_uninstalled yet; kept for the next sweep'
          : 'a kept app_uninstalled was recorded; its deletion failed and is retried as a pending job',
      );
    }
  }

  /** Runs the job of `member` if it is due; true when it is done (or there is none). */
  async #attempt(member: string, runs = this.#runs): Promise<boolean> {
    const job = parseJob(await this.marks.state.get(`departure:${member}`));
    if (!job) return this.#unlist(member);
    try {
      return await runs.run(`departure:${member}:${genOf(job)}`, () => this.#run(member, genOf(job)));
    } catch (error) {
      // Another run of this job is under way (here or on another replica): it is left to that one.
      if (error instanceof LockWaitError) return false;
      throw error;
    }
  }

  /** The job of `member` of generation `gen`, holding its run's lease. */
  async #run(member: string, gen: string): Promise<boolean> {
    const state = this.marks.state;
    const key = `departure:${member}`;
    const read = async () => {
      const job = parseJob(await state.get(key));
      return job && genOf(job) === gen ? job : undefined;
    };
    let job = await read();
    // Done by a run that ended meanwhile (none left), or a newer uninstall's job (its own turn).
    if (!job) return (await state.get(key)) === undefined && this.#unlist(member);
    if ((await this.marks.generation(member)) !== gen) {
      // Its tombstone is gone (it ended a reinstalled job and stopped before removing it) or is a
      // newer uninstall's: what is there now was not made by the installation this job is for.
      await state.update(key, (raw) => (parseJob(raw) && genOf(parseJob(raw)!) === gen ? undefined : SKIP));
      this.#logger.info({ departure: member }, 'departure ended: the app was installed there again');
      return this.#unlist(member);
    }
    const now = this.#clock.now();
    if (job.nextAt > now) {
      // Not due, but no cycle may poll for it meanwhile: its watches go at every sweep.
      if (job.teamId && this.#work.stopWatching)
        await this.#work
          .stopWatching(job.teamId)
          .catch((error: unknown) =>
            this.#logger.warn(
              { err: error, departure: member },
              'could not stop watching a departed workspace',
            ),
          );
      // A reinstall meanwhile made it due (its own run stepped aside for this one).
      job = await read();
      if (!job || job.nextAt > now) return false;
    }
    try {
      // Data first: it needs no lock (the tombstone already keeps every refresh from saving).
      if (job.teamId && this.#work.forgetWorkspace) await this.#work.forgetWorkspace(job.teamId);
      // The job was read before the lock: a reinstall meanwhile dropped its installation, and the
      // new one lies under the same key. Asked again under the lock, it is left alone.
      if (job.installation && this.#work.deleteInstallation)
        await this.#work.deleteInstallation(
          job.installation,
          async () => (await read())?.installation !== undefined,
        );
    } catch (error) {
      const attempts = job.attempts + 1;
      const delay = Math.min(DEPARTURE_RETRY_MS.firstMs * 2 ** (attempts - 1), DEPARTURE_RETRY_MS.maxMs);
      // On the job as stored now, not as read: a reinstall meanwhile dropped its installation.
      await state.update(key, (current) => {
        const stored = parseJob(current);
        return stored && genOf(stored) === gen
          ? JSON.stringify({ ...stored, attempts, nextAt: now + delay })
          : SKIP;
      });
      this.#logger.error(
        { err: error, departure: member, attempts, retryInSeconds: Math.round(delay / 1000) },
        'could not finish deleting a departed workspace; it stays refused and the deletion is retried',
      );
      return false;
    }
    // Only this job: a newer uninstall of the same workspace (a reinstall and another uninstall
    // meanwhile) stays for its own turn. Reinstalled (now, or while it ran): its tombstone goes
    // first, so a crash between the two leaves a job that ends without deleting (above).
    let end = await this.#end(key, gen, false);
    if (end === 'reinstalled') {
      await this.marks.clearIf(member, gen);
      end = await this.#end(key, gen, true);
    }
    if (end === 'newer') return false;
    await this.#unlist(member);
    this.#logger.info(
      {
        departure: member,
        attempts: job.attempts + 1,
        ...(end === 'ended-reinstalled' ? { reinstalled: true } : {}),
      },
      'departed workspace deleted (data and installation)',
    );
    return true;
  }

  /** Removes the job of generation `gen`, unless it is a newer one or (`cleared` false) it was reinstalled. */
  async #end(key: string, gen: string, cleared: boolean): Promise<JobEnd> {
    let end = 'ended' as JobEnd;
    await this.marks.state.update(key, (raw) => {
      const job = parseJob(raw);
      if (!job) end = 'ended';
      else if (genOf(job) !== gen) end = 'newer';
      else if (job.reinstalled) end = cleared ? 'ended-reinstalled' : 'reinstalled';
      else end = 'ended';
      return job && (end === 'ended' || end === 'ended-reinstalled') ? undefined : SKIP;
    });
    return end;
  }

  /** Out of the pending list; listed again if a newer job was written meanwhile. True. */
  async #unlist(member: string): Promise<true> {
    const state = this.marks.state;
    await state.setRemove(PENDING, member);
    if ((await state.get(`departure:${member}`)) !== undefined) await state.setAdd(PENDING, member);
    return true;
  }
}
