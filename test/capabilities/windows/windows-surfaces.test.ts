import { beforeAll, describe, expect, it } from 'vitest';
import { omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowWorld } from './window-world.js';

// Issue 48 item 1, as people read it: the card shows each window covering its resource (its next
// change, a cap that holds, a pause with when it lets go), App Home lists the workspace's windows
// and says which paused row a window holds, and the window list speaks Korean and Chinese days.
// The window pass writes these as facts on the watch records; the watcher's card editor draws them.
const CHANNEL = 'C0WINSURF';
const KOREAN = 'U0KOREAN1';
const CHINESE = 'U0CHINES1';
const BASE = Date.parse('2026-11-06T09:00:00Z'); // Friday, 18:00 KST
const clock = new TestClock(() => BASE);
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });

beforeAll(() => {
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  t.fakeSlack.locales.set(CHINESE, 'zh-CN');
});

const at = (iso: string) => clock.moveTo(iso);
const { cycles, card, runningWatched } = windowWorld(t, CHANNEL);

async function home(user: string): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user, channel: 'D0001', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
  return JSON.stringify((call.body.view as { blocks?: unknown }).blocks);
}

describe('windows on the card, App Home and the window list', () => {
  it('shows a window’s next change, its cap while it holds, and its pause with when it lets go', async () => {
    const capped = await runningWatched('surf-capped');
    const night = await runningWatched('surf-night');
    await t.ask(`window add hw-prod:${capped} daily 10:00-11:00 UTC limit 50 MB/s as daytime cap`, {
      channelId: CHANNEL,
    });
    await t.ask(`window add hw-prod:${night} weekdays 22:00-06:00 Asia/Seoul as weeknights only`, {
      channelId: CHANNEL,
    });
    expect(card('surf-capped')).not.toContain('daytime cap');
    await cycles();
    expect(card('surf-capped')).toContain('Window *daytime cap* caps it at 50 MB/s from Fri 10:00 UTC');
    expect(card('surf-night')).toContain('Window *weeknights only* pauses it Fri 22:00 KST');
    expect(card('surf-night')).not.toContain('daytime cap');

    at('2026-11-06T10:01:00Z');
    await cycles();
    expect(card('surf-capped')).toContain('Capped at 50 MB/s by window *daytime cap* · until Fri 11:00 UTC');
    at('2026-11-06T11:01:00Z');
    await cycles();
    expect(card('surf-capped')).not.toContain('Capped at');
    expect(card('surf-capped')).toContain('caps it at 50 MB/s from Sat 10:00 UTC');

    at('2026-11-06T13:01:00Z'); // 22:01 KST, Friday
    await cycles(4);
    expect(t.oms.task(night)?.status).toBe(3);
    expect(card('surf-night')).toContain('Paused by window *weeknights only* · resumes Sat 06:00 KST');
    expect(card('surf-night')).not.toContain('pauses it');

    const tab = await home('U0ALICE01');
    expect(tab).toContain('*Time windows* (2)');
    expect(tab).toContain('*daytime cap*: `hw-prod:');
    expect(tab).toContain('capped at 50 MB/s daily 10:00–11:00 UTC');
    expect(tab).toContain('weekdays 22:00–06:00 Asia/Seoul');
    expect(tab).toContain('ends Sat 06:00 KST');
    // The paused row says which window holds it, and until when.
    expect(tab).toMatch(/surf-night\*[^"]*Paused by window \*weeknights only\* · resumes Sat 06:00 KST/);
  });

  it('says the days in Korean and Chinese in the window list and on Home', async () => {
    await t.ask('window add hw-prod mon,wed 01:00-02:00 UTC as two days', { channelId: CHANNEL });
    const ko = messageText(await t.ask('window list', { userId: KOREAN, channelId: CHANNEL }));
    expect(ko).toContain('평일 22:00–06:00 Asia/Seoul');
    expect(ko).toContain('매일 10:00–11:00 UTC');
    expect(ko).toContain('월, 수 01:00–02:00 UTC');
    expect(ko).not.toMatch(/weekdays|daily|mon,wed/);
    const zh = messageText(await t.ask('window list', { userId: CHINESE, channelId: CHANNEL }));
    expect(zh).toContain('工作日 22:00–06:00');
    expect(zh).toContain('每天 10:00–11:00');
    expect(zh).toContain('周一, 周三 01:00–02:00');
    // English keeps the words windows are typed with.
    expect(messageText(await t.ask('window list', { channelId: CHANNEL }))).toContain('mon,wed 01:00–02:00');
    expect(await home(KOREAN)).toContain('*시간 창* (3)');
  });

  it('leaves a window’s paused hours out of the card’s ETA, in the window’s zone', async () => {
    at('2026-11-08T23:00:00Z'); // Monday 08:00 KST
    const task = t.oms.addTask({
      name: 'surf-eta',
      status: 2,
      progress: 0,
      totalSize: 1024 ** 4,
      speed: 100 * 1024 ** 2, // about 3 hours left: past 09:00 KST, when the window pauses it
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    await cycles(1);
    expect(card('surf-eta')).toMatch(/ETA /);
    expect(card('surf-eta')).not.toContain('paused 09:00');
    await t.ask(`window add hw-prod:${task.id} weekdays 09:00-18:00 Asia/Seoul as office hours`, {
      channelId: CHANNEL,
    });
    await cycles();
    // About 1 h before 09:00 and 2 h after 18:00: it ends Monday evening in Seoul.
    expect(card('surf-eta')).toMatch(/ETA Mon (19|20|21):\d\d KST, paused 09:00–18:00 on weekdays/);
  });
});
