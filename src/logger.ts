import { type DestinationStream, type Logger, pino } from 'pino';

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
  const stream: DestinationStream = scrub
    ? { write: (line: string) => destination.write(scrub(line)) }
    : destination;
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

/** node-cron's warnings (missed executions, overlaps) as JSON lines of ours, never raw console text. */
export function cronLogger(logger: Logger): CronLogger {
  const log = logger.child({ component: 'node-cron' });
  const line = (level: 'error' | 'debug', message: string | Error, err?: Error) =>
    message instanceof Error ? log[level]({ err: message }, message.message) : log[level]({ err }, message);
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => line('error', message, err),
    debug: (message, err) => line('debug', message, err),
  };
}
