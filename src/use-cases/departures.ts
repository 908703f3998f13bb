import type { Logger } from '../logger.js';
import type { AtomicKv } from '../store/atomic-kv.js';

/**
 * Workspaces that uninstalled the app (ADR 0010). An uninstall is two things, kept apart:
 *
 * - a **tombstone** per workspace (`departed:team:<T>`) and, for an org-wide install, per
 *   organization (`departed:enterprise:<E>`): one write, no lock, so it always lands. From then
 *   on no request is authorized for it, no token is refreshed or saved for it
 *   (SlackClients.authorize, KeyvInstallationStore), on every replica at once. It stays until the
 *   app is installed again there (a new OAuth install clears it).
 * - a **departure job** (`departure:<member>`, listed in the set `departures:pending`): delete the
 *   workspace's data and its installation. Tried at once; a failure (the installation's lock held
 *   by a slow refresh or a replica that died holding it, a store error) leaves the job pending with
 *   a capped backoff, and `sweep()` retries it: before every watcher cycle and at start-up. While a
 *   job waits for its retry, each sweep still deletes the workspace's watches, so no cycle polls a
 *   provider for it. Each part is idempotent, so replicas sweeping the same job at
 *   once change nothing more.
 *
 * Members: `team:<T>` (a workspace: its data, and its installation unless an org-wide one served
 * it) and `enterprise:<E>` (an org-wide installation; its workspaces are `team:` members of their own).
 */

/** Where an installation is (Bolt's InstallationQuery, without Bolt: use cases never see Slack's types). */
export interface InstallationWhere {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

interface DepartureJob {
  since: number;
  attempts: number;
  nextAt: number;
  /** The installation to delete; dropped when the app is installed there again. */
  installation?: InstallationWhere;
  /** The workspace whose data to delete (`team:` members). */
  teamId?: string;
}

const PENDING = 'departures:pending';
const ID = /^[TE][A-Z0-9]{2,}$/;
/** First retry after 30 s, doubling, at most hourly: bounded work for a store that stays down. */
export const DEPARTURE_RETRY_MS = { firstMs: 30_000, maxMs: 3_600_000 } as const;

/** A request or a token for a workspace that uninstalled the app (and has not installed it again). */
export class WorkspaceDepartedError extends Error {}

/** The tombstones and the workspaces of each org-wide install: the part every replica reads. */
export class DepartureMarks {
  readonly #state: AtomicKv;

  constructor(state: AtomicKv) {
    this.#state = state;
  }

