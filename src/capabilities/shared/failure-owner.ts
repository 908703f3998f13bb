import { onFailureOf } from '../../watcher/outbox/capability-facts.js';

type Facts = Readonly<Record<string, unknown>> | undefined;
type Failing = { state: string; lastError?: { code?: string; message?: string } };

/** The Slack user a fact's `onFailure` names (on-call's claim: who took the failure on). */
function byOf(on: unknown): string | undefined {
  const by = typeof on === 'object' && on !== null ? (on as { by?: unknown }).by : undefined;
  return typeof by === 'string' ? by : undefined;
}

/**
 * Who is on a resource's failure as its watch's facts note it, whatever the failure is now: read
 * by the core's shape (`onFailure.by`), not from the capability that writes it (on-call).
 */
export function failureOwnerNoted(facts: Facts): string | undefined {
  for (const fact of Object.values(facts ?? {})) {
    const by = byOf(
      typeof fact === 'object' && fact !== null ? (fact as { onFailure?: unknown }).onFailure : undefined,
    );
    if (by) return by;
  }
  return undefined;
}

/** Who is on the failure `resource` is in now (a later, different failure is nobody's yet). */
export function failureOwnerShown(facts: Facts, resource: Failing): string | undefined {
  for (const fact of Object.values(facts ?? {})) {
    const by = byOf(onFailureOf(fact, resource));
    if (by) return by;
  }
  return undefined;
}
