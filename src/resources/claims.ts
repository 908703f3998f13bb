import type { ResourceKind } from '../domain/migration-resource.js';
import type { Store } from '../store/create-store.js';

/** Who said "I'm on it" for a failed resource, and when (wall-clock ms). */
export interface Claim {
  by: string;
  at: number;
  /** The failure it is about (its code and words): a later, different failure is nobody's yet. */
  about?: string;
}

type ResourceKey = { connection: string; kind: ResourceKind; id: string };
type Failing = ResourceKey & { state: string; lastError?: { code?: string; message?: string } };

/** Which failure a resource is in now, as a claim remembers it. */
export function failureOf(r: Pick<Failing, 'lastError'>): string {
  return `${r.lastError?.code ?? ''}|${r.lastError?.message ?? ''}`.slice(0, 300);
}

/** A week: past that, a claim nobody handed back says less than no claim at all. */
const KEEP_MS = 7 * 24 * 3600_000;

/**
 * Who took on each failure (PagerDuty's acknowledge), per workspace, so that two people do not act
 * on it at once. A claim is about the failure only: readers show it while the resource is failed,
 * and the watcher drops it when the resource recovers or completes.
 */
export class Claims {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async take(teamId: string, resource: ResourceKey, claim: Claim): Promise<void> {
    await this.#store.set<Claim>(key(teamId, resource), claim, KEEP_MS);
  }

  async handBack(teamId: string, resource: ResourceKey): Promise<void> {
    await this.#store.delete(key(teamId, resource));
  }

  async get(teamId: string, resource: ResourceKey): Promise<Claim | undefined> {
    return this.#store.get<Claim>(key(teamId, resource));
  }

  /**
   * The claim on `resource` while it is still in the failure the claim was about; otherwise none
   * (a recovery or completion closes it, with no write on the way: the TTL removes the record).
   */
  async current(teamId: string, resource: Failing): Promise<Claim | undefined> {
    if (resource.state !== 'failed') return undefined;
    const claim = await this.get(teamId, resource);
    return claim && (claim.about === undefined || claim.about === failureOf(resource)) ? claim : undefined;
  }
}

function key(teamId: string, r: ResourceKey): string {
  return `claim:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