  /** Whether the installation `where` names departed: its workspace, or its whole org. */
  async departed(where: Partial<InstallationWhere>): Promise<boolean> {
    const keys: string[] = [];
    if (where.teamId && ID.test(where.teamId)) keys.push(`departed:team:${where.teamId}`);
    if (where.isEnterpriseInstall && where.enterpriseId && ID.test(where.enterpriseId))
      keys.push(`departed:enterprise:${where.enterpriseId}`);
    if (keys.length === 0) return false;
    return (await this.#state.getMany(keys)).some((v) => v !== undefined);
  }

  async mark(members: readonly string[], at: number): Promise<void> {
    await Promise.all(members.map((m) => this.#state.update(`departed:${m}`, () => String(at))));
  }

  /** The app was installed again: its tombstones go (the org's workspaces' too). */
  async clear(members: readonly string[]): Promise<void> {
    await Promise.all(members.map((m) => this.#state.update(`departed:${m}`, () => undefined)));
  }

  /** Workspace `teamId` is served by the org-wide install of `enterpriseId` (listed for its uninstall). */
  async noteOrgWorkspace(teamId: string, enterpriseId: string): Promise<void> {
    await this.#state.setAdd(`installation-teams:${enterpriseId}`, teamId);
  }

  async orgWorkspaces(enterpriseId: string): Promise<string[]> {
    return (await this.#state.setMembers(`installation-teams:${enterpriseId}`)).filter((t) => ID.test(t));
  }

  /** Members a departure of `where` concerns: its installation's, and each workspace it served. */
  async membersOf(where: InstallationWhere): Promise<string[]> {
    if (!where.isEnterpriseInstall)
      return where.teamId && ID.test(where.teamId) ? [`team:${where.teamId}`] : [];
    if (!where.enterpriseId || !ID.test(where.enterpriseId)) return [];
    const teams = new Set(await this.orgWorkspaces(where.enterpriseId));
    if (where.teamId && ID.test(where.teamId)) teams.add(where.teamId);
    return [`enterprise:${where.enterpriseId}`, ...[...teams].map((t) => `team:${t}`)];
  }

  /**
   * The app was installed again at `where`: its tombstones go, and a pending job keeps deleting the
   * old data but no longer the installation (the new one is saved under the same key).
   */
  async reinstalled(where: InstallationWhere): Promise<void> {
    const members = await this.membersOf(where);
    for (const member of members) {
      await this.#state.update(`departure:${member}`, (raw) => {
        if (raw === undefined) return undefined;
        const { installation: _, ...job } = JSON.parse(raw) as DepartureJob;
        return JSON.stringify(job);
      });
    }
    await this.clear(members);
  }

  get state(): AtomicKv {
    return this.#state;
  }
}

export interface DepartureWork {
  /** Deletes the installation (under its lock); absent with a single bot token. */
  deleteInstallation?: (where: InstallationWhere) => Promise<void>;
  /** WorkspaceDeparture.forget: the workspace's data, watches first. */
  forgetWorkspace?: (teamId: string) => Promise<void>;
  /** WorkspaceDeparture.stopWatching: its watches only, tried at every sweep while a job waits. */
  stopWatching?: (teamId: string) => Promise<void>;
  /** Whether the app was installed at `where` after `sinceMs` (a new install, not a refresh); absent: never. */
  installedSince?: (where: InstallationWhere, sinceMs: number) => Promise<boolean>;
}

/** Uninstalls kept in memory while the store refuses their first writes (a bound, not a queue). */
const UNRECORDED_MAX = 1_000;

export class Departures {
  readonly marks: DepartureMarks;
  readonly #work: DepartureWork;
  readonly #logger: Logger;
  readonly #now: () => number;
  #sweeping: Promise<number> | undefined;
  /**
   * Uninstalls whose tombstone or job could not be written (the store was down): Slack does not
   * send an acknowledged event again, so this process keeps them, each with when it arrived (the
   * system clock), and `sweep` writes them first, unless the app was installed there again since.
   * That compares this replica's clock with the installing one's: it assumes they agree (NTP) to
   * within the time between an uninstall and a reinstall. Only in memory: a process that dies
   * before the store is back loses them (logged as an error).
   */
  readonly #unrecorded = new Map<string, { where: InstallationWhere; at: number }>();

  constructor(marks: DepartureMarks, work: DepartureWork, logger: Logger, now: () => number = Date.now) {
    this.marks = marks;
    this.#work = work;
    this.#logger = logger;
    this.#now = now;
  }

  /**
   * The app was uninstalled from `where`: tombstones first (nothing uses the installation from
   * now on), then the jobs are written and each is tried once. A failed job stays for `sweep`;
   * when the tombstones or jobs cannot be written, `where` is kept for `sweep` (as of `at`: when
   * the event arrived, by the system clock as installations' `installedAt`) and this logs it.
   */
  async depart(where: InstallationWhere, at = Date.now()): Promise<void> {
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
    const now = this.#now();
    await this.marks.mark(members, now);
    const state = this.marks.state;
    for (const member of members) {
      const [kind, id] = member.split(':') as ['team' | 'enterprise', string];
      const job: DepartureJob = {
        since: now,
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
  async #attempt(member: string): Promise<boolean> {
    const state = this.marks.state;
    const raw = await state.get(`departure:${member}`);
    if (raw === undefined) {
      await state.setRemove(PENDING, member);
      return true;
    }
    const job = JSON.parse(raw) as DepartureJob;
    const now = this.#now();
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
      return false;
    }
    try {
      // Data first: it needs no lock (the tombstone already keeps every refresh from saving).
      if (job.teamId && this.#work.forgetWorkspace) await this.#work.forgetWorkspace(job.teamId);
      if (job.installation && this.#work.deleteInstallation)
        await this.#work.deleteInstallation(job.installation);
    } catch (error) {
      const attempts = job.attempts + 1;
      const delay = Math.min(DEPARTURE_RETRY_MS.firstMs * 2 ** (attempts - 1), DEPARTURE_RETRY_MS.maxMs);
      await state.update(`departure:${member}`, (current) =>
        current === undefined ? undefined : JSON.stringify({ ...job, attempts, nextAt: now + delay }),
      );
      this.#logger.error(
        { err: error, departure: member, attempts, retryInSeconds: Math.round(delay / 1000) },
        'could not finish deleting a departed workspace; it stays refused and the deletion is retried',
      );
      return false;
    }
    await state.update(`departure:${member}`, () => undefined);
    await state.setRemove(PENDING, member);
    this.#logger.info(
      { departure: member, attempts: job.attempts + 1 },
      'departed workspace deleted (data and installation)',
    );
    return true;
  }
}
