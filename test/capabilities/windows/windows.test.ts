import { describe, expect, it } from 'vitest';
import { keyedPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { messageText, mrkdwnTexts, omsConnection } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowId, windowWorld } from './window-world.js';

// Issue 48 item 1: time windows. A window pauses what it covers at its start and resumes what it
// paused at its end, once per edge, in its own time zone (across midnight, across a DST change),
// never resuming what a person paused by hand; `skip` lets one occurrence through. Driven through
// signed requests with the watcher's clock moved; the window pass runs before each watcher cycle.
const CHANNEL = 'C0WINDOWS';
const ALICE = 'U0ALICE01';
const BASE = Date.parse('2026-11-01T00:00:00Z');
const clock = new TestClock(() => BASE);
const t = omsBot({
  connections: (omsUrl) => [
    omsConnection('hw-prod', omsUrl),
    // UpCloud jobs cannot be paused: a window is refused before anything is asked of it.
    {
      name: 'up-eu',
      provider: 'upcloud',
      endpoint: 'http://127.0.0.1:9',
      serviceId: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f',
      auth: { type: 'bearer', token: 'ucat_window_test_token_0001' },
      storage: {
        source: { name: 'aws', accessKey: 'AKIAWINDOWTEST000001', secretKey: 'window-test-secret-0001' },
      },
    },
  ],
  watcher: { clock, editBudget: ROOMY_EDITS },
});
const replies = keyedPosts(t);

/** Moves the watcher's clock to `iso` (forward only). */
const at = (iso: string) => clock.moveTo(iso);
const { cycles, card, runningWatched, state } = windowWorld(t, CHANNEL);

const events = (id: string, event: string) =>
  replies.filter((r) => r.key.includes(id) && r.key.endsWith(`:${event}`));

