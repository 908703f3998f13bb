import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutoRetryState } from '../../../src/capabilities/auto-retry/retry-state.js';
import { HW_AK, HW_SK, TestBot } from '../../harness/test-bot.js';
import { writeGuardedFile } from '../guardrails/guardrails-world.js';

// Issue 77: a connection's retry policy in the connections file (`retry:`, beside `policies:`),
// reviewed like code. A class that is never retried, a max above 10, a wait under a minute or a
// malformed section is refused with its line and reason: at start-up, and on SIGHUP, where the
// running policy is kept. (The file's connections come first: the section starts at line 12.)
const TEAM = 'T0FAKE001';
const dir = mkdtempSync(path.join(tmpdir(), 'auto-retry-'));
const file = path.join(dir, 'connections.yml');
const t = new TestBot();

const GOOD = `retry:
  hw-file:
    by: U0ALICE01
    classes: [network, transient]
    max: 3
    after: 10
    budget: 20
`;

function writeFile(omsUrl: string, retry: string, into = file): void {
  writeGuardedFile(into, { env: 'AR', team: TEAM, names: ['hw-file'], omsUrl, policies: retry });
}

const policyOf = () =>
  (t.bot.deps.capabilities.stateOf('auto-retry') as AutoRetryState).policies.of(TEAM, 'hw-file');

beforeAll(async () => {
  process.env.AR_HW_AK = HW_AK;
  process.env.AR_HW_SK = HW_SK;
  writeFile('http://127.0.0.1:1', GOOD);
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_CONNECTIONS: file } });
});
afterAll(async () => {
  await t.stop();
});

describe('the retry section of the connections file', () => {
  it('is the policy in force for its connection', () => {
    expect(policyOf()).toMatchObject({
      on: true,
      classes: ['network', 'transient'],
      max: 3,
      afterMinutes: 10,
      dailyBudget: 20,
      by: 'U0ALICE01',
      from: 'file',
    });
  });

  it.each([
    [
      'a class that is never retried',
      'classes: [transient, credentials]',
      /line 15: retry\.hw-file\.classes\[1\]: credentials failures are never retried automatically/,
    ],
    ['a max above 10', 'max: 11', /line 15: retry\.hw-file\.max: at most 10 retries per failure/],
    [
      'a wait under a minute',
      'after: 0',
      /line 15: retry\.hw-file\.after: the first retry waits at least 1 minute/,
    ],
    ['an unknown key', 'tries: 3', /line 14: retry\.hw-file: Unrecognized key: "tries"/],
  ])('refuses %s at start-up, with its line and reason', async (_what, line, reason) => {
    const bad = new TestBot();
    const badFile = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.yml`);
    writeFile('http://127.0.0.1:1', `retry:\n  hw-file:\n    by: U0ALICE01\n    ${line}\n`, badFile);
    try {
      const started = await bad.start({ env: { MIGRATE_BOT_CONNECTIONS: badFile } }).catch((e: Error) => e);
      expect(started).toBeInstanceOf(Error);
      expect((started as Error).message).toMatch(reason);
    } finally {
      await bad.stop().catch(() => undefined);
    }
  });

  it('is refused on SIGHUP with its line and reason, the running policy kept; a good one applies', async () => {
    writeFile(t.oms.url, GOOD.replace('max: 3', 'max: 12'));
    t.bot.reloadConnections();
    const line = t.logs.lines.find((l) => l.includes('retry.hw-file.max')) ?? '';
    expect(line).toMatch(/line \d+: retry\.hw-file\.max: at most 10 retries per failure/);
    expect(policyOf()?.max).toBe(3);
    writeFile(t.oms.url, GOOD.replace('max: 3', 'max: 5'));
    t.bot.reloadConnections();
    expect(policyOf()?.max).toBe(5);
  });
});
