import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../logger.js';
import type { SecretRegistry } from '../secrets.js';
import type { Store } from '../store/create-store.js';
import type { LeaseLocks } from '../store/lease-lock.js';
import type { DepartureMarks, InstallationWhere } from '../use-cases/departures.js';

/**
 * Bolt's installation store (OAuth mode) on the bot's Keyv store. An org-wide install is kept
 * under its enterprise id, any other under its workspace id:
 *
 * - `installation:enterprise:<E…>` and `installation:team:<T…>`: `{ v, sealed }`, the whole
 *   installation (bot token, refresh token, expiry) sealed with the SecretBox and bound to the key.
 * - `installation-team:<T…>`: the enterprise id of an org-wide install seen serving workspace T,
 *   so background work that only knows the workspace id finds the installation.
 *
 * One lock per installation as stored (its key above), held in the shared store so it holds across
 * replicas: every write and delete takes it, and a token refresh (SlackClients.authorize) runs
 * inside it from read to save. A refresh saves only over the very record it read: an installation
 * deleted (uninstalled) or replaced (installed again) meanwhile is left as it is, and none is saved
 * for a workspace or org whose tombstone says it uninstalled the app (DepartureMarks, ADR 0010):
 * the uninstall writes the tombstone before it waits for this lock, so a refresh that holds the
 * lock sees it at its save. A new install (not a refresh) clears the tombstone.
 *
 * - `installation-reinstall:<key>`: Slack refused the installation's refresh token (it was spent by
 *   a refresh whose answer was lost): no refresh is tried again until the app is installed again.
 */

const recordSchema = z.object({
  v: z.literal(1),
  teamId: z.string().optional(),
  enterpriseId: z.string().optional(),
  isEnterpriseInstall: z.boolean(),
  savedAt: z.string(),
  /** When the app was installed (a refresh keeps it; records saved before it have only `savedAt`). */
  installedAt: z.string().optional(),
  sealed: z.string().min(1),
});
type InstallationRecord = z.infer<typeof recordSchema>;

/** What the bot relies on in a decrypted installation; the rest is kept as Slack sent it. */
const installationSchema = z.looseObject({
  team: z.looseObject({ id: z.string() }).optional(),
  enterprise: z.looseObject({ id: z.string() }).optional(),
  isEnterpriseInstall: z.boolean().optional(),
  bot: z
    .looseObject({
      token: z.string().min(1),
      refreshToken: z.string().optional(),
      expiresAt: z.number().optional(),
    })
    .optional(),
  user: z.looseObject({ token: z.string().optional(), refreshToken: z.string().optional() }).optional(),
});

const ID = /^[TE][A-Z0-9]{2,}$/;

/** Where a fetched installation was read from, carried along (not saved) to the save of its refresh. */
const LOADED = Symbol('loaded from');
type Loaded = { [LOADED]?: { key: string; sealed: string } };

/** A refresh would overwrite an installation that was deleted or installed again while it ran. */
export class InstallationChangedError extends Error {}

function installationKey(where: {
  enterpriseId?: string;
  teamId?: string;
  isEnterpriseInstall: boolean;
}): string {
  if (where.isEnterpriseInstall) {
    if (!where.enterpriseId || !ID.test(where.enterpriseId))
      throw new Error('An org-wide install needs an enterprise id.');
    return `installation:enterprise:${where.enterpriseId}`;
  }
  if (!where.teamId || !ID.test(where.teamId)) throw new Error('An installation needs a workspace id.');
  return `installation:team:${where.teamId}`;
}

export class KeyvInstallationStore implements InstallationStore {
  readonly #store: Store;
  readonly #box: SecretBox;
  readonly #secrets: SecretRegistry;
  readonly #logger: Logger;
  readonly #locks: LeaseLocks;
  readonly #aliasesSeen = new Set<string>();
  readonly #marks: DepartureMarks | undefined;
  readonly #clock: Clock;

  /** `clock`: the bot's one clock, as departures' (an install is compared with an uninstall's time). */
  constructor(
    store: Store,
    box: SecretBox,
    secrets: SecretRegistry,
    logger: Logger,
    locks: LeaseLocks,
    clock: Clock,
    marks?: DepartureMarks,
  ) {
    this.#clock = clock;
    this.#store = store;
    this.#box = box;
    this.#secrets = secrets;
    this.#logger = logger;
    this.#locks = locks;
    this.#marks = marks;
  }

