import { z } from 'zod';
import type { Config } from './config.js';
import { storeTlsProblems } from './store/store-settings.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** A number of seconds from `min` up to `max` (fractions allowed: tests drain in less than a second). */
export const seconds = (what: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a number of seconds (${what})` })
      .min(min, `must be at least ${min} seconds`)
      .max(max, `must be at most ${max} seconds`)
      .default(fallback),
  );

/** A size in MiB from `min` up to `max` (fractions allowed), as a number of bytes. */
export const mebibytes = (what: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a number of MiB (${what})` })
      .min(min, `must be at least ${min} MiB`)
      .max(max, `must be at most ${max} MiB`)
      .default(fallback)
      .transform((mib) => Math.round(mib * 1024 * 1024)),
  );

/** Settings that are each valid but do not go together. */
export function settingPairProblems(config: Config): string[] {
  const problems: string[] = [];
  const { port, metricsPort } = config.http;
  if (port !== 0 && metricsPort === port)
    problems.push(
      `METRICS_PORT must differ from PORT (${port}): probes and /metrics are served apart from Slack's requests`,
    );
  const { delaySeconds, drainTimeoutSeconds } = config.shutdown;
  if (delaySeconds >= drainTimeoutSeconds)
    problems.push(
      `SHUTDOWN_DELAY_SECONDS (${delaySeconds}) must be less than DRAIN_TIMEOUT_SECONDS (${drainTimeoutSeconds}), ` +
        'which also covers the requests still being answered',
    );
  problems.push(...storeTlsProblems(config.storeUrl, config.storeTls));
  return problems;
}
