import { Counter, type Registry } from 'prom-client';
import type { StartedCapabilities } from '../../contract/started.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { RetryPolicies } from './policy-store.js';
import { AUTO_RETRY } from './retry-fact.js';

/** Outcomes `migrate_bot_auto_retries_total` counts. */
export type RetryOutcome = 'retried' | 'refused' | 'budget' | 'gave_up' | 'succeeded' | 'stopped';

export interface AutoRetryState {
  policies: RetryPolicies;
  /** Where attempts are claimed (`claimAttempt`). */
  kv: AtomicKv;
  count(provider: string, cls: string, outcome: RetryOutcome): void;
}

/** The counter on the bot's `/metrics`, or nothing counted (a bot without a registry). */
export function retryCounter(registry: Registry | undefined): AutoRetryState['count'] {
  if (!registry) return () => {};
  const counter = new Counter({
    name: 'migrate_bot_auto_retries_total',
    help: 'Automatic retries of failed migrations, by provider, failure class and outcome',
    labelNames: ['provider', 'class', 'outcome'],
    registers: [registry],
  });
  return (provider, cls, outcome) => counter.inc({ provider, class: cls, outcome });
}

/** The started capability's state, for its listeners. */
export function autoRetryState(deps: { capabilities: StartedCapabilities }): AutoRetryState {
  return deps.capabilities.stateOf(AUTO_RETRY) as AutoRetryState;
}
