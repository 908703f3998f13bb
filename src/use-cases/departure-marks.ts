import { type AtomicKv, SKIP } from '../store/atomic-kv.js';

/**
 * The part of an uninstall (ADR 0010, departures.ts) every replica reads: the tombstones, the
 * workspaces of each org-wide install, and the departure job's shape, which a reinstall changes.
 */

/** Where an installation is (Bolt's InstallationQuery, without Bolt: use cases never see Slack's types). */
export interface InstallationWhere {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

export interface DepartureJob {
  since: number;
  /** Its uninstall's generation, written in its tombstones too (absent from older tombstones: `since`). */
  gen?: string;
  /** The app was installed again while it was pending: it clears its tombstones as it ends. */
  reinstalled?: true;
  attempts: number;
  nextAt: number;
  /** The installation to delete; dropped when the app is installed there again. */
  installation?: InstallationWhere;
  /** The workspace whose data to delete (`team:` members). */
  teamId?: string;
}

export const PENDING = 'departures:pending';
export const genOf = (job: DepartureJob) => job.gen ?? String(job.since);
export const parseJob = (raw: string | undefined) =>
  raw === undefined ? undefined : (JSON.parse(raw) as DepartureJob);
const ID = /^[TE][A-Z0-9]{2,}$/;
/** The tombstones and the workspaces of each org-wide install: the part every replica reads. */
export class DepartureMarks {
  readonly #state: AtomicKv;
  /**
   * Departures: runs each job a reinstall found pending (`reinstalled`'s answer), after the
   * installation's lock: it ends it, clearing the tombstones. Absent: the next sweep does.
   */
  afterReinstall: ((members: readonly string[]) => Promise<void>) | undefined;

  constructor(state: AtomicKv) {
    this.#state = state;
  }

  /** What the tombstone of `member` holds: its uninstall's generation (undefined: none stands). */
  async generation(member: string): Promise<string | undefined> {
    return (await this.#state.getMany([`departed:${member}`]))[0];
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

  async mark(members: readonly string[], gen: string): Promise<void> {
    await Promise.all(members.map((m) => this.#state.update(`departed:${m}`, () => gen)));
  }

  /** The tombstone of `member`, only while it is still the one of generation `gen`. */
  async clearIf(member: string, gen: string): Promise<void> {
    await this.#state.update(`departed:${member}`, (current) => (current === gen ? undefined : SKIP));
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
   * The app was installed again at `where` (under its installation's lock): the tombstones of
   * members with no pending job go. A pending job no longer deletes the installation (the new one
   * is saved under the same key) and is due now: until it ends, deleting the old data, its
   * tombstone stands, so the new installation makes nothing it could delete. Resolves
   * with those members, for `afterReinstall`.
   */
  async reinstalled(where: InstallationWhere): Promise<string[]> {
    const members = await this.membersOf(where);
    const pending: string[] = [];
    for (const member of members) {
      let found = false;
      await this.#state.update(`departure:${member}`, (raw) => {
        found = raw !== undefined;
        if (raw === undefined) return SKIP;
        const { installation: _, ...job } = JSON.parse(raw) as DepartureJob;
        return JSON.stringify({ ...job, reinstalled: true, nextAt: 0 });
      });
      if (found) pending.push(member);
    }
    await this.clear(members.filter((m) => !pending.includes(m)));
    return pending;
  }

  get state(): AtomicKv {
    return this.#state;
  }
}
