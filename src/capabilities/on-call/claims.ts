import type { Clock } from '../../clock.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { Store } from '../../store/create-store.js';
import { failureOf } from '../../watcher/outbox/capability-facts.js';

/** Which failure a resource is in now, as a claim remembers it (`about`). */
export { failureOf };

/** Who said "I'm on it" for a failed resource, and when (ms on the bot's clock). */
export interface Claim {
  by: string;
  at: number;
  /** The failure it is about (its code and words): a later, different failure is nobody's yet. */
  about?: string;
  /** Who had it before `by` took it over (PagerDuty's reassign), for the post and the audit. */
  from?: string;
}

type ResourceKey = { connection: string; kind: ResourceKind; id: string };
type Failing = ResourceKey & { state: string; lastError?: { code?: string; message?: string } };

/** A week: past that, a claim nobody handed back says less than no claim at all. */
const KEEP_MS = 7 * 24 * 3600_000;

/** What a press of "I'm on it" came to: the claim that holds now, and whether it is the presser's. */
export interface TakeOutcome {
  claim: Claim;
  won: boolean;
}

/**
 * Who took on each failure (PagerDuty's acknowledge), per workspace, so that two people do not act
 * on it at once. A claim is about one failure occurrence: readers show it while the resource is
 * failed, and whoever sees the resource not failed closes it (`current`, the watcher's poll), so
 * the same error again later is nobody's yet.
 *
 * Taking and handing back are each one compare-and-set of the shared state (`AtomicKv.update`), so
 * two people pressing at once on two replicas get one owner, and the other is told who. Claims
 * written by 0.2.0 lie in the Keyv store; they are read (and so honoured) until they expire.
 */
export class Claims {
  readonly #state: AtomicKv;
  readonly #legacy: Store | undefined;
  readonly #clock: Clock;

  /** `clock`: the bot's one clock, which says when a claim is too old to hold. */
  constructor(state: AtomicKv, clock: Clock, legacy?: Store) {
    this.#state = state;
    this.#clock = clock;
    this.#legacy = legacy;
  }

