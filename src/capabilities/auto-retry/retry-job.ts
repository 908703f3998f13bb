import type { CapabilityCore } from '../../contract/capability.js';
import { ForbiddenError } from '../../errors.js';
import { SKIP } from '../../store/atomic-kv.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import { actingAs } from '../../use-cases/acting-as.js';
import type { Loaded } from '../../watcher/cycle-report.js';
import { eventEntries } from '../../watcher/outbox/event-entries.js';
import { cardDue } from '../../watcher/outbox/living-posts.js';
import { targetOfKey } from '../../watcher/records/record-codec.js';
import { dedupBase, enqueue, type WatchRecord } from '../../watcher/records/watch-store.js';
import { giveUp, takenByAPerson, withFact } from './decide.js';
import {
  AUTO_RETRY,
  type GiveUpReason,
  type RetryFact,
  type RetrySaid,
  retryFactOf,
  type SaidKey,
} from './retry-fact.js';
import { backoffMs } from './retry-policy.js';
import type { AutoRetryState } from './retry-state.js';

/**
 * An attempt claimed this long ago (the bot's clock) and not seen made was claimed by a replica
 * that died first: it is counted as made (never made twice) and the next one is scheduled.
 */
export const STALE_CLAIM_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Claims outlive any series (10 retries, doubling from a day at most, are far shorter). */
const CLAIM_TTL_MS = 30 * DAY_MS;

/** Where attempt `n` of a resource's series is claimed: by one replica (or a Retry now), once. */
export function attemptKey(r: WatchRecord, fact: Pick<RetryFact, 'since' | 'attempt'>): string {
  const w = r.watch;
  return `auto-retry:attempt:${w.teamId}:${w.connection}:${w.kind}:${w.id}:${fact.since}:${fact.attempt}`;
}

/** Takes attempt `fact.attempt` for `who`; the holder's token when another took it first. */
export async function claimAttempt(
  core: { state: AutoRetryState['kv'] },
  r: WatchRecord,
  fact: RetryFact,
  token: string,
): Promise<{ mine: boolean; holder?: string }> {
  const key = attemptKey(r, fact);
  const holder = await core.state.update(key, (current) => (current === undefined ? token : SKIP));
  if (holder !== token) return { mine: false, ...(holder ? { holder } : {}) };
  await core.state.expire(key, CLAIM_TTL_MS);
  return { mine: true };
}

/**
 * Each automatic retry that is due, made once: the watches whose fact waits for an attempt due now
 * are taken per resource, the attempt is claimed in the store (one compare-and-set across replicas
 * and restarts), the connection's daily budget counted, and the retry made through the Retry
 * button's use case as the policy's person (their role asked, audited as theirs, naming the
 * policy; a freeze, window or guardrail refuses it as any start). What it cannot make is told
 * loudly, once, with the history. Resolves with how many resources it acted on.
 */
export async function retryPass(s: AutoRetryState, core: CapabilityCore, now: number): Promise<number> {
  const { store } = core.watcher;
  // Only the watches of connections with a policy set (on or off) are read (the key names them).
  const keys = (await store.watchKeys()).filter((k) => {
    const target = targetOfKey(k);
    return !target || s.policies.setFor(target.teamId, target.connection) !== undefined;
  });
  if (keys.length === 0) return 0;
  const loaded = await store.loadMany(keys);
  const byResource = new Map<string, Loaded[]>();
  const spent = new Map<string, boolean>();
  for (const l of loaded.sort((a, b) => a.key.localeCompare(b.key))) {
    const fact = retryFactOf(l.record);
    if (l.record.ended || l.record.state !== 'failed' || fact?.status !== 'waiting') continue;
    // A failure held while the day's budget is already spent is told now, not when its retry was due.
    if (fact.at > now && !(await budgetSpent(s, core, l.record, now, spent))) continue;
    const w = l.record.watch;
    const ref = `${w.teamId}\u0000${w.connection}\u0000${w.kind}\u0000${w.id}`;
    byResource.set(ref, [...(byResource.get(ref) ?? []), l]);
  }
  let acted = 0;
  for (const group of byResource.values()) {
    try {
      if (await attempt(s, core, group, now)) acted++;
    } catch (error) {
      core.logger.error({ err: error, key: group[0]!.key }, 'an automatic retry failed');
    }
  }
  return acted;
}

async function attempt(s: AutoRetryState, core: CapabilityCore, group: Loaded[], now: number) {
  const r = group[0]!.record;
  const fact = retryFactOf(r)!;
  const w = r.watch;
  const provider = r.snapshot.provider;
  const policy = s.policies.of(w.teamId, w.connection);
  if (!policy) return tell(s, core, group, fact, 'off', now);
  if (takenByAPerson(r)) return tell(s, core, group, fact, 'claimed', now);
  const claimed = await claimAttempt(core, r, fact, `job:${core.watcher.options.holder}@${now}`);
  if (!claimed.mine) {
    const at = Number(/@(\d+)$/.exec(claimed.holder ?? '')?.[1] ?? Number.NaN);
    if (now - at >= STALE_CLAIM_MS) await interrupted(s, core, group, fact, now);
    return false;
  }
  if (!(await takeBudget(core, r, policy.dailyBudget, now))) {
    s.count(provider, fact.cls, 'budget');
    return tell(s, core, group, fact, 'budget', now);
  }
  const action = r.actions.includes('retry') ? 'retry' : r.actions.includes('resume') ? 'resume' : undefined;
  if (!action) return tell(s, core, group, fact, 'not-offered', now);
  const said: RetrySaid = { attempt: fact.attempt, max: fact.max };
  const acting = actingAs(core, {
    teamId: w.teamId,
    userId: policy.by,
    channelId: w.channelId,
    said: `automatic retry ${fact.attempt} of ${fact.max} (retry policy of ${w.connection}, ${policy.from})`,
    log: { autoRetry: `${w.connection}:${w.id}:${fact.attempt}` },
    extra: { via: { capability: AUTO_RETRY, said } },
  });
  // A start's rules (a freeze, a window, a guardrail) are asked as for a person's Retry.
  const gate = core.gate;
  const ctx = {
    ...acting,
    deps: {
      ...acting.deps,
      ...(gate ? { capabilities: { stateOf: () => undefined, check: gate.check.bind(gate) } } : {}),
    },
  };
  try {
    await actOnResource(ctx, { exact: { connection: w.connection, kind: w.kind, id: w.id } }, action);
    s.count(provider, fact.cls, 'retried');
    return true;
  } catch (error) {
    // A refusal in the bot's own words (a role taken away, a freeze's rule) is said; a provider's never.
    if (error instanceof ForbiddenError) {
      s.count(provider, fact.cls, 'refused');
      const key = error.localized && !error.localized.words ? error.localized : undefined;
      const saidKey = key ? { key: key.key, ...(key.values ? { values: key.values } : {}) } : undefined;
      return tell(s, core, group, fact, 'refused', now, error.message, saidKey);
    }
    core.logger.warn({ err: error, key: group[0]!.key }, 'an automatic retry was not made');
    return tell(s, core, group, fact, 'error', now);
  }
}

