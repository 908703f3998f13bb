import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.js';

export interface DrainOptions {
  /** After SIGTERM, how long requests are still accepted while the replica leaves the Service. */
  delayMs: number;
  /** SIGTERM to the end of the drain, the delay included; below Kubernetes' grace period. */
  budgetMs: number;
  /** Makes the Slack side refuse new requests (the HTTP receiver answers 503; Socket Mode disconnects). */
  stopAccepting: () => Promise<void>;
  logger: Logger;
}

/** What the drain leaves for the stop after it (watcher, store): at most 5 s, a quarter of a short budget. */
export function closingReserveMs(budgetMs: number): number {
  return Math.min(5_000, budgetMs / 4);
}

/**
 * A rollout that loses nothing. On SIGTERM readiness fails at once, so the replica leaves
 * the Service; requests are still accepted for a short delay, while the endpoint's removal reaches
 * every proxy; then new requests are refused with 503 (never a 200 and nothing after it), and every
 * request already accepted is answered before the process exits. Whatever is still waiting on a
 * provider when the budget runs short gives up with its final message (`deadline`), so nobody is
 * left with "not answering yet" and nothing after it.
 */
export class Drain {
  #draining = false;
  #accepting = true;
  #inFlight = 0;
  #idle: (() => void)[] = [];
  readonly #deadline = new AbortController();

  constructor() {
    // Each interactive request in flight listens for the deadline until it ends (`answerInTime`):
    // a hung provider holds dozens at once, and Node's warning at 11 would read as a leak.
    setMaxListeners(0, this.#deadline.signal);
  }

  /** Readiness answers 503 from the moment the drain starts. */
  get draining(): boolean {
    return this.#draining;
  }

  /** New Slack requests are taken (false: answered 503 at once). */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** Accepted requests whose work has not ended. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Aborted when the drain cannot wait any longer: interactive work gives up and says so. */
  get deadline(): AbortSignal {
    return this.#deadline.signal;
  }

  /** An accepted request begins; call the returned function (once is enough) when its work has ended. */
  begin(): () => void {
    this.#inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
  }

  /** Counts `work` in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    return work.finally(end);
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight === 0) return true;
    const abort = new AbortController();
    const idle = new Promise<boolean>((resolve) => this.#idle.push(() => resolve(true)));
    const timeout = sleep(Math.max(0, timeoutMs), false, { signal: abort.signal }).catch(() => false);
    const result = await Promise.race([idle, timeout]);
    abort.abort();
    return result;
  }

  /** SIGTERM to the end of the drain; the bot's stop (watcher, store) comes after it. */
  async run(options: DrainOptions): Promise<void> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { logger, delayMs, budgetMs } = options;
    this.#draining = true;
    logger.info({ delayMs, budgetMs }, 'draining: not ready any more, still serving for the shutdown delay');
    await sleep(delayMs);
    this.#accepting = false;
    await options
      .stopAccepting()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not stop accepting'));
    logger.info(
      { inFlight: this.#inFlight, ms: elapsed() },
      'draining: new requests refused, finishing the accepted ones',
    );
    const reserveMs = closingReserveMs(budgetMs);
    if (!(await this.idle(budgetMs - reserveMs - elapsed()))) {
      logger.warn(
        { inFlight: this.#inFlight, ms: elapsed() },
        'draining: out of time, the requests still waiting give up',
      );
      this.#deadline.abort();
      await this.idle(reserveMs / 2);
    }
    logger.info({ inFlight: this.#inFlight, ms: elapsed() }, 'drained');
  }
}