  /** Whether the workspace or org of `query` uninstalled the app (its tombstone; ADR 0010). */
  async departed(query: InstallationQuery<boolean>): Promise<boolean> {
    return (await this.#marks?.departed(query)) ?? false;
  }

  /** Slack refused this installation's refresh token: true the first time it is recorded. */
  async markNeedsReinstall(query: InstallationQuery<boolean>): Promise<boolean> {
    const key = await this.#storedKey(query);
    if (!key || (await this.#store.get(reinstallKey(key))) !== undefined) return false;
    await this.#store.set(reinstallKey(key), new Date(this.#clock.now()).toISOString());
    return true;
  }

  async needsReinstall(query: InstallationQuery<boolean>): Promise<boolean> {
    const key = await this.#storedKey(query);
    return key !== undefined && (await this.#store.get(reinstallKey(key))) !== undefined;
  }

  async #storedKey(query: InstallationQuery<boolean>): Promise<string | undefined> {
    for (const candidate of await this.#candidateKeys(query))
      if ((await this.#store.get<unknown>(candidate)) !== undefined) return candidate;
    return undefined;
  }

  /**
   * Runs `work` holding the lock of the installation that serves `query` as it is stored (an
   * org-wide install's for each of its workspaces, whether the caller names the enterprise or only
   * the workspace). Without any installation to serve it, the lock of the key one would be saved under.
   * `work` saves a refreshed installation with the `save` it is given: under this lock, not a second time.
   */
  async withInstallationLock<T>(
    query: InstallationQuery<boolean>,
    work: (save: (refreshed: Installation<'v1' | 'v2', boolean>) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const keys = await this.#candidateKeys(query);
    let key = keys[0];
    for (const candidate of keys) {
      if ((await this.#store.get<unknown>(candidate)) === undefined) continue;
      key = candidate;
      break;
    }
    // Ids that name no possible installation: there is nothing to refresh or delete.
    if (key === undefined) return work(() => Promise.reject(new Error('No installation to save.')));
    const held = key;
    let holding = true;
    const save = async (refreshed: Installation<'v1' | 'v2', boolean>) => {
      // Nothing is saved by work left running once the lock is released, nor at another key.
      if (!holding || installationKey(whereOf(refreshed)) !== held)
        throw new InstallationChangedError(`A refresh of ${held} ended outside its lock; it is not saved.`);
      await this.#save(held, refreshed);
    };
    return this.#locks.run(held, () => work(save).finally(() => (holding = false)));
  }

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const key = installationKey(whereOf(installation));
    const oldJobs = await this.#locks.run(key, () => this.#save(key, installation));
    // An uninstall's deletion still pending: finished now, outside the lock it may need.
    if (oldJobs.length > 0) await this.#marks?.afterReinstall?.(oldJobs);
  }

  /**
   * Saves `installation` at `key`, whose lock the caller holds. Answers the jobs of an earlier
   * uninstall still pending when this is an install, for the caller to finish outside the lock.
   */
  async #save(key: string, installation: Installation<'v1' | 'v2', boolean>): Promise<string[]> {
    const where = whereOf(installation);
    const isEnterpriseInstall = where.isEnterpriseInstall;
    this.#registerSecrets(installation);
    const savedAt = new Date(this.#clock.now()).toISOString();
    const sealed = this.#box.sealJson(installation, key);
    let oldJobs: string[] = [];
    // A fetched installation coming back is a token refresh: only over the record it was read from.
    const loaded = (installation as Loaded)[LOADED];
    const stored = loaded ? await this.#record(key) : undefined;
    if (
      loaded &&
      (loaded.key !== key || !this.#same(stored?.sealed, loaded.sealed, key) || (await this.departed(where)))
    )
      throw new InstallationChangedError(
        `The installation of ${isEnterpriseInstall ? `organization ${where.enterpriseId}` : `workspace ${where.teamId}`} was removed or installed again while its token was refreshed; the refreshed token is not saved.`,
      );
    const installedAt = stored ? (stored.installedAt ?? stored.savedAt) : savedAt;
    const record: InstallationRecord = { v: 1, ...where, savedAt, installedAt, sealed };
    await this.#store.set(key, record);
    if (!loaded) {
      // Installed (again): a refresh token of its own, and no tombstone of an earlier uninstall.
      await this.#store.delete(reinstallKey(key));
      oldJobs = (await this.#marks?.reinstalled(where)) ?? [];
    }
    this.#logger.info(
      { team: where.teamId, enterprise: where.enterpriseId, orgWide: isEnterpriseInstall },
      'installation saved',
    );
    return oldJobs;
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    for (const key of await this.#candidateKeys(query)) {
      const raw = await this.#store.get<unknown>(key);
      if (raw === undefined) continue;
      const record = recordSchema.parse(raw);
      const installation: z.infer<typeof installationSchema> & Loaded = installationSchema.parse(
        this.#box.openJson(record.sealed, key),
      );
      // Enumerable, so it survives the copy Bolt makes before saving a refresh; JSON leaves it out.
      installation[LOADED] = { key, sealed: record.sealed };
      this.#registerSecrets(installation);
      return installation as unknown as Installation<'v1' | 'v2', boolean>;
    }
    throw new Error(
      `No installation for ${query.isEnterpriseInstall ? `organization ${query.enterpriseId}` : `workspace ${query.teamId}`}: install the app at /slack/install.`,
    );
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.deleteUnlessReinstalled(query, async () => true);
  }

  /**
   * Deletes the installation under its lock if `stillWanted()`, asked under that lock, says so:
   * an uninstall's deletion steps aside for an install saved after the uninstall was read.
   */
  async deleteUnlessReinstalled(
    query: InstallationQuery<boolean>,
    stillWanted: () => Promise<boolean>,
  ): Promise<void> {
    const key = installationKey({
      teamId: query.teamId,
      enterpriseId: query.enterpriseId,
      isEnterpriseInstall: query.isEnterpriseInstall,
    });
    const where = { team: query.teamId, enterprise: query.enterpriseId, orgWide: query.isEnterpriseInstall };
    const deleted = await this.#locks.run(key, async () => {
      if (!(await stillWanted())) return false;
      await this.#store.delete(key);
      await this.#store.delete(reinstallKey(key));
      return true;
    });
    if (deleted) this.#logger.info(where, 'installation deleted');
    else
      this.#logger.info(where, 'installation kept: the app was installed there again during the uninstall');
  }

  /** Records that workspace `teamId` is served by the org-wide install of `enterpriseId`. */
  async rememberOrgWorkspace(teamId: string, enterpriseId: string): Promise<void> {
    const alias = `${teamId}:${enterpriseId}`;
    if (this.#aliasesSeen.has(alias) || !ID.test(teamId) || !ID.test(enterpriseId)) return;
    await this.#store.set(`installation-team:${teamId}`, enterpriseId);
    // Listed per org as well, so an org-wide uninstall finds every workspace it served.
    await this.#marks?.noteOrgWorkspace(teamId, enterpriseId);
    this.#aliasesSeen.add(alias);
  }

  /**
   * Whether the app was installed at exactly `where` (its own key: a workspace's uninstall never
   * reads its org's install) after `sinceMs`, by the system clock of the replica that saved it. A
   * token refresh keeps `installedAt`; a record from before it has only `savedAt`.
   */
  async installedSince(where: InstallationQuery<boolean>, sinceMs: number): Promise<boolean> {
    const record = await this.#record(installationKey(where));
    return record !== undefined && Date.parse(record.installedAt ?? record.savedAt) > sinceMs;
  }

  /**
   * Whether the stored installation is still the one a refresh read: the same text, or the same
   * installation re-encrypted under a newer key meanwhile (`keys rotate`), which is no new install.
   */
  #same(stored: string | undefined, loaded: string, key: string): boolean {
    if (stored === undefined) return false;
    if (stored === loaded) return true;
    try {
      return this.#box.open(stored, key) === this.#box.open(loaded, key);
    } catch {
      return false;
    }
  }

  async #record(key: string): Promise<InstallationRecord | undefined> {
    const raw = await this.#store.get<unknown>(key);
    return raw === undefined ? undefined : recordSchema.parse(raw);
  }

  async #candidateKeys(query: InstallationQuery<boolean>): Promise<string[]> {
    if (query.isEnterpriseInstall) return [installationKey(query)];
    const keys: string[] = [];
    if (query.teamId && ID.test(query.teamId))
      keys.push(installationKey({ ...query, isEnterpriseInstall: false }));
    let enterpriseId = query.enterpriseId;
    if (!enterpriseId && query.teamId && ID.test(query.teamId)) {
      enterpriseId = await this.#store.get<string>(`installation-team:${query.teamId}`);
    }
    if (enterpriseId && ID.test(enterpriseId))
      keys.push(installationKey({ enterpriseId, isEnterpriseInstall: true }));
    return keys;
  }

  /**
   * Bot-wide: Slack issues these tokens (nothing typed by a user), and an org-wide install serves
   * many workspaces, so each is masked everywhere.
   */
  #registerSecrets(installation: {
    bot?: { token?: string; refreshToken?: string };
    user?: { token?: string; refreshToken?: string };
  }): void {
    for (const value of [
      installation.bot?.token,
      installation.bot?.refreshToken,
      installation.user?.token,
      installation.user?.refreshToken,
    ]) {
      this.#secrets.add(value);
    }
  }
}

function whereOf(installation: Installation<'v1' | 'v2', boolean>) {
  return {
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
  };
}

/** Slack refused the refresh token of the installation stored at `key` (see the header). */
function reinstallKey(key: string): string {
  return `installation-reinstall:${key}`;
}

/** Bolt's installation query for a departure's `where` (its `teamId` may be absent: org-wide). */
export function installationQueryOf(where: InstallationWhere) {
  return {
    teamId: where.teamId,
    enterpriseId: where.enterpriseId,
    isEnterpriseInstall: where.isEnterpriseInstall,
  };
}