describe('time windows', () => {
  it('keeps to its zone across a DST change: 09:00 New York is 13:00 UTC before, 14:00 after', async () => {
    at('2026-11-02T12:00:00Z');
    const id = await runningWatched('win-dst');
    const w = windowId(
      await t.ask(`window add hw-prod:${id} daily 09:00-10:00 America/New_York as morning`, {
        channelId: CHANNEL,
      }),
    );
    // 13:30 UTC is 08:30 EST (the clocks went back on Nov 1): a fixed offset would have paused at 13:00.
    at('2026-11-02T13:30:00Z');
    await cycles();
    expect(events(id, 'paused')).toEqual([]);
    expect(state(id)).toBe(2);
    at('2026-11-02T14:01:00Z');
    await cycles();
    expect(events(id, 'paused')).toHaveLength(1);
    expect(mrkdwnTexts(events(id, 'paused')[0]!.body)).toContain(`by window *morning* (set by <@${ALICE}>)`);
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });

  it('pauses across midnight in Seoul once, shows it on the card, resumes once, respects a manual pause', async () => {
    at('2026-11-03T12:00:00Z'); // 21:00 KST
    const id = await runningWatched('win-night');
    const manual = await runningWatched('win-manual');
    const added = await t.ask(`window add hw-prod weekdays 22:00-06:00 Asia/Seoul as weeknights only`, {
      channelId: CHANNEL,
    });
    expect(messageText(added)).toContain('*weeknights only*');
    expect(messageText(added)).toContain('22:00–06:00 Asia/Seoul');
    const w = windowId(added);
    // Paused by hand before the window: the window neither pauses nor resumes it.
    await t.ask(`pause ${manual}`, { channelId: CHANNEL });
    await cycles();
    expect(events(id, 'paused')).toEqual([]);
    expect(state(id)).toBe(2);

    at('2026-11-03T13:01:00Z'); // 22:01 KST, Tuesday
    await cycles(4);
    expect(events(id, 'paused')).toHaveLength(1);
    expect(card('win-night')).toContain('Paused by window *weeknights only* · resumes Wed 06:00 KST');
    expect(events(manual, 'paused')).toHaveLength(1); // the person's own pause, earlier
    expect(mrkdwnTexts(events(manual, 'paused')[0]!.body)).not.toContain('window');

    // After midnight (still inside), nothing more happens.
    at('2026-11-03T16:00:00Z'); // 01:00 KST Wednesday
    await cycles();
    expect(events(id, 'paused')).toHaveLength(1);

    at('2026-11-03T21:01:00Z'); // 06:01 KST
    await cycles(4);
    expect(events(id, 'resumed')).toHaveLength(1);
    expect(mrkdwnTexts(events(id, 'resumed')[0]!.body)).toContain('by window *weeknights only*');
    expect(state(id)).toBe(2);
    // The person's pause stands.
    expect(state(manual)).toBe(3);
    expect(events(manual, 'resumed')).toEqual([]);
    await cycles();
    expect(events(id, 'resumed')).toHaveLength(1);

    // Skip tonight: it runs through; the night after, it pauses again.
    expect(messageText(await t.ask(`window skip ${w}`, { channelId: CHANNEL }))).toContain('skips');
    at('2026-11-04T13:01:00Z');
    await cycles();
    expect(events(id, 'paused')).toHaveLength(1);
    expect(state(id)).toBe(2);
    at('2026-11-05T13:01:00Z');
    await cycles(4);
    expect(events(id, 'paused')).toHaveLength(2);
    const list = messageText(await t.ask('window list', { channelId: CHANNEL }));
    expect(list).toContain(w);
    expect(list).toContain('ends Fri 06:00 KST');
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
    expect(messageText(await t.ask('window list', { channelId: CHANNEL }))).toContain('No time windows');
  });

  it('caps OMS bandwidth inside a limit window and lifts it after', async () => {
    at('2026-11-06T09:00:00Z');
    const id = await runningWatched('win-limit');
    await t.ask(`window add hw-prod:${id} daily 10:00-11:00 UTC limit 50 MB/s as daytime cap`, {
      channelId: CHANNEL,
    });
    await cycles();
    expect(t.oms.task(id)?.bandwidthPolicy).toEqual([]);
    at('2026-11-06T10:01:00Z');
    await cycles();
    expect(t.oms.task(id)?.bandwidthPolicy).toEqual([
      { start: '00:00', end: '23:59', max_bandwidth: 50 * 1024 ** 2 },
    ]);
    expect(state(id)).toBe(2);
    at('2026-11-06T11:01:00Z');
    await cycles();
    expect(t.oms.task(id)?.bandwidthPolicy).toEqual([]);
  });

  it('refuses UpCloud, which cannot pause, with the reason', async () => {
    const answer = messageText(await t.ask('window add up-eu weekdays 09:00-18:00 Europe/Helsinki'));
    // It names what to do instead: a start time on the create form (issue 48).
    expect(answer).toMatch(
      /UpCloud.* jobs cannot be paused; set a start time when you create the job instead/,
    );
    expect(messageText(await t.ask('window list'))).not.toContain('up-eu');
  });

  it('refuses bad input and viewers, in their words', async () => {
    expect(messageText(await t.ask('window add hw-prod someday 22:00-06:00'))).toContain(
      'is not days I know',
    );
    expect(messageText(await t.ask('window add hw-prod daily 22:00-22:00'))).toContain('is not a time span');
    expect(messageText(await t.ask('window add hw-prod daily 22:00-06:00 Mars/Olympus'))).toContain(
      'is not a time zone',
    );
    expect(messageText(await t.ask('window add hw-prod daily 22:00-06:00', { userId: 'U0VIEWER1' }))).toMatch(
      /You need the operator role/,
    );
  });
});

describe('the workspace time zone (`/migrate settings time-zone`)', () => {
  it('is what `window add` uses when no zone is typed; a bad zone is refused and changes nothing', async () => {
    const bad = messageText(await t.ask('settings time-zone Mars/Olympus'));
    expect(bad).toContain('"Mars/Olympus" is not a time zone');
    expect(bad).toContain('Nothing was changed');
    expect((await t.bot.deps.settings.get('T0FAKE001')).timeZone).toBeUndefined();
    const untyped = async () => {
      const added = await t.ask('window add hw-prod weekends 01:00-05:00 as zone test', {
        channelId: CHANNEL,
      });
      await t.ask(`window remove ${windowId(added)}`, { channelId: CHANNEL });
      return messageText(added);
    };
    expect(await untyped()).toContain('01:00–05:00 UTC');

    const set = messageText(await t.ask('settings time-zone asia/seoul'));
    expect(set).toContain('Updated the time zone');
    expect(set).toContain('Time zone of time windows: Asia/Seoul');
    expect(await untyped()).toContain('01:00–05:00 Asia/Seoul');
    // A zone typed on the window still wins.
    const typed = await t.ask('window add hw-prod weekends 01:00-05:00 Europe/Berlin', {
      channelId: CHANNEL,
    });
    expect(messageText(typed)).toContain('Europe/Berlin');
    await t.ask(`window remove ${windowId(typed)}`, { channelId: CHANNEL });
    // Operators may not change it: it is a workspace setting (admins).
    expect(messageText(await t.ask('settings time-zone UTC', { userId: 'U0VIEWER1' }))).toMatch(/You need/);

    expect(messageText(await t.ask('settings time-zone default'))).toContain('UTC (default');
    expect(await untyped()).toContain('01:00–05:00 UTC');
  });
});

