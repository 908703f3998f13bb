import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { Subscriptions } from '../../../src/capabilities/subscriptions/following.js';
import { subscriptions } from '../../../src/capabilities/subscriptions/index.js';
import { ConnectBot } from '../../harness/connect-bot.js';
import { stateIn } from '../../harness/started-capabilities.js';
import { messageText } from '../../harness/test-bot.js';

// Issue 40 §5 "Uninstall keeps tenant data": `app_uninstalled` (signed, as Slack sends it) deletes
// the workspace's connections, watches, subscriptions, grants and settings, and the watcher asks
// its provider nothing more; another workspace keeps all of its own. Audit entries outlive the
// uninstall by AUDIT_RETENTION_DAYS.
const c = new ConnectBot();
const t = c.t;
const STAYING = 'T0FAKE001';
const DEPARTING = 'T0LEAVE01';
const OPERATOR = 'U0OPER040';
const WATCHED_IN = 'C0WATCH40';
const SUBSCRIBED = 'C0SUBS040';
const DAY_MS = 86_400_000;

beforeAll(async () => {
  await c.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  // Each workspace's watches poll a simulator of their own, so each one's calls are counted apart:
  // the departing one its stored connection's (c.oms), the staying one the file connection's (t.oms).
  await setUp(STAYING, 'hw-prod', t.oms);
  await setUp(DEPARTING, 'hw-own', c.oms);
});
afterAll(async () => {
  await c.stop();
});

/**
 * A connection added from Slack, a grant, a setting, a watch and a subscription on `polled`, all
 * through signed requests.
 */
async function setUp(teamId: string, polled: string, oms: OmsSimulator): Promise<void> {
  const view = await c.openConnect('connect', { teamId });
  const ack = await c.submit(view, c.omsValues('hw-own'), { teamId });
  expect(ack.body?.response_action).toBe('update');
  const ask = (text: string, userId?: string) => t.ask(text, { teamId, userId, channelId: WATCHED_IN });
  expect(messageText(await ask(`access grant <@${OPERATOR}|oper> operator`))).toContain(OPERATOR);
  await ask('settings approvals <#C0APPROV1|approvals>');
  const task = oms.addTask({ name: `task-of-${teamId}`, status: 2 });
  expect(messageText(await ask(`watch ${polled}:${task.id}`, OPERATOR))).toContain('Watching');
  expect(messageText(await ask(`subscribe ${polled} failures <#${SUBSCRIBED}|ops>`, OPERATOR))).toContain(
    SUBSCRIBED,
  );
}

/** What the bot keeps about a workspace, read through its own stores. */
async function dataOf(teamId: string) {
  const deps = t.bot.deps;
  await deps.connections.sync(teamId, { force: true });
  return {
    connections: deps.connections.forTeam(teamId).filter((x) => deps.connections.isStored(x)).length,
    storedConnections: await deps.store.get(`state:connections:${teamId}`),
    watches: (await deps.watcher.list(teamId)).length,
    subscriptions: (await stateIn<Subscriptions>(deps, subscriptions).store.list(teamId)).length,
    grants: await deps.store.get(`state:access:${teamId}`),
    settings: await deps.store.get(`state:settings:${teamId}`),
    audit: await deps.store.get(`state:audit:${teamId}`),
  };
}

/** Provider calls over three cycles, driven by hand. */
async function callsOverCycles(oms: OmsSimulator): Promise<number> {
  oms.server.resetRequestCount();
  for (let i = 0; i < 3; i++) await t.bot.deps.watcher.runCycle();
  return oms.server.requestCount;
}

describe('app_uninstalled', () => {
  it("deletes the workspace's data, stops its polling, and leaves another workspace's alone", async () => {
    const before = await dataOf(DEPARTING);
    expect(before).toMatchObject({ connections: 1, watches: 1, subscriptions: 1 });
    expect(before.grants).toBeDefined();
    expect(before.settings).toBeDefined();
    expect(await callsOverCycles(c.oms)).toBeGreaterThan(0);
    const staying = await dataOf(STAYING);

    expect((await t.event({ type: 'app_uninstalled' }, DEPARTING)).status).toBe(200);
    await expect.poll(async () => (await dataOf(DEPARTING)).storedConnections).toBeUndefined();

    const after = await dataOf(DEPARTING);
    expect(after).toMatchObject({ connections: 0, watches: 0, subscriptions: 0 });
    expect(after.storedConnections).toBeUndefined();
    expect(after.grants).toBeUndefined();
    expect(after.settings).toBeUndefined();
    expect(await callsOverCycles(c.oms)).toBe(0);
    // The workspace that stays keeps everything, and its watches are still polled.
    expect(await dataOf(STAYING)).toEqual(staying);
    expect(await callsOverCycles(t.oms)).toBeGreaterThan(0);
    expect(messageText(await t.ask('connections', { teamId: STAYING }))).toContain('hw-own');
  });

  it('keeps the audit entries for AUDIT_RETENTION_DAYS (30 by default), then they go', async () => {
    expect((await dataOf(DEPARTING)).audit).toBeDefined();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 29 * DAY_MS);
      expect((await dataOf(DEPARTING)).audit).toBeDefined();
      vi.setSystemTime(Date.now() + 2 * DAY_MS);
      expect((await dataOf(DEPARTING)).audit).toBeUndefined();
      expect((await dataOf(STAYING)).audit).toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('is idempotent: the same event again deletes nothing more and logs no error', async () => {
    const errors = () => t.logs.lines.filter((l) => l.includes('"level":50')).length;
    const before = errors();
    const done = t.logs.lines.filter((l) => l.includes('its data deleted')).length;
    expect((await t.event({ type: 'app_uninstalled' }, DEPARTING)).status).toBe(200);
    await expect.poll(() => t.logs.lines.filter((l) => l.includes('its data deleted')).length).toBe(done + 1);
    expect(errors()).toBe(before);
    expect((await dataOf(STAYING)).connections).toBe(1);
  });
});
