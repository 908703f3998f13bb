import { describe, expect, it } from 'vitest';
import { omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowWorld } from './window-world.js';

// A task a window paused before anyone watched it: its card, `/migrate status`, `list` and the Home
// tab say the same thing, from what the window wrote: the window that holds it first ("Paused by
// window … · resumes …"), and a cap only on what moves. The card used to draw from the watch's own
// history, which began after the pause: it said only "Paused", under another window's cap line.
const CHANNEL = 'C0WINHELD';
const BASE = Date.parse('2026-11-06T08:00:00Z'); // Friday
const clock = new TestClock(() => BASE);
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });

const { cycles, card } = windowWorld(t, CHANNEL);

async function home(): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user: 'U0ALICE01', channel: 'D0001', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
  return mrkdwnTexts({ blocks: (call.body.view as { blocks?: unknown }).blocks });
}

/** The line of `text` that names `name`, with the line under it (a row: name, then its details). */
function rowOf(text: string, name: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(name));
  return lines.slice(at, at + 4).join('\n');
}

describe('a task a window holds, watched after the pause', () => {
  it('reads the same on the card, status, list and Home: the window first, no cap while paused', async () => {
    const held = t.oms.addTask({ name: 'held-lunch', status: 2, progress: 0.3, totalSize: 1024 ** 4 });
    const moving = t.oms.addTask({ name: 'moving-capped', status: 2, progress: 0.2, totalSize: 1024 ** 4 });
    // A sync task has no bandwidth rules: the window covers it but caps nothing there.
    t.oms.addSyncTask({ description: 'sync-uncapped' });
    await t.ask('window add hw-prod daily 09:00-17:00 UTC limit 50 MB/s as office hours', {
      channelId: CHANNEL,
    });
    await t.ask(`window add hw-prod:${held.id} daily 09:00-10:00 UTC as lunch freeze`, {
      channelId: CHANNEL,
    });
    clock.moveTo('2026-11-06T09:01:00Z');
    await cycles(3);
    expect(t.oms.task(held.id)?.status).toBe(3);

    // Watched only now, in a channel that never saw the pause.
    await t.ask(`watch ${held.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    await t.ask(`watch ${moving.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    await cycles(2);

    const paused = 'Paused by window *lunch freeze* · resumes Fri 10:00 UTC';
    const capped = 'Capped at 50 MB/s by window *office hours* · until Fri 17:00 UTC';
    expect(card('held-lunch')).toContain(paused);
    expect(card('held-lunch')).not.toContain('Capped at');
    expect(card('moving-capped')).toContain(capped);

    const status = mrkdwnTexts(await t.ask(`status hw-prod:${held.id}`, { channelId: CHANNEL }));
    expect(status).toContain(paused);
    expect(status).not.toContain('Capped at');
    const movingStatus = mrkdwnTexts(await t.ask(`status hw-prod:${moving.id}`, { channelId: CHANNEL }));
    expect(movingStatus).toContain(capped);

    const list = mrkdwnTexts(await t.ask('list hw-prod', { channelId: CHANNEL }));
    expect(rowOf(list, 'held-lunch')).toContain(paused);
    expect(rowOf(list, 'held-lunch')).not.toContain('Capped at');
    expect(rowOf(list, 'moving-capped')).toContain(capped);
    expect(rowOf(list, 'sync-uncapped')).toContain('Monitoring');
    expect(rowOf(list, 'sync-uncapped')).not.toContain('Capped at');

    const tab = await home();
    expect(rowOf(tab, 'held-lunch')).toContain(paused);
    expect(rowOf(tab, 'moving-capped')).toContain(capped);
  });
});
