import { describe, expect, it } from 'vitest';
import {
  renderSubscribed,
  renderSubscriptionList,
  renderUnsubscribed,
} from '../../../src/capabilities/subscriptions/subscription-blocks.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { problems } from './fixtures.js';

// Subscription replies in every language within Slack's limits.
describe.each(LOCALES)('subscription replies in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);

  it('subscription replies: every mode, a mode change, unsubscribing, a long list', () => {
    const sub = (i: number, mode: 'failures' | 'endings' | 'all') => ({
      teamId: 'T1',
      channelId: `C0CHAN${String(i).padStart(4, '0')}`,
      connection: 'hw-prod',
      ...(i % 2 ? { groupId: `group-${i}` } : {}),
      mode,
      by: 'U0ALICE01',
      createdAt: Date.UTC(2026, 0, 1),
    });
    const texts: string[] = [];
    for (const mode of ['failures', 'endings', 'all'] as const) {
      texts.push(renderSubscribed({ subscription: sub(1, mode), created: true }, tr).text);
      texts.push(
        renderSubscribed({ subscription: sub(2, mode), created: false, before: 'failures' }, tr).text,
      );
    }
    texts.push(renderUnsubscribed({ subscription: sub(3, 'all'), watches: 12 }, tr).text);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).toContain('hw-prod');
    }
    const list = renderSubscriptionList(
      Array.from({ length: 60 }, (_, i) => sub(i, 'endings')),
      undefined,
      tr,
    );
    expect(problems(list.blocks)).toEqual([]);
  });
});
