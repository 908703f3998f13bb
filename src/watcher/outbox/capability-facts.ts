import type { WatchRecord } from '../records/watch-store.js';

/**
 * What the capabilities (`src/capabilities/`) say of a watched resource, as its card is drawn
 * from it: each capability's fact under its name, drawn through that capability's own lines. The
 * watcher keeps and carries it and knows no capability.
 */
export interface CapabilityCard {
  facts?: Record<string, unknown>;
}

export function capabilityCard(record: Pick<WatchRecord, 'facts'>): CapabilityCard {
  return record.facts ? { facts: record.facts } : {};
}

/** Which failure a resource is in (its code and words): a fact about one failure names it so. */
export function failureOf(r: { lastError?: { code?: string; message?: string } }): string {
  return `${r.lastError?.code ?? ''}|${r.lastError?.message ?? ''}`.slice(0, 300);
}

/**
 * What a capability's fact says of the failure the resource is in (who is on it), under the fact's
 * `onFailure`: the posts of that failure (its card, the failure post, a listing's line) show it and
 * are redrawn when it changes, while the resource is still in the failure `about` names
 * (`failureOf`; absent: whichever). The watcher drops it once it sees the resource not failed.
 */
export interface OnFailure {
  about?: string;
}

type Failing = { state: string; lastError?: { code?: string; message?: string } };

/** The fact's `onFailure` while `resource` is in the failure it is about; else undefined. */
export function onFailureOf(fact: unknown, resource: Failing): OnFailure | undefined {
  if (resource.state !== 'failed' || typeof fact !== 'object' || fact === null) return undefined;
  const on = (fact as { onFailure?: unknown }).onFailure;
  if (typeof on !== 'object' || on === null) return undefined;
  const about = (on as OnFailure).about;
  return about === undefined || about === failureOf(resource) ? (on as OnFailure) : undefined;
}

/**
 * The capabilities' facts as the posts of the failure `resource` is in show them (each only its
 * `onFailure`), or undefined when none says anything of it.
 */
export function failureFacts(
  facts: Readonly<Record<string, unknown>> | undefined,
  resource: Failing,
): Record<string, { onFailure: OnFailure }> | undefined {
  if (!facts || resource.state !== 'failed') return undefined;
  const shown: Record<string, { onFailure: OnFailure }> = {};
  for (const [name, fact] of Object.entries(facts)) {
    const on = onFailureOf(fact, resource);
    if (on) shown[name] = { onFailure: on };
  }
  return Object.keys(shown).length > 0 ? shown : undefined;
}

/** The facts without what they said of a failure (`onFailure`): the resource is not failed now. */
export function withoutOnFailure(
  facts: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  if (!facts) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [name, fact] of Object.entries(facts)) {
    if (typeof fact !== 'object' || fact === null || !('onFailure' in fact)) {
      kept[name] = fact;
      continue;
    }
    const { onFailure: _over, ...rest } = fact as Record<string, unknown>;
    if (Object.keys(rest).length > 0) kept[name] = rest;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * True while a capability's fact holds the resource's failure back (`holdsFailure`: automatic
 * retries will try it again): nobody is paged for it meanwhile (escalation waits).
 */
export function failureHeld(facts: Readonly<Record<string, unknown>> | undefined): boolean {
  if (!facts) return false;
  return Object.values(facts).some(
    (fact) =>
      typeof fact === 'object' && fact !== null && (fact as { holdsFailure?: unknown }).holdsFailure === true,
  );
}
