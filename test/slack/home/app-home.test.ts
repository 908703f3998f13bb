import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, omsConnection, TestBot } from '../../harness/test-bot.js';

const t = new TestBot();

beforeAll(async () => {
  await t.start({
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      // A connection whose credentials the provider rejects: shown as unhealthy, never hides the others.
      omsConnection('hw-broken', omsUrl, {
        auth: { type: 'aksk', accessKey: 'HWSIMACCESSKEY000001', secretKey: 'wrong-secret-key-0000' },
      }),
    ],
  });
});
afterAll(async () => {
  await t.stop();
});

async function publishedHome(user: string): Promise<Record<string, unknown>> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user, channel: 'D0001', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
  expect(call.body.user_id).toBe(user);
  return (call.body.view as Record<string, unknown>) ?? {};
}

describe('App Home', () => {
  it('shows connection health, running and failed resources, and the user role', async () => {
    t.oms.addTask({ name: 'home-running', status: 2, progress: 0.5 });
    t.oms.addTask({ name: 'home-failed', status: 4, failCode: 'TRF.0015' });
    t.oms.addTask({ name: 'home-paused', status: 3 });
    const view = await publishedHome('U0ALICE01');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Your role: *admin*');
    expect(text).toContain(':large_green_circle: `hw-prod`');
    expect(text).toContain(':warning: `hw-broken`');
    expect(text).toContain('APIGW.0301');
    expect(text).toContain('*Running* (1)');
    expect(text).toContain('home-running');
    expect(text).toContain('*Failed* (1)');
    expect(text).toContain('`TRF.0015`');
    // Issue #13: paused work is shown too, in triage order under a summary line.
    expect(text).toContain('*Paused* (1)');
    expect(text).toContain('home-paused');
    expect(text).toContain('1 failed · 1 paused · 1 running');
    expect(text.indexOf('*Failed*')).toBeLessThan(text.indexOf('*Paused*'));
    expect(text.indexOf('*Paused*')).toBeLessThan(text.indexOf('*Running*'));
  });

  it('opens a resource in a modal and refreshes on demand', async () => {
    const view = await publishedHome('U0VIEW001');
    expect(JSON.stringify(view.blocks)).toContain('Your role: *viewer*');
    const open = buttons(view).find((b) => b.action_id === 'home.open')!;
    await t.click('home.open', open.value, 'U0VIEW001');
    const modal = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open').at(-1));
    expect(JSON.stringify(modal.body.view)).toContain('Act on it from a channel');
    const before = t.fakeSlack.callsTo('views.publish').length;
    await t.click('home.refresh', 'refresh', 'U0VIEW001');
    await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish').length > before);
  });
});