describe('removing a window while it holds', () => {
  it('resumes what it paused, once and as the window, and leaves a pause by hand alone', async () => {
    at('2026-11-07T09:00:00Z');
    const a = await runningWatched('win-rm-a');
    const b = await runningWatched('win-rm-b');
    const c = await runningWatched('win-rm-c');
    await t.ask(`pause ${c}`, { channelId: CHANNEL }); // by hand, before the window: never its
    const w = windowId(
      await t.ask('window add hw-prod daily 10:00-12:00 UTC as late morning', { channelId: CHANNEL }),
    );
    at('2026-11-07T10:01:00Z');
    await cycles(4);
    expect([state(a), state(b), state(c)]).toEqual([3, 3, 3]);
    // A person resumes b and pauses it again by hand: from then on it is theirs.
    await t.ask(`resume ${b}`, { channelId: CHANNEL });
    await cycles(3);
    await t.ask(`pause ${b}`, { channelId: CHANNEL });
    await cycles(3);

    const answer = messageText(await t.ask(`window remove ${w}`, { channelId: CHANNEL }));
    expect(answer).toContain('*late morning* removed');
    expect(answer).toMatch(/It held .*\*win-rm-a\*.* paused: resumed now/);
    expect(answer).toMatch(/Paused by hand, so left paused: \*win-rm-b\*/);
    expect(answer).not.toContain('win-rm-c');
    await cycles(4);
    expect([state(a), state(b), state(c)]).toEqual([2, 3, 3]);
    expect(events(a, 'resumed')).toHaveLength(1);
    expect(mrkdwnTexts(events(a, 'resumed')[0]!.body)).toContain(
      `by window *late morning* (set by <@${ALICE}>)`,
    );
    // Its end comes and goes: nothing more happens, and a second remove finds no window.
    at('2026-11-07T12:01:00Z');
    await cycles(3);
    expect(events(a, 'resumed')).toHaveLength(1);
    expect(events(a, 'paused')).toHaveLength(1);
    expect(messageText(await t.ask(`window remove ${w}`, { channelId: CHANNEL }))).toContain(
      `No window \`${w}\``,
    );
  });
});

describe('a limit window and bandwidth rules set by hand', () => {
  it('keeps them: capped inside, put back after, and a change by hand inside the window stands', async () => {
    at('2026-11-08T09:00:00Z');
    const id = await runningWatched('win-rules');
    const policy = () => t.oms.task(id)?.bandwidthPolicy;
    await t.ask(`bandwidth ${id} 00:00-06:00=200MB/s 18:00-23:59=20MB/s`, { channelId: CHANNEL });
    const byHand = policy();
    expect(byHand).toHaveLength(2);
    const w = windowId(
      await t.ask(`window add hw-prod:${id} daily 10:00-11:00 UTC limit 50 MB/s as rules test`, {
        channelId: CHANNEL,
      }),
    );
    const cap = [{ start: '00:00', end: '23:59', max_bandwidth: 50 * 1024 ** 2 }];
    at('2026-11-08T10:01:00Z');
    await cycles();
    expect(policy()).toEqual(cap);
    at('2026-11-08T11:01:00Z');
    await cycles();
    expect(policy()).toEqual(byHand);

    // Inside the next occurrence a person sets rules of their own: the window's end leaves them.
    at('2026-11-09T10:01:00Z');
    await cycles();
    expect(policy()).toEqual(cap);
    await t.ask(`bandwidth ${id} 00:00-23:59=10MB/s`, { channelId: CHANNEL });
    const changed = policy();
    expect(changed).not.toEqual(cap);
    at('2026-11-09T11:01:00Z');
    await cycles();
    expect(policy()).toEqual(changed);

    // Removed while it caps: the rules from before this occurrence come back, and the reply says so.
    at('2026-11-10T10:01:00Z');
    await cycles();
    expect(policy()).toEqual(cap);
    const answer = messageText(await t.ask(`window remove ${w}`, { channelId: CHANNEL }));
    expect(answer).toMatch(
      /bandwidth cap on \*win-rules\* is lifted \(rules set by hand before it are back\)/,
    );
    expect(policy()).toEqual(changed);
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 50);
    expect(audit.some((e) => e.detail?.includes('rule(s) set by hand put back'))).toBe(true);
  });
});
