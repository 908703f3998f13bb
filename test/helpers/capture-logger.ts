import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

/** A pino logger whose lines are kept in memory, for asserting on logs (and on what they never say). */
export function captureLogger(
  level = 'debug',
  scrub?: (line: string) => string,
): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, destination, scrub }), lines };
}
