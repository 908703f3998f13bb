import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { HW_SK, SRC_SK, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';

/**
 * Every module's Slack traffic leaves through the sender, scrubbed (issue #12, rule 2): a
 * connection's secret that a provider puts in a resource name or an error message never reaches
 * Slack, whichever module sends it: a command's answer (response_url), the watcher's card, thread
 * reply and card edit (chat.postMessage, chat.update), the audit channel, the Home tab
 * (views.publish) and a modal (views.open). The whole bot over loopback, as Slack drives it.
 */

const t = new TestBot();
const TEAM = 'T0FAKE001';
const AUDIT = 'C0AUDIT01';
const MASK = '••••••';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.bot.deps.settings.update(TEAM, { auditChannel: AUDIT });
});
afterAll(async () => {
  await t.stop();
});

describe('a provider echoing a connection secret', () => {
  it('never gets it to Slack, through any module or kind of call', async () => {
    const running = t.oms.addTask({ name: `leaky ${HW_SK}`, status: 2 });
    const failed = t.oms.addTask({
      name: `broken ${SRC_SK}`,
      status: 4,
      failCode: 'TRF.0004',
      failMessage: `access denied for key ${HW_SK}`,
    });

    const status = await t.ask(`status ${failed.id}`);
    await t.ask(`watch ${running.id}`);
    await t.ask(`pause ${running.id}`);
    const watcher = t.bot.deps.watcher;
    const told = async () => {
      const paused = notifications(t.fakeSlack).some((n) => n.event === 'paused');
      if (paused && t.fakeSlack.callsTo('chat.update').length > 0) return true;
      await watcher.runCycle();
      return false;
    };
    await until(told, {
      what: 'the pause told and the card edited',
      timeoutMs: 20_000,
      everyMs: 100,
      checks: 40,
    });
    await t.event({ type: 'app_home_opened', user: 'U0ALICE01', channel: 'D0001', tab: 'home' });
    await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish').length > 0);
    await t.click('home.open', encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: failed.id }));
    await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open').length > 0);

    // Each path was taken and said what it was about, masked.
    expect(JSON.stringify(status)).toContain(`broken ${MASK}`);
    const events = notifications(t.fakeSlack).map((n) => n.event);
    expect(events).toEqual(expect.arrayContaining(['parent', 'paused']));
    const parent = notifications(t.fakeSlack).find((n) => n.event === 'parent')!;
    expect(JSON.stringify(parent.body)).toContain(`leaky ${MASK}`);
    const paused = notifications(t.fakeSlack).find((n) => n.event === 'paused')!;
    expect(JSON.stringify(paused.body)).toContain(`leaky ${MASK}`);
    expect(JSON.stringify(t.fakeSlack.callsTo('chat.update').at(-1)?.body)).toContain(`leaky ${MASK}`);
    expect(t.fakeSlack.callsTo('chat.postMessage').some((c) => c.body.channel === AUDIT)).toBe(true);
    expect(JSON.stringify(t.fakeSlack.callsTo('views.publish').at(-1)?.body)).toContain(MASK);
    expect(JSON.stringify(t.fakeSlack.callsTo('views.open').at(-1)?.body)).toContain(`broken ${MASK}`);

    const everything = JSON.stringify([t.fakeSlack.calls, t.fakeSlack.responses, t.fakeSlack.rejected]);
    for (const secret of [HW_SK, SRC_SK]) expect(everything).not.toContain(secret);
  });
});
