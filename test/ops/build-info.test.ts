import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotProcess } from '../harness/bot-process.js';
import { botProcesses } from '../harness/bot-processes.js';

/**
 * The running build names itself (issue #40): the compiled bot, started as the image starts it,
 * with the revision the image's build argument sets (or none), read back from its start-up line
 * and from /metrics over HTTP.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const REVISION = '4673674c0ffee4673674c0ffee4673674c0ffee0';

const { dist, scratch, slackEnv, track } = botProcesses('build-info');

function start(env: Record<string, string>): BotProcess {
  const bot = new BotProcess(
    dist,
    {
      ...slackEnv(),
      STORE_URL: 'memory://',
      POLL_INTERVAL_SECONDS: '0',
      ...env,
    },
    { cwd: mkdtempSync(path.join(scratch, 'cwd-')) },
  );
  track(bot);
  return bot;
}

async function buildInfoSamples(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return (await res.text()).split('\n').filter((line) => line.startsWith('migrate_bot_build_info'));
}

describe('the running build', () => {
  it('is named by the start-up line and the build_info gauge: version, revision, Node', async () => {
    const bot = start({ MIGRATE_BOT_REVISION: REVISION });
    const port = await bot.startedMetricsPort();
    const started = bot.logLines().find((line) => line.msg === 'migrate-bot started');
    expect(started).toMatchObject({ version: VERSION, revision: REVISION, node: process.version });
    expect(await buildInfoSamples(port)).toEqual([
      `migrate_bot_build_info{version="${VERSION}",revision="${REVISION}",node="${process.version}"} 1`,
    ]);
  });

  it('says unknown for a revision not set, or one that is no revision (kept out of the labels)', async () => {
    const envs: Record<string, string>[] = [{}, { MIGRATE_BOT_REVISION: 'x" } 1\nfake_metric{a="' }];
    for (const env of envs) {
      const bot = start(env);
      const port = await bot.startedMetricsPort();
      const started = bot.logLines().find((line) => line.msg === 'migrate-bot started');
      expect(started).toMatchObject({ version: VERSION, revision: 'unknown' });
      expect(await buildInfoSamples(port)).toEqual([
        `migrate_bot_build_info{version="${VERSION}",revision="unknown",node="${process.version}"} 1`,
      ]);
      await bot.kill();
    }
  });
});
