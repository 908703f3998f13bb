import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The calls of an interactive request (providers/interactive-calls.ts): a command or button whose
 * person waits. Nothing here knows about Slack.
 */
export interface InteractiveCallScope {
  /** Called when a call has to queue for its connection: the request stops holding a work slot. */
  onQueued(): void;
  /** Calls in flight or queued, by connection name. */
  readonly pending: Map<string, number>;
  /** Aborted when the request gives up: its queued calls leave the queue and fail. */
  readonly signal: AbortSignal;
  /** Called when a call starts (counted in `pending`): the interim waiting to name a connection. */
  onPending?: () => void;
}

/**
 * What code far from a request's handler needs to know about the request, where it cannot be
 * handed as a parameter: a process-level handler (main.ts) or a provider call made through a
 * provider's own methods. The one AsyncLocalStorage of src/ (test/layout/one-request-scope.test.ts):
 * anything else a callee needs is passed to it.
 */
export interface RequestScope {
  /** The request's op id: an unexpected rejection is logged with the id its reply quotes. */
  readonly op?: string;
  /** Its provider calls go through one bulkhead per connection (interactive requests only). */
  readonly calls?: InteractiveCallScope;
  /** An id lookup (resolve-resource.ts): a provider's 404 is the answer "not here", not an error. */
  readonly lookup?: boolean;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * From here on, this async call chain (and every promise it creates) belongs to request `op`.
 * Called once per request where its handler context is made; other requests have their own chain.
 */
export function enterRequest(op: string): void {
  scope.enterWith({ ...scope.getStore(), op });
}

/** The request this code runs for, if any. */
export function currentRequest(): RequestScope | undefined {
  return scope.getStore();
}

/** Runs `work` (and everything it starts) in the current request, with `more` known of it. */
export function withinRequest<T>(more: RequestScope, work: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), ...more }, work);
}
