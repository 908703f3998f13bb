import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowId, windowWorld } from './window-world.js';

// A window acts as the person who set it, and every action it takes asks the policy as their own
// command would: a pause or resume as their button, a cap as their `/migrate bandwidth`. Someone
// whose operator role is revoked before a window's start caps and pauses nothing through it; the
// refusal is audited once and said once in each thread it left, however many passes ask again. A
// cap set while they still had the role is lifted at its end all the same (it only puts back what
// was there). Driven through signed commands, the real grant commands and the watcher's clock.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0WINREVK';
const BOB = 'U0WINBOB1';
const MB = 1024 ** 2;
const BASE = Date.parse('2026-11-02T00:00:00Z');
const clock = new TestClock(() => BASE);
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });
const replies: { key: string; text: string }[] = [];
const bandwidthPuts: string[] = [];

beforeAll(() => {
  t.fakeSlack.observe((call: RecordedCall) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method === 'chat.postMessage' && key && call.body.thread_ts)
      replies.push({ key, text: mrkdwnTexts(call.body) });
  });
  t.oms.server.onRequest((method, path) => {
    if (method === 'PUT' && path.endsWith('/bandwidth-policy')) bandwidthPuts.push(path);
  });
});

const { card, cycles, runningWatched, state } = windowWorld(t, CHANNEL);
const asBob = { userId: BOB, channelId: CHANNEL };
const inChannel = { channelId: CHANNEL };

/** Several passes inside the occurrence, a minute and more apart (a pause window looks again each minute). */
async function passes(...isos: string[]): Promise<void> {
  for (const iso of isos) {
    clock.moveTo(iso);
    await cycles(2);
  }
  await t.settled();
}

const refusalsIn = (id: string, w: string) =>
  replies.filter((r) => r.key.includes(`:${id}:`) && r.key.includes(`:window-${w}-`));
const refusedAudit = async (w: string) =>
  (await t.bot.deps.audit.recent(TEAM, 500)).filter(
    (e) => e.result === 'refused' && e.detail?.includes(`window ${w}`),
  );

