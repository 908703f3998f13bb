import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { askedTaskRequest } from '../../harness/approval-requests.js';
import { omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// A departed workspace's requests are the approvals capability's data: they go with the other
// capabilities' (first, before its watches), so no scheduled start creates anything for it.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0DEPART1';
const OPERATOR = 'U0DEPOPR1';
const clock = new TestClock(() => Date.parse('2026-11-12T00:00:00Z'));
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    connections: (url) => [omsConnection('hw-prod', url)],
    env: { POLL_INTERVAL_SECONDS: '0' },
    clock,
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`, { teamId: TEAM });
});
afterAll(async () => {
  await t.stop();
});

describe('a departed workspace’s approval requests', () => {
  it('are forgotten with the capabilities’ data', async () => {
    const record = await askedTaskRequest(
      t,
      { team: TEAM, channel: CHANNEL, requester: OPERATOR },
      'depart1',
    );
    const records = approvalsOf(t.bot.deps).records;
    expect((await records.get(TEAM, record.id))?.status).toBe('pending');
    expect((await records.pendingOf(TEAM, 20)).map((r) => r.id)).toContain(record.id);

    await t.bot.deps.capabilities.forgetWorkspace(TEAM);

    expect(await records.get(TEAM, record.id)).toBeUndefined();
    expect(await records.pendingOf(TEAM, 20)).toEqual([]);
  });
});
