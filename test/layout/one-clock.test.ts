import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * All of `src/` reads the time through the one clock built in `startBot` (`src/clock.ts`), handed
 * down as a constructor argument: a test that moves it moves approvals, the directory's cache,
 * departures, claims, the cards and the watcher together. Real time is read on purpose only where
 * another party or a real process keeps it, each listed here with why; anything else reading the
 * system's time would make the tests sleep again, or flake.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');

/** Reading the system's time directly. */
const DIRECT = /\bDate\.now\b|\bnew Date\(\)/;

/** Where `systemClock` is named: a default, or real time kept by someone else. */
const REAL_TIME: Record<string, string> = {
  'clock.ts': 'defines it',
  'watcher/clock.ts': 're-exports it for the watcher',
  'bot.ts': 'the one clock when no test gives one',
  'watcher/watcher-options.ts': 'the watcher’s default (startBot passes the one clock)',
  'capabilities/subscriptions/subscriptions.ts':
    'a default for tests that build it alone (the watcher passes its clock)',
  'watcher/records/watch-store.ts': 'a default for tests that build it alone (the watcher passes its clock)',
  'connections/connection-registry.ts':
    'a default for tests that build it alone (startBot passes the one clock)',
  'slack/watch-slack.ts': 'the default of `watchSlackFor`, a helper for tests and benchmarks',
  'providers/http/retry-policy.ts': 'a Retry-After date is the provider’s clock’s',
  'providers/huawei-oms/iam-token.ts': 'an IAM token’s expiry is the provider’s clock’s',
  'providers/huawei-oms/transport.ts': 'a signature’s date is checked against the provider’s clock',
  'providers/ncp/client.ts': 'a signature’s date is checked against the provider’s clock',
  'providers/upcloud/client.ts': 'compared with the provider’s own creation time',
  'slack/intake/verified-request.ts': 'Slack’s request timestamp is Slack’s clock’s',
  'slack/slack-clients.ts': 'a token’s expiry is Slack’s clock’s, when to refresh it on real time',
  'store/atomic-kv.ts': 'key expiry is the store’s own, as Redis’s PX',
  'store/memory-store.ts': 'key expiry is the store’s own, as Redis’s PX',
  'store/sqlite-store.ts': 'key expiry is the store’s own, as Redis’s PX',
  'store/create-store.ts': 'a probe of a real server',
  'store/lease-lock.ts': 'the lock expires in the store; the wait is for another process',
  'watcher/records/watch-key-names.ts':
    'the renaming lease expires in the store; the wait is for another replica',
  'store/open-bot-store.ts': 'a wait for a real server, before the services exist',
  'store/redis-connection.ts': 'a wait for a real server and socket',
  'store/sqlite-process-lock.ts': 'when the process started, for a person reading the lock file',
  'cli/store-command.ts': 'a backup’s mark, by a command run outside the bot',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

/** The code of a file, comments left out. */
function code(file: string): string {
  return readFileSync(path.join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('the bot’s one clock', () => {
  const files = sourceFiles(SRC);

  it('is the only way src/ reads the system’s time', () => {
    expect(files.length).toBeGreaterThan(200);
    const direct = files
      .filter((file) => file !== 'clock.ts')
      .flatMap((file) =>
        code(file)
          .split('\n')
          .filter((line) => DIRECT.test(line))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(direct).toEqual([]);
  });

  it('is left for real time only where another party or a real process keeps it', () => {
    const naming = files.filter((file) => /\bsystemClock\b/.test(code(file)));
    expect(naming.filter((file) => !(file in REAL_TIME))).toEqual([]);
  });
});
