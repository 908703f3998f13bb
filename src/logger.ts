import { type DestinationStream, type Logger, pino } from 'pino';
import { maskUrls } from './url-credentials.js';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. Secret *values* are also scrubbed from log lines by
 * the secret registry (see `secrets.ts`), because a secret can turn up inside an error message.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-auth-token"]',
  '*.headers["x-auth-token"]',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secretKey',
  '*.secretKey',
  'sk',
  '*.sk',
  'src_sk',
  'dst_sk',
  '*.src_sk',
  '*.dst_sk',
  'accessKey',
  '*.accessKey',
  'credentials',
  '*.credentials',
  'botToken',
  '*.botToken',
  'refreshToken',
  '*.refreshToken',
  'securityToken',
  '*.securityToken',
  'jsonAuthFile',
  '*.jsonAuthFile',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'stateSecret',
  '*.stateSecret',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; tests pass a capture stream. */
  destination?: DestinationStream;
  /** Extra scrubbing of known secret values from each serialized line. */
  scrub?: (line: string) => string;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  const scrub = options.scrub;
  // Every URL a line holds loses its user info and query values (a webhook's `?token=`), after the
  // known secrets are scrubbed: what a secret is cannot be known of a URL someone typed.
  const stream: DestinationStream = {
    write: (line: string) => destination.write(maskUrls(scrub ? scrub(line) : line)),
  };
  return pino(
    {
      level: options.level,
      base: { app: 'migrate-bot' },
      // `"level":"info"`, not pino's number: log pipelines filter on the label without a lookup table.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}

/** node-cron 4's logger interface (its default prints coloured text to the console). */
export interface CronLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error, err?: Error): void;
  debug(message: string | Error, err?: Error): void;
}

/** node-cron's warnings that repeat once per tick while a cycle outlasts it. */
const REPEATING: [kind: string, pattern: RegExp, said: string][] = [
  ['overlap', /^task still running/, 'watch cycle outlasted its ticks: they were skipped'],
  ['missed', /^missed execution/, 'node-cron missed ticks (the process was busy or blocked)'],
];
/** Longest wait for an episode's end while its ticks' spacing is unknown (ticks come every 30 s at most). */
const EPISODE_QUIET_MS = 61_000;
/** An episode still going after this is reported, and counted afresh (a cycle that hangs). */
const EPISODE_REPORT_MS = 10 * 60_000;

interface Episode {
  count: number;
  since: number;
  last: number;
  timer: NodeJS.Timeout;
}

/**
 * node-cron's warnings as JSON lines of ours, never raw console text. A cycle slower than its tick
 * makes node-cron warn at every tick (91 of 138 lines with a slow provider): those are one line
 * per episode, when it ends (no such warning for 2.5 tick spacings), with how many ticks it
 * counted. The watcher's logger names its component already: node-cron is the `scheduler`.
 */
export function cronLogger(logger: Logger): CronLogger {
  const log = logger.child({ scheduler: 'node-cron' });
  const episodes = new Map<string, Episode>();
  const report = (kind: string, said: string) => {
    const episode = episodes.get(kind);
    if (!episode) return;
    clearTimeout(episode.timer);
    episodes.delete(kind);
    log.warn(
      { ticks: episode.count, forMs: episode.last - episode.since },
      `${said} (${episode.count} ticks)`,
    );
  };
  const repeated = (kind: string, said: string) => {
    // node-cron ticks on real timers, so its episodes are timed on the monotonic clock too.
    const now = performance.now();
    let episode = episodes.get(kind);
    if (episode && now - episode.since >= EPISODE_REPORT_MS) {
      report(kind, said);
      episode = undefined;
    }
    const quiet = episode
      ? Math.min(EPISODE_QUIET_MS, Math.max(1_000, 2.5 * (now - episode.last)))
      : EPISODE_QUIET_MS;
    if (episode) clearTimeout(episode.timer);
    const timer = setTimeout(() => report(kind, said), quiet);
    timer.unref();
    episodes.set(kind, { count: (episode?.count ?? 0) + 1, since: episode?.since ?? now, last: now, timer });
  };
  const line = (level: 'error' | 'debug', message: string | Error, err?: Error) =>
    message instanceof Error ? log[level]({ err: message }, message.message) : log[level]({ err }, message);
  return {
    info: (message) => log.info(message),
    warn: (message) => {
      const known = REPEATING.find(([, pattern]) => pattern.test(message));
      if (known) repeated(known[0], known[2]);
      else log.warn(message);
    },
    error: (message, err) => line('error', message, err),
    debug: (message, err) => line('debug', message, err),
  };
}
