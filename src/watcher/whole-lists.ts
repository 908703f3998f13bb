import type { MigrationResource, ResourceKind } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import type { Loaded } from './cycle-report.js';

/**
 * A capability's interest in every item of a connection's lists (not only the watched ones): the
 * cycle reads those pages anyway, so finding new resources there costs no request of its own.
 */
export interface ListingInterest {
  teamId: string;
  connection: string;
  /** The kinds it wants listed whole, of those the connection's provider offers. */
  kinds(offered: readonly ResourceKind[]): ResourceKind[];
}

/**
 * What a capability adds to each cycle's list pages (a `watch.listing` part): `interests` is read once
 * per full cycle (a connection with interests but no watch is polled too); `listed` gets what one
 * connection's pages showed, with that connection's records as read, and returns the watches it
 * created (delivered this cycle, observed from the next).
 */
export interface ListingHook<I extends ListingInterest = ListingInterest> {
  interests(): Promise<I[]>;
  listed(
    interests: readonly I[],
    listed: readonly MigrationResource[],
    records: readonly Loaded[],
    actionsFor: (r: MigrationResource) => ResourceAction[],
  ): Promise<Loaded[]>;
}

/** One interest with the hook that asked for it. */
export interface Interested {
  hook: ListingHook;
  interest: ListingInterest;
}

/** Every hook's interests this cycle. */
export async function interestsOf(hooks: readonly ListingHook[]): Promise<Interested[]> {
  const all = await Promise.all(
    hooks.map(async (hook) => (await hook.interests()).map((interest) => ({ hook, interest }))),
  );
  return all.flat();
}

/** The kinds listed whole for these interests. */
export function wholeKinds(
  wanted: readonly Interested[],
  offered: readonly ResourceKind[],
): Set<ResourceKind> {
  return new Set(wanted.flatMap((w) => w.interest.kinds(offered)));
}

/** Hands each hook what the pages showed; returns the watches they created. */
export async function handListed(
  wanted: readonly Interested[],
  listed: readonly MigrationResource[],
  records: readonly Loaded[],
  actionsFor: (r: MigrationResource) => ResourceAction[],
): Promise<Loaded[]> {
  if (wanted.length === 0 || listed.length === 0) return [];
  const created: Loaded[] = [];
  for (const hook of new Set(wanted.map((w) => w.hook))) {
    const own = wanted.filter((w) => w.hook === hook).map((w) => w.interest);
    created.push(...(await hook.listed(own, listed, records, actionsFor)));
  }
  return created;
}