describe('a window whose setter lost their role', () => {
  it('caps no task of the connection: no bandwidth PUT, one audit entry, said once per thread', async () => {
    clock.moveTo('2026-11-02T09:00:00Z');
    const a = await runningWatched('revoked-cap-a');
    const b = await runningWatched('revoked-cap-b');
    await t.ask(`access grant <@${BOB}> operator`);
    const w = windowId(
      await t.ask('window add hw-prod daily 10:00-11:00 UTC limit 50 MB/s as all day cap', asBob),
    );
    expect(await t.ask(`access revoke <@${BOB}>`)).toBeTruthy();
    bandwidthPuts.length = 0;

    await passes('2026-11-02T10:01:00Z', '2026-11-02T10:03:00Z', '2026-11-02T10:30:00Z');
    expect(bandwidthPuts).toEqual([]);
    expect([t.oms.task(a)?.bandwidthPolicy, t.oms.task(b)?.bandwidthPolicy]).toEqual([[], []]);
    const audit = await refusedAudit(w);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: BOB, action: 'bandwidth', target: 'hw-prod' });
    expect(audit[0]!.detail).toContain('all day cap');
    // The card does not claim a cap the window never set.
    expect(card('revoked-cap-a')).toContain('Migrating');
    expect(card('revoked-cap-a')).not.toContain('Capped at');
    for (const id of [a, b]) {
      const said = refusalsIn(id, w);
      expect(said, `thread of ${id}`).toHaveLength(1);
      expect(said[0]!.text).toContain('Window *all day cap* did not cap this');
      expect(said[0]!.text).toContain(`<@${BOB}>, who set it, may no longer change bandwidth limits`);
    }
    // Its end lifts nothing (it capped nothing), and the window never capped in Bob's name.
    await passes('2026-11-02T11:01:00Z');
    expect(bandwidthPuts).toEqual([]);
    const byWindow = (await t.bot.deps.audit.recent(TEAM, 500)).filter(
      (e) => e.detail?.includes(`window ${w}`) && e.result === 'ok',
    );
    expect(byWindow).toEqual([]);
    await t.ask(`window remove ${w}`, inChannel);
  });

  it('pauses nothing, however many passes look again, and says so once', async () => {
    clock.moveTo('2026-11-03T09:00:00Z');
    const id = await runningWatched('revoked-pause');
    await t.ask(`access grant <@${BOB}> operator`);
    const w = windowId(await t.ask(`window add hw-prod:${id} daily 12:00-13:00 UTC as lunch pause`, asBob));
    await t.ask(`access revoke <@${BOB}>`);
    await passes(
      '2026-11-03T12:01:00Z',
      '2026-11-03T12:03:00Z',
      '2026-11-03T12:05:00Z',
      '2026-11-03T12:30:00Z',
    );
    expect(state(id)).toBe(2);
    const audit = await refusedAudit(w);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: BOB, action: 'pause', target: `hw-prod:${id}` });
    const said = refusalsIn(id, w);
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toContain('Window *lunch pause* did not pause this');
    await t.ask(`window remove ${w}`, inChannel);
  });

  it('has its cap lifted at the end, back to the rules set by hand, and caps nothing the next day', async () => {
    clock.moveTo('2026-11-04T09:00:00Z');
    const id = await runningWatched('revoked-lift');
    const policy = () => t.oms.task(id)?.bandwidthPolicy;
    await t.ask(`bandwidth ${id} 00:00-06:00=200MB/s`, inChannel);
    const byHand = policy();
    expect(byHand).toHaveLength(1);
    await t.ask(`access grant <@${BOB}> operator`);
    const w = windowId(
      await t.ask(`window add hw-prod:${id} daily 15:00-16:00 UTC limit 20 MB/s as afternoon cap`, asBob),
    );
    await passes('2026-11-04T15:01:00Z');
    expect(policy()).toEqual([{ start: '00:00', end: '23:59', max_bandwidth: 20 * MB }]);

    // Revoked while the cap holds: its end still puts back what was there, audited as such.
    await t.ask(`access revoke <@${BOB}>`);
    await passes('2026-11-04T16:01:00Z');
    expect(policy()).toEqual(byHand);
    const lifted = (await t.bot.deps.audit.recent(TEAM, 500)).filter(
      (e) => e.detail?.includes(`window ${w}`) && e.detail.includes('may no longer change bandwidth'),
    );
    expect(lifted).toHaveLength(1);
    expect(lifted[0]).toMatchObject({ action: 'bandwidth', result: 'ok', user: BOB });

    // The next day it caps nothing: refused once, said once.
    bandwidthPuts.length = 0;
    await passes('2026-11-05T15:01:00Z', '2026-11-05T15:10:00Z');
    expect(bandwidthPuts).toEqual([]);
    expect(policy()).toEqual(byHand);
    expect(await refusedAudit(w)).toHaveLength(1);
    expect(refusalsIn(id, w)).toHaveLength(1);
    await t.ask(`window remove ${w}`, inChannel);
  });

  it('leaves paused at its end what it paused before the role was revoked, and says so once', async () => {
    clock.moveTo('2026-11-06T09:00:00Z');
    const id = await runningWatched('revoked-resume');
    await t.ask(`access grant <@${BOB}> operator`);
    const w = windowId(await t.ask(`window add hw-prod:${id} daily 18:00-19:00 UTC as evening`, asBob));
    await passes('2026-11-06T18:01:00Z', '2026-11-06T18:03:00Z');
    expect(state(id)).toBe(3);
    await t.ask(`access revoke <@${BOB}>`);
    await passes('2026-11-06T19:01:00Z', '2026-11-06T19:10:00Z', '2026-11-06T19:30:00Z');
    expect(state(id)).toBe(3);
    const audit = await refusedAudit(w);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: BOB, action: 'resume' });
    const said = refusalsIn(id, w);
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toContain('Window *evening* did not resume this');
    await t.ask(`window remove ${w}`, inChannel);
  });
});
