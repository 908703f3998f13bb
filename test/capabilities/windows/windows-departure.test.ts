import { describe, expect, it } from 'vitest';
import { windowsState } from '../../../src/capabilities/windows/window-state.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowWorld } from './window-world.js';

// Issue 48 item 1, with issue 40's uninstall: `app_uninstalled` (signed, as Slack sends it) deletes
// the workspace's time windows with the rest of its data, so no window pauses or resumes anything
// for it afterwards; another workspace's windows stay and still act.
const CHANNEL = 'C0WINLEAV';
const LEAVING = 'T0WLEAVE1';
const STAYING = 'T0FAKE001';
const BASE = Date.parse('2026-11-02T12:00:00Z'); // a Monday
const clock = new TestClock(() => BASE);
const t = omsBot({ watcher: { clock } });
const { cycles } = windowWorld(t, CHANNEL);

async function windowed(teamId: string, name: string): Promise<string> {
  const task = t.oms.addTask({ name, status: 2, progress: 0.1, totalSize: 1024 ** 4 });
  const who = { teamId, channelId: CHANNEL };
  expect(messageText(await t.ask(`watch hw-prod:${task.id} <#${CHANNEL}|ops>`, who))).toContain('Watching');
  const added = await t.ask(`window add hw-prod:${task.id} daily 13:00-14:00 UTC as lunch`, who);
  expect(messageText(added)).toContain('*lunch*');
  return task.id;
}

describe('a departed workspace’s windows', () => {
  it('go with its data at uninstall, and never act again; another workspace’s still do', async () => {
    const leaving = await windowed(LEAVING, 'win-leaving');
    const staying = await windowed(STAYING, 'win-staying');
    const store = windowsState(t.bot.deps).store;
    expect(await store.list(LEAVING)).toHaveLength(1);
    expect(await store.teams()).toContain(LEAVING);

    expect((await t.event({ type: 'app_uninstalled' }, LEAVING)).status).toBe(200);
    await expect.poll(async () => (await store.list(LEAVING)).length).toBe(0);
    expect(await store.teams()).not.toContain(LEAVING);

    clock.skewMs = Date.parse('2026-11-02T13:01:00Z') - BASE; // inside both windows
    await cycles(4);
    expect(t.oms.task(leaving)?.status).toBe(2);
    expect(t.oms.task(staying)?.status).toBe(3);
    const byWindow = (await t.bot.deps.audit.recent(LEAVING, 200)).filter((e) =>
      e.detail?.startsWith('window'),
    );
    expect(byWindow).toEqual([]);
    expect(await store.list(STAYING)).toHaveLength(1);
  });
});