  /**
   * Takes the failure `about` for `claim.by` unless somebody else holds a live claim on that same
   * failure: one atomic step, whoever reads it afterwards on any replica sees the same owner.
   */
  async take(teamId: string, resource: ResourceKey, claim: Claim): Promise<TakeOutcome> {
    const k = key(teamId, resource);
    const older = await this.#legacyClaim(k);
    if (older && older.by !== claim.by && holds(older, claim.about, claim.at))
      return { claim: older, won: false };
    const written = await this.#state.update(k, (raw) => {
      const held = parse(raw);
      return held && held.by !== claim.by && holds(held, claim.about, claim.at)
        ? SKIP
        : JSON.stringify(claim);
    });
    const now = parse(written) ?? claim;
    if (now.by === claim.by) await this.#state.expire(k, KEEP_MS);
    return { claim: now, won: now.by === claim.by };
  }

  /**
   * `claim.by` takes the failure over from `from`, the owner the person saw when confirming: one
   * compare-and-set that succeeds only while `from` still holds it (or nobody does), so a take-over
   * never silently replaces someone the presser was not told of. `won` false: `claim` says who has it.
   * Nobody holding it any more (`from` handed it back meanwhile), it is a plain take: the claim and
   * its posts never say it came from someone who no longer had it.
   */
  async takeOver(teamId: string, resource: ResourceKey, claim: Claim, from: string): Promise<TakeOutcome> {
    const k = key(teamId, resource);
    const older = await this.#legacyClaim(k);
    const legacyHeld = older && holds(older, claim.about, claim.at) ? older : undefined;
    if (legacyHeld && legacyHeld.by !== from) return { claim: legacyHeld, won: false };
    let next: Claim = claim;
    const written = await this.#state.update(k, (raw) => {
      const held = parse(raw);
      const live = (held && holds(held, claim.about, claim.at) ? held : undefined) ?? legacyHeld;
      if (live && live.by !== from) return SKIP;
      next = live && from !== claim.by ? { ...claim, from } : claim;
      return JSON.stringify(next);
    });
    const now = parse(written) ?? next;
    const won = now.by === claim.by && now.at === claim.at;
    if (won) {
      await this.#state.expire(k, KEEP_MS);
      if (legacyHeld) await this.#legacy?.delete(k);
    }
    return { claim: now, won };
  }

  /** An admin frees the failure whoever holds it (compare-and-delete of anything); the claim that was. */
  async release(teamId: string, resource: ResourceKey): Promise<Claim | undefined> {
    const k = key(teamId, resource);
    let was: Claim | undefined;
    await this.#state.update(k, (raw) => {
      was = parse(raw);
      return raw === undefined ? SKIP : undefined;
    });
    const older = await this.#legacyClaim(k);
    if (older) await this.#legacy?.delete(k);
    return was ?? older;
  }

  /** Hands the claim back: only when `by` holds it (compare-and-delete). True when it was theirs. */
  async handBack(teamId: string, resource: ResourceKey, by: string): Promise<boolean> {
    const k = key(teamId, resource);
    let released = false;
    await this.#state.update(k, (raw) => {
      released = parse(raw)?.by === by;
      return released ? undefined : SKIP;
    });
    if ((await this.#legacyClaim(k))?.by === by) {
      await this.#legacy?.delete(k);
      released = true;
    }
    return released;
  }

  async get(teamId: string, resource: ResourceKey): Promise<Claim | undefined> {
    const k = key(teamId, resource);
    return parse(await this.#state.get(k)) ?? (await this.#legacyClaim(k));
  }

  /**
   * The claim on `resource` while it is still in the failure the claim was about; otherwise none.
   * Seen not failed (recovered, completed), the resource's claim is closed: one taken before `now`
   * (when the caller began, before it read the resource), so a claim on a failure that came after
   * that read stays.
   */
  async current(
    teamId: string,
    resource: Failing,
    now: number = this.#clock.now(),
  ): Promise<Claim | undefined> {
    const claim = await this.get(teamId, resource);
    if (resource.state !== 'failed') {
      if (claim && claim.at < now) await this.#close(teamId, resource, (c) => c.at < now);
      return undefined;
    }
    return claim && holds(claim, failureOf(resource), now) ? claim : undefined;
  }

  /** A poll saw the resource recovered: the claim its record noted (that one exactly) is closed. */
  async closeNoted(teamId: string, resource: ResourceKey, noted: Pick<Claim, 'by' | 'at'>): Promise<void> {
    await this.#close(teamId, resource, (c) => c.by === noted.by && c.at === noted.at);
  }

  /**
   * Closes the claim (and a 0.2.0 one) that `which` names, the failure it was about being over: a
   * compare-and-delete, so a claim taken meanwhile on a new failure (which `which` does not name) stays.
   */
  async #close(teamId: string, resource: ResourceKey, which: (claim: Claim) => boolean): Promise<void> {
    const k = key(teamId, resource);
    await this.#state.update(k, (raw) => {
      const held = parse(raw);
      return held && which(held) ? undefined : SKIP;
    });
    const older = await this.#legacyClaim(k);
    if (older && which(older)) await this.#legacy?.delete(k);
  }

  /**
   * Who is on each of `resources` that is failed, by `connection:id` (a list's rows, Home): a claim
   * the store cannot read now is simply not shown.
   */
  async currentOf(teamId: string, resources: readonly Failing[]): Promise<Map<string, Claim>> {
    // Only the failed ones: a row that is not failed shows no claim, and closing it is the poll's.
    const found = await Promise.all(
      resources.map((r) =>
        r.state === 'failed' ? this.current(teamId, r).catch(() => undefined) : undefined,
      ),
    );
    const claims = new Map<string, Claim>();
    resources.forEach((r, i) => {
      const claim = found[i];
      if (claim) claims.set(`${r.connection}:${r.id}`, claim);
    });
    return claims;
  }

  async #legacyClaim(k: string): Promise<Claim | undefined> {
    return this.#legacy ? asClaim(await this.#legacy.get<unknown>(k)) : undefined;
  }
}

/** A claim still counts for the failure `about` at `now`: same failure (or unrecorded), and under a week old. */
function holds(claim: Claim, about: string | undefined, now: number): boolean {
  const sameFailure = claim.about === undefined || about === undefined || claim.about === about;
  return sameFailure && now - claim.at < KEEP_MS;
}

function parse(raw: string | undefined): Claim | undefined {
  if (raw === undefined) return undefined;
  try {
    return asClaim(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function asClaim(value: unknown): Claim | undefined {
  const c = value as Partial<Claim> | undefined;
  if (!c || typeof c.by !== 'string' || typeof c.at !== 'number') return undefined;
  return {
    by: c.by,
    at: c.at,
    ...(typeof c.about === 'string' ? { about: c.about } : {}),
    ...(typeof c.from === 'string' ? { from: c.from } : {}),
  };
}

function key(teamId: string, r: ResourceKey): string {
  return `claim:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
