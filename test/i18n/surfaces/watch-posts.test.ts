import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderParentCard, renderWatchNotification } from '../../../src/slack/blocks/watch-notifications.js';
import { CODES, EVENTS, LONG, problems, READING, resource } from './fixtures.js';

// What the watcher posts in a channel, its threads and DMs, in every language within Slack's limits.
describe.each(LOCALES)('the watcher’s posts in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);

  it('watch notifications: every event, the watched card, connection notices and the digest', () => {
    const facts = {
      ...resource('failed'),
      destinationBucket: 'photos-obs',
      elapsedSeconds: 5400,
    };
    for (const event of EVENTS) {
      const { blocks } = renderWatchNotification(
        {
          kind: 'event',
          event,
          resource: facts,
          actions: ['pause', 'resume', 'retry'],
          run: 3,
          at: Date.now(),
          stalledForMs: 45 * 60_000,
          lastSpeed: 1024 ** 2,
          by: 'U0BOB0001',
        },
        tr,
      );
      expect(problems(blocks), `${locale} ${event}`).toEqual([]);
    }
    for (const ended of [false, true]) {
      const card = renderParentCard(
        { resource: resource('running'), actions: ['pause'], ended, by: 'U0BOB0001' },
        tr,
        Date.now(),
      );
      expect(problems(card.blocks)).toEqual([]);
    }
    for (const state of ['down', 'up'] as const) {
      const note = renderWatchNotification(
        {
          kind: 'connection',
          state,
          connection: 'hw-prod',
          since: Date.now() - 600_000,
          at: Date.now(),
          reason: LONG,
        },
        tr,
      );
      expect(problems(note.blocks)).toEqual([]);
    }
    const items = Array.from({ length: 120 }, (_, i) => ({
      name: `${LONG}-${i}`,
      connection: 'hw-prod',
      kind: 'task' as const,
      id: String(i),
      state: 'running' as const,
      watchState: i % 7 === 0 ? ('gone' as const) : ('running' as const),
      progress: 0.5,
      before: i % 2 ? { state: 'paused', progress: 0.2 } : undefined,
    }));
    const digest = renderWatchNotification({ kind: 'digest', day: '2024-05-01', items }, tr);
    expect(problems(digest.blocks)).toEqual([]);
    // The creator's DM when Slack refuses the channel: why and the fix, in their words.
    for (const reason of ['not_in_channel', 'is_archived', 'channel_not_found'] as const) {
      const dm = renderWatchNotification(
        {
          kind: 'broken',
          name: LONG,
          channelId: 'C0LOST001',
          connection: 'hw-prod',
          id: '191297407830872',
          broken: { reason, since: Date.now(), episode: 1 },
        },
        tr,
      );
      expect(problems(dm.blocks), `${locale} broken DM ${reason}`).toEqual([]);
      expect(dm.text).toContain('`/migrate watch hw-prod:191297407830872`');
      expect(dm.text).toContain(reason);
      if (locale !== 'en') expect(dm.text).not.toMatch(/can't post|To fix it|invite me/);
    }
    // A time window the policy refused to its setter: said in the thread, with the way out.
    for (const action of ['pause', 'cap', 'resume'] as const) {
      const refused = READING.render(
        'windows',
        { kind: 'window-refused', window: { id: 'w0a1b2c', name: LONG }, by: 'U0WINBOB1', action },
        tr,
        Date.now(),
      )!;
      expect(problems(refused.blocks), `${locale} window refused ${action}`).toEqual([]);
      expect(refused.text).toContain('`/migrate window remove w0a1b2c`');
      expect(refused.text).toContain('<@U0WINBOB1>');
    }
    // Failures at once in one channel: one listing post, every code, each with its Open button.
    const failures = Array.from({ length: 60 }, (_, i) => ({
      name: `${LONG}-${i}`,
      connection: 'hw-prod',
      kind: 'task' as const,
      id: String(191297407830000 + i),
      progress: 0.45,
      code: CODES[i % CODES.length],
      message: LONG,
    }));
    const listing = renderWatchNotification({ kind: 'failures', items: failures }, tr);
    expect(problems(listing.blocks), `${locale} failure listing`).toEqual([]);
    expect(JSON.stringify(listing.blocks)).toContain('TRF.0015');
    expect(JSON.stringify(listing.blocks)).toContain('hw-prod:191297407830000');
  });
});
