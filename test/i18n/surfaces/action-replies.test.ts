import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderActed, renderDeletePlan, renderWatched } from '../../../src/slack/blocks/use-case-replies.js';
import { LONG, problems, resource } from './fixtures.js';

// Replies to actions, watches and deletes in every language within Slack's limits.
describe.each(LOCALES)('replies to actions, watches and deletes in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';

  it('acted (done and under way), watched (new, repaired, already, busy), delete plans, within limits', () => {
    const long = { name: LONG };
    const replies = [
      ...(['pause', 'resume', 'retry', 'delete', 'cancel'] as const).map((action) =>
        renderActed(
          {
            action,
            resource: resource('running', long),
            after: resource('paused', long),
            actions: ['resume'],
          },
          { userId: 'U0ALICE01', opId: 'op12345' },
          tr,
          Date.now(),
        ),
      ),
      renderActed(
        {
          action: 'pause',
          resource: resource('running', long),
          after: resource('pausing', long),
          actions: [],
        },
        { userId: 'U0ALICE01', opId: 'op12345' },
        tr,
        Date.now(),
      ),
      ...[
        { created: true, posted: true },
        { created: true, posted: false },
        { created: false, posted: true, repaired: true },
        { created: false, posted: true },
      ].map((result) =>
        renderWatched({ resource: resource('running', long), channelId: 'C0FAKE001', result } as never, tr),
      ),
      renderDeletePlan(
        { resource: resource('paused', long), actions: ['delete'], destructive: 'delete' },
        tr,
        Date.now(),
      ),
      renderDeletePlan(
        { resource: resource('running', long), actions: ['pause'], destructive: undefined },
        tr,
        Date.now(),
      ),
    ];
    for (const reply of replies) {
      expect(reply.text.length).toBeLessThanOrEqual(3000 + LONG.length);
      if (reply.blocks) expect(problems(reply.blocks)).toEqual([]);
      const text = JSON.stringify(reply);
      expect(text).toContain('hw-prod');
      if (other)
        expect(text).not.toMatch(
          / by <@|Watching|already watched|Press the button|cannot be deleted|requested by/,
        );
    }
  });
});