const budgetKey = (r: WatchRecord, now: number) =>
  `auto-retry:budget:${r.watch.teamId}:${r.watch.connection}:${Math.floor(now / DAY_MS)}`;

/** Takes one of the connection's retries of the day (the bot's clock), unless all are taken. */
async function takeBudget(core: CapabilityCore, r: WatchRecord, budget: number, now: number) {
  const key = budgetKey(r, now);
  let took = false;
  await core.state.update(key, (current) => {
    const used = Number(current ?? 0);
    took = used < budget;
    return took ? String(used + 1) : SKIP;
  });
  if (took) await core.state.expire(key, 2 * DAY_MS);
  return took;
}

/** Whether the connection's retries of the day are all taken (read once per pass and connection). */
async function budgetSpent(
  s: AutoRetryState,
  core: CapabilityCore,
  r: WatchRecord,
  now: number,
  known: Map<string, boolean>,
): Promise<boolean> {
  const policy = s.policies.of(r.watch.teamId, r.watch.connection);
  if (!policy) return false;
  const key = budgetKey(r, now);
  if (!known.has(key)) known.set(key, Number((await core.state.get(key)) ?? 0) >= policy.dailyBudget);
  return known.get(key)!;
}

/**
 * A watch of the resource still waiting for the attempt the job decided on (a record moved on since
 * is left alone). Each channel's watch saw the failure in its own write, a moment apart: their
 * series are the resource's one series whatever `since` each noted.
 */
const same = (current: WatchRecord | undefined, fact: RetryFact) => {
  const f = current && !current.ended ? retryFactOf(current) : undefined;
  return f?.status === 'waiting' && f.attempt === fact.attempt ? f : undefined;
};

/**
 * The series ends without the attempt: the failure is told as it is today (the core's reply,
 * broadcast, escalated as any), once per watch under a key of its own, with the retries' history;
 * someone on the failure ("I'm on it") is told only the history.
 */
async function tell(
  s: AutoRetryState,
  core: CapabilityCore,
  group: Loaded[],
  fact: RetryFact,
  reason: GiveUpReason,
  now: number,
  said?: string,
  saidKey?: SaidKey,
): Promise<boolean> {
  s.count(group[0]!.record.snapshot.provider, fact.cls, reason === 'claimed' ? 'stopped' : 'gave_up');
  await core.watcher.notes.written(async (store) => {
    const keys: string[] = [];
    for (const { key } of group)
      await store.update<WatchRecord>(key, (current) => {
        const f = same(current, fact);
        if (!current || !f) return SKIP;
        const ended = giveUp(current, f, reason, now, said, saidKey);
        const failure =
          reason === 'claimed'
            ? []
            : eventEntries(
                ended.record,
                [
                  {
                    event: 'failed',
                    key: `${dedupBase(current.watch)}:r${current.run}:${AUTO_RETRY}:${f.since}:failed`,
                  },
                ],
                now,
              );
        keys.push(key);
        return enqueue(cardDue(ended.record, true), [...failure, ...ended.entries]);
      });
    return { keys };
  });
  return false;
}

/** A claim whose replica died before the attempt: counted as made, and the next one scheduled. */
async function interrupted(
  s: AutoRetryState,
  core: CapabilityCore,
  group: Loaded[],
  fact: RetryFact,
  now: number,
): Promise<void> {
  if (fact.attempt >= fact.max) {
    await tell(s, core, group, fact, 'max', now);
    return;
  }
  const policy = s.policies.of(group[0]!.record.watch.teamId, group[0]!.record.watch.connection);
  const afterMinutes = policy?.afterMinutes ?? 10;
  await core.watcher.notes.written(async (store) => {
    const keys: string[] = [];
    for (const { key } of group)
      await store.update<WatchRecord>(key, (current) => {
        const f = same(current, fact);
        if (!current || !f) return SKIP;
        const next: RetryFact = {
          ...f,
          attempt: f.attempt + 1,
          at: now + backoffMs({ afterMinutes }, f.attempt + 1),
          history: [
            ...f.history,
            {
              n: f.attempt,
              at: now,
              ...(f.code ? { code: f.code } : {}),
              cls: f.cls,
              interrupted: true as const,
            },
          ].slice(-12),
        };
        keys.push(key);
        return cardDue(withFact(current, next), true);
      });
    return { keys };
  });
}
