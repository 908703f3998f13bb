import { ErrorCode, ProviderError } from '../errors.js';
import { currentRequest, type InteractiveCallScope, withinRequest } from '../request-scope.js';
import type { MigrationProvider } from './types.js';

/**
 * A command or button has a time budget (`answerInTime`); its provider calls run in an
 * `InteractiveCallScope`: each connection's calls go through its bulkhead (a hung provider holds at most
 * `INTERACTIVE_CALLS_PER_CONNECTION`), leave the queue when the request gives up, and name what the person
 * waits on. Who waits is the caller's `CallPurpose` (ADR 0008), not this scope. Nothing here knows Slack.
 */
export const INTERACTIVE_CALLS_PER_CONNECTION = 4;

export type { InteractiveCallScope };

/** Runs `work` (and everything it starts) as an interactive request. */
export function runInteractive<T>(scope: InteractiveCallScope, work: () => Promise<T>): Promise<T> {
  return withinRequest({ calls: scope }, work);
}

export function newInteractiveScope(onQueued: () => void, signal: AbortSignal): InteractiveCallScope {
  return { onQueued, pending: new Map(), signal };
}

/** Connections the scope's calls are waiting on now, in the order they were first called. */
export function waitingOn(scope: InteractiveCallScope): string[] {
  return [...scope.pending].filter(([, count]) => count > 0).map(([name]) => name);
}

/** At most `limit` interactive calls to one connection at once; the others queue, oldest first. */
export class ConnectionBulkhead {
  readonly #limit: number;
  readonly #queue: (() => void)[] = [];
  #inFlight = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async run<T>(
    scope: InteractiveCallScope,
    call: () => Promise<T>,
    describe: () => ProviderError,
  ): Promise<T> {
    if (this.#inFlight >= this.#limit) await this.#wait(scope, describe);
    else this.#inFlight++;
    try {
      return await call();
    } finally {
      const next = this.#queue.shift();
      // The permit goes straight to the next queued call; the count only drops when nobody waits.
      if (next) next();
      else this.#inFlight--;
    }
  }

  #wait(scope: InteractiveCallScope, describe: () => ProviderError): Promise<void> {
    if (scope.signal.aborted) return Promise.reject(describe());
    scope.onQueued();
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        scope.signal.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const index = this.#queue.indexOf(admit);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(describe());
      };
      scope.signal.addEventListener('abort', leave, { once: true });
      this.#queue.push(admit);
    });
  }
}

/** The provider calls that reach the network (`actionsFor` is local). */
const REMOTE_METHODS = [
  'list',
  'get',
  'checkConnection',
  'create',
  'setBandwidth',
  'getBandwidth',
  'syncEvent',
  'listSourceBuckets',
  'nextRun',
  'retryList',
  'pause',
  'resume',
  'delete',
  'retry',
  'cancel',
] as const satisfies readonly (keyof MigrationProvider)[];

/**
 * The same provider (same class, for `instanceof`), with each remote call inside an interactive
 * scope going through one bulkhead of this connection and counted in the scope's `pending`. Calls
 * outside a scope (a form, App Home, a workflow step) go straight through. Only the providers taken
 * for `interactive` calls are wrapped: the watcher's never are. Every method runs on the provider
 * itself, so its private fields work.
 */
export function limitInteractiveCalls<P extends MigrationProvider>(
  provider: P,
  limit = INTERACTIVE_CALLS_PER_CONNECTION,
): P {
  const bulkhead = new ConnectionBulkhead(limit);
  const remote = new Set<PropertyKey>(REMOTE_METHODS);
  const limited =
    (method: string, original: (...args: unknown[]) => Promise<unknown>) =>
    (...args: unknown[]): Promise<unknown> => {
      const scope = currentRequest()?.calls;
      if (!scope) return original.apply(provider, args);
      const name = provider.connection;
      scope.pending.set(name, (scope.pending.get(name) ?? 0) + 1);
      scope.onPending?.();
      const gaveUp = () =>
        new ProviderError(ErrorCode.ProviderUnavailable, {
          provider: provider.id,
          operation: method,
          errorMessage: `stopped waiting for ${name}`,
        });
      return bulkhead
        .run(scope, () => original.apply(provider, args), gaveUp)
        .finally(() => {
          scope.pending.set(name, (scope.pending.get(name) ?? 1) - 1);
        });
    };
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(provider, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let bound = cache.get(property);
      if (!bound) {
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        bound = remote.has(property) ? limited(String(property), fn) : fn.bind(target);
        cache.set(property, bound);
      }
      return bound;
    },
  });
}
