import { describe, expect, it } from 'vitest';
import { dueEdge } from '../../../src/capabilities/windows/window-edges.js';
import { windowsState } from '../../../src/capabilities/windows/window-state.js';
import type { TimeWindow } from '../../../src/capabilities/windows/window-store.js';
import { keyedPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowId, windowWorld } from './window-world.js';

// Issue 48 item 1: nothing a window holds may be lost. A provider failing at a window's end (a 5xx
// on the read or on the resume) leaves the resume to a later pass; one task refusing the pause
// (OMS.0066) neither stops the others nor loses the record of what was paused; a weekly window's
// end is applied after days away; a task that starts running while a pause window holds is paused
// then, and resumed at its end, while a person's resume during the window stands. Driven through
// signed requests with the watcher's clock moved and the simulator's clock frozen.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0WINFAUL';
const BASE = Date.parse('2026-11-01T00:00:00Z');
const clock = new TestClock(() => BASE);
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS }, freeze: true });
const replies = keyedPosts(t);

/** Moves the watcher's clock to `iso` (forward only). */
const at = (iso: string) => clock.moveTo(iso);
const { cycles, runningWatched, state } = windowWorld(t, CHANNEL);

/** One cycle while every OMS request answers 503; the cycle's own failure is not the point. */
async function cycleWhileDown(): Promise<void> {
  t.oms.faults.configure({ rate5xx: 1 });
  try {
    await t.bot.deps.watcher.runCycle().catch(() => undefined);
  } finally {
    t.oms.faults.reset();
  }
  t.oms.clock.advance(2_000);
}

const events = (id: string, event: string) =>
  replies.filter((r) => r.key.includes(id) && r.key.endsWith(`:${event}`));
const held = async (w: string) =>
  (await windowsState(t.bot.deps).store.list(TEAM)).find((x) => x.id === w)?.paused;

describe('a window whose provider fails at its edges', () => {
  it('resumes on a later pass what a 5xx on the read, then on the resume, kept it from resuming', async () => {
    at('2026-11-03T12:00:00Z');
    const id = await runningWatched('win-fault-end');
    const w = windowId(
      await t.ask(`window add hw-prod:${id} daily 13:00-14:00 UTC as fault end`, { channelId: CHANNEL }),
    );
    at('2026-11-03T13:01:00Z');
    await cycles(3);
    expect(state(id)).toBe(3);

    // The end comes while OMS answers 503 to everything: nothing is resumed, nothing forgotten.
    at('2026-11-03T14:01:00Z');
    await cycleWhileDown();
    expect(state(id)).toBe(3);
    expect(await held(w)).toEqual([`hw-prod:task:${id}`]);
    // Tried again five minutes later, not at every poll (each try is asked and audited).
    await cycles(2);
    expect(state(id)).toBe(3);
    at('2026-11-03T14:06:30Z');
    await cycles(4);
    expect(state(id)).toBe(2);
    expect(events(id, 'resumed')).toHaveLength(1);
    expect(mrkdwnTexts(events(id, 'resumed')[0]!.body)).toContain('by window *fault end*');
    expect(await held(w)).toEqual([]);

    // The next night the read works but the resume itself answers 503: tried again, once it works.
    at('2026-11-04T13:01:00Z');
    await cycles(3);
    expect(state(id)).toBe(3);
    at('2026-11-04T14:01:00Z');
    t.oms.faults.script({ method: 'POST', path: `/tasks/${id}/start`, status: 503 });
    await t.bot.deps.watcher.runCycle();
    expect(state(id)).toBe(3);
    expect(await held(w)).toEqual([`hw-prod:task:${id}`]);
    at('2026-11-04T14:06:30Z');
    await cycles(4);
    expect(state(id)).toBe(2);
    expect(events(id, 'resumed')).toHaveLength(2);
    await cycles(2);
    expect(events(id, 'resumed')).toHaveLength(2);
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });

  it('pauses the others when one task refuses (OMS.0066) and resumes them all at its end', async () => {
    at('2026-11-05T09:00:00Z');
    const ids = [
      await runningWatched('win-refuse-a'),
      await runningWatched('win-refuse-b'),
      await runningWatched('win-refuse-c'),
    ];
    const w = windowId(
      await t.ask('window add hw-prod daily 10:00-11:00 UTC as refusal', { channelId: CHANNEL }),
    );
    // OMS refuses to pause b, as it does for a task that stopped running meanwhile.
    t.oms.faults.script({
      method: 'POST',
      path: `/tasks/${ids[1]}/stop`,
      status: 400,
      body: { error_code: 'OMS.0066', error_msg: 'Failed to pause the task. The task is not in progress.' },
    });
    at('2026-11-05T10:01:00Z');
    await cycles(3);
    expect(ids.map(state)).toEqual([3, 2, 3]);
    expect(await held(w)).toEqual(
      expect.arrayContaining([`hw-prod:task:${ids[0]}`, `hw-prod:task:${ids[2]}`]),
    );

    at('2026-11-05T11:01:00Z');
    await cycles(4);
    expect(ids.map(state)).toEqual([2, 2, 2]);
    expect(events(ids[0]!, 'resumed')).toHaveLength(1);
    expect(events(ids[2]!, 'resumed')).toHaveLength(1);
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });
});

