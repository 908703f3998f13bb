import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { BotMetrics } from '../../../src/metrics/metrics.js';
import { type AppDeps, createHandlerContext, requestDone } from '../../../src/slack/context.js';

/** A real pino logger writing JSON lines into `lines`. */
function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

const WHO = { teamId: 'T1', userId: 'U1', channelId: 'C1' };

/** What a handler context reads of the deps here: the logger, and the metrics `requestDone` counts in. */
const depsOf = (logger: AppDeps['logger']) => ({ logger, metrics: new BotMetrics() }) as unknown as AppDeps;

describe('a request handler context', () => {
  it('has an 8-hex-digit op id, new for each request', () => {
    const { logger } = capturingLogger();
    const deps = depsOf(logger);
    const ids = new Set(
      Array.from({ length: 200 }, () => createHandlerContext(deps, WHO, async () => {}, 'command').opId),
    );
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('makes its child logger only when one is used, once', () => {
    const { logger, lines } = capturingLogger();
    const child = vi.spyOn(logger, 'child');
    const ctx = createHandlerContext(depsOf(logger), WHO, async () => {}, 'button');
    ctx.what = 'resource.refresh';
    requestDone(ctx, 'ok');
    // The closing line needs no child logger, and says who asked what.
    expect(child).not.toHaveBeenCalled();
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      msg: 'request done',
      op: ctx.opId,
      team: 'T1',
      user: 'U1',
      surface: 'button',
      what: 'resource.refresh',
      outcome: 'ok',
    });
    expect(typeof lines.at(-1)!.ms).toBe('number');

    ctx.logger.warn('slow provider');
    ctx.logger.error('failed');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.slice(-2).map((l) => [l.msg, l.op, l.team, l.user, l.surface])).toEqual([
      ['slow provider', ctx.opId, 'T1', 'U1', 'button'],
      ['failed', ctx.opId, 'T1', 'U1', 'button'],
    ]);
  });

  it('writes no closing line below the info level', () => {
    const { logger, lines } = capturingLogger('warn');
    const ctx = createHandlerContext(depsOf(logger), WHO, async () => {}, 'command');
    requestDone(ctx, 'ok');
    expect(lines).toEqual([]);
  });
});
