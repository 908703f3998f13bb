import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { workspaceCommand } from '../../harness/workspace-command.js';

// ADR 0010 across replicas and restarts, on one real Redis: replica A takes `app_uninstalled` and
// meets a store error while deleting (before: logged, nothing retried, the event never comes again);
// replica B refuses the workspace at once (the tombstone is in the store), and a replica started
// afterwards finishes the deletion at start-up, once the job's backoff has passed.
const base = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
base.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
const storeUrl = base.toString();
const team = `T0U${Date.now().toString(36).toUpperCase()}`;
const key = generateKey();
const a = new TestBot();
const b = new TestBot();
const c = new TestBot();
const later = new TestClock();
const connections = (url: string) => [omsConnection('hw-replica', url, { team })];
// Every replica talks to A's fake Slack (A's own default, given to the others once A started).
const env = (own = false) => ({
  ...oauthEnv(a.fakeSlack, key),
  STORE_URL: storeUrl,
  ...(own ? {} : { SLACK_API_URL: a.fakeSlack.apiUrl }),
  POLL_INTERVAL_SECONDS: '0',
});

beforeAll(async () => {
  await a.start({ env: env(true), connections, watcher: { clock: new TestClock() } });
  await b.start({ env: env(), connections, watcher: { clock: new TestClock() } });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled([a.stop(), b.stop(), c.stop()]);
  const { createClient } = await import('@redis/client');
  const client = createClient({ url: storeUrl });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `*${team}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
});

function command(bot: TestBot, text: string, responseId: string) {
  return workspaceCommand(bot, a.fakeSlack, { text, teamId: team, responseId });
}

describe('an uninstall on one replica', () => {
  it('is seen by every replica at once and finished by a replica started later', async () => {
    await installVia(a.url, a.fakeSlack, { teamId: team, userId: 'U0ALICE01' });
    expect((await command(b, 'access grant <@U0OPER001> operator', 'rep-1')).status).toBe(200);
    expect(messageText(await a.answer('rep-1'))).toContain('now operator');
    expect(await b.bot.deps.access.grants.list(team)).toHaveLength(1);

    // A's store fails the grants' deletion (every time: A is about to be stopped).
    vi.spyOn(a.bot.deps.access.grants, 'forget').mockRejectedValue(new Error('store unavailable'));
    expect((await a.event({ type: 'app_uninstalled' }, team)).status).toBe(200);
    await expect
      .poll(() => a.logs.lines.some((l) => l.includes('could not finish deleting a departed workspace')))
      .toBe(true);

    // B: no token, and an incoming request is refused, from the tombstone alone.
    await expect(b.bot.deps.slack.clients.forTeam(team, 'background')).rejects.toThrow(/uninstalled the app/);
    expect((await command(b, 'help', 'rep-2')).status).toBe(200);
    await expect
      .poll(() => b.logs.lines.some((l) => l.includes(`${team}: it uninstalled the app`)))
      .toBe(true);
    expect(a.fakeSlack.responsesTo('rep-2')).toEqual([]);
    expect(await b.bot.deps.access.grants.list(team)).toHaveLength(1);

    // A goes; a replica started past the job's backoff finishes it at start-up.
    await a.bot.stop();
    later.advance(31_000);
    await c.start({ env: env(), connections, watcher: { clock: later } });
    await expect.poll(() => c.bot.deps.access.grants.list(team), { timeout: 5_000 }).toHaveLength(0);
    // The installation goes after the data (the grants are one of its first steps): polled too.
    await expect
      .poll(() => c.bot.deps.store.get(`installation:team:${team}`), { timeout: 5_000 })
      .toBeUndefined();
  });
});