describe('a limit window whose provider fails at its end', () => {
  it('lifts its cap on a later pass and puts back the rules set by hand', async () => {
    at('2026-11-06T09:00:00Z');
    const id = await runningWatched('win-fault-cap');
    const policy = () => t.oms.task(id)?.bandwidthPolicy;
    await t.ask(`bandwidth ${id} 00:00-06:00=200MB/s`, { channelId: CHANNEL });
    const byHand = policy();
    expect(byHand).toHaveLength(1);
    const w = windowId(
      await t.ask(`window add hw-prod:${id} daily 10:00-11:00 UTC limit 50 MB/s as fault cap`, {
        channelId: CHANNEL,
      }),
    );
    at('2026-11-06T10:01:00Z');
    await cycles(2);
    expect(policy()).toEqual([{ start: '00:00', end: '23:59', max_bandwidth: 50 * 1024 ** 2 }]);
    at('2026-11-06T11:01:00Z');
    await cycleWhileDown();
    expect(await held(w)).toEqual([`hw-prod:task:${id}`]);
    at('2026-11-06T11:06:30Z');
    await cycles(2);
    expect(policy()).toEqual(byHand);
    expect(await held(w)).toEqual([]);
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });
});

describe('a weekly window after days away', () => {
  it('finds its last end whatever the gap, and applies it once, saying it was late', async () => {
    // Monday 22:00–23:00 UTC: paused on Monday night, then the bot is away until Thursday.
    at('2026-11-09T21:00:00Z');
    const id = await runningWatched('win-weekly');
    const w = windowId(
      await t.ask(`window add hw-prod:${id} mon 22:00-23:00 UTC as weekly`, { channelId: CHANNEL }),
    );
    at('2026-11-09T22:01:00Z');
    await cycles(3);
    expect(state(id)).toBe(3);

    at('2026-11-12T10:00:00Z');
    await cycles(4);
    expect(state(id)).toBe(2);
    expect(events(id, 'resumed')).toHaveLength(1);
    expect(mrkdwnTexts(events(id, 'resumed')[0]!.body)).toContain('while the bot was not running');

    // Six days and more after its end, the end is still the edge it names (not none).
    const window = (await windowsState(t.bot.deps).store.list(TEAM)).find((x) => x.id === w) as TimeWindow;
    const end = Date.parse('2026-11-09T23:00:00Z');
    expect(dueEdge(window, end + 6.9 * 86_400_000)?.edge).toBe(`end:${end}`);
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });
});

describe('a task that starts running while a pause window holds', () => {
  it('is paused then and resumed at the end; a person’s resume during the window stands', async () => {
    at('2026-11-13T09:00:00Z');
    const early = await runningWatched('win-late-early');
    const manual = await runningWatched('win-late-manual');
    await t.ask(`pause ${manual}`, { channelId: CHANNEL });
    await cycles(2);
    expect(state(manual)).toBe(3);
    const queued = t.oms.addTask({ name: 'win-late-queued', status: 1, progress: 0, totalSize: 1024 ** 4 });
    await t.ask(`watch ${queued.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    const w = windowId(
      await t.ask('window add hw-prod daily 10:00-12:00 UTC as blackout', { channelId: CHANNEL }),
    );

    // At the start the queued task is still waiting: OMS cannot pause it yet.
    at('2026-11-13T10:01:00Z');
    await t.bot.deps.watcher.runCycle();
    expect(state(queued.id)).toBe(1);
    t.oms.clock.advance(2_000);
    await cycles(2);
    expect(state(queued.id)).toBe(2);
    expect(state(early)).toBe(3);

    // A person resumes what the window paused, and what they had paused by hand: theirs now.
    at('2026-11-13T10:03:00Z');
    await t.ask(`resume ${early}`, { channelId: CHANNEL });
    await t.ask(`resume ${manual}`, { channelId: CHANNEL });
    await cycles(2);

    at('2026-11-13T10:05:00Z');
    await cycles(3);
    expect(state(queued.id)).toBe(3);
    expect(mrkdwnTexts(events(queued.id, 'paused')[0]!.body)).toContain('by window *blackout*');
    expect([state(early), state(manual)]).toEqual([2, 2]);
    expect(events(early, 'paused')).toHaveLength(1);
    expect(await held(w)).toContain(`hw-prod:task:${queued.id}`);

    at('2026-11-13T12:01:00Z');
    await cycles(4);
    expect(state(queued.id)).toBe(2);
    expect(events(queued.id, 'resumed')).toHaveLength(1);
    expect(mrkdwnTexts(events(queued.id, 'resumed')[0]!.body)).toContain('by window *blackout*');
    await t.ask(`window remove ${w}`, { channelId: CHANNEL });
  });
});
