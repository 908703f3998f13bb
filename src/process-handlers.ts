import type { Logger } from './logger.js';
import { currentRequest } from './request-scope.js';

export interface ProcessHandlers {
  /**
   * The bot is up: a signal from now on stops it cleanly before the process exits. Past
   * `budgetMs` after the signal the process exits anyway (code 1), so it is never killed mid-way
   * by the platform's own grace period, which is longer.
   */
  started(stop: () => Promise<void>, budgetMs?: number): void;
  /** SIGHUP from now on runs `reload` (the connections file read again) instead of ending the process. */
  onReload(reload: () => void): void;
}

/**
 * Installed before any start-up work: SIGTERM/SIGINT exit 0 (not 143, even mid start-up) after a clean
 * stop, a second signal at once; an unhandled rejection (a bug) is logged with its request's op id and the
 * bot keeps serving; an uncaught exception is logged, then exit 1: after an uncaught synchronous throw the
 * state cannot be trusted (Node's advice), and the platform restarts it.
 */
export function installProcessHandlers(
  logger: Logger,
  exit: (code: number) => never = process.exit,
): ProcessHandlers {
  let stop: (() => Promise<void>) | undefined;
  let budget: number | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the clean stop');
      exit(1);
    }
    stopping = true;
    if (!stop) {
      logger.info({ signal }, 'stopped during start-up');
      exit(0);
    }
    if (budget !== undefined)
      setTimeout(() => {
        logger.error({ signal, budgetMs: budget }, 'did not stop within the drain budget: exiting');
        logger.flush();
        exit(1);
      }, budget).unref();
    stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'did not stop cleanly');
        exit(1);
      },
    );
  };
  // Node's default for SIGHUP ends the process: here it asks for a reload, which a bot still
  // starting has nothing to apply to yet (it reads the file as it starts).
  let reload: (() => void) | undefined;
  process.on('SIGHUP', () => {
    if (!reload) logger.warn({ signal: 'SIGHUP' }, 'reload asked for during start-up: nothing to reload yet');
    else reload();
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error(
      { err: reason, op: currentRequest()?.op },
      'unhandled promise rejection (a bug): logged, the bot keeps running',
    );
  });
  process.on('uncaughtException', (error: Error) => {
    logger.fatal({ err: error, op: currentRequest()?.op }, 'uncaught exception (a bug): exiting');
    logger.flush();
    exit(1);
  });
  return {
    started(stopBot, budgetMs) {
      stop = stopBot;
      budget = budgetMs;
    },
    onReload(reloadBot) {
      reload = reloadBot;
    },
  };
}
