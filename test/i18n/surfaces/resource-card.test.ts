import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderFailureExplanation } from '../../../src/slack/blocks/failure-explanation.js';
import { renderResourceCard, whoActed } from '../../../src/slack/blocks/resource-card.js';
import { CODES, LONG, problems, resource, STATES } from './fixtures.js';

// A resource's card and a failure's explanation, in every language within Slack's limits, and
// what stays as it is in each (the code, ids and bucket names).
describe.each(LOCALES)('the resource card in %s keeps within Slack limits', (locale) => {
  const tr = translatorFor(locale);

  it('resource cards in every state, with every button', () => {
    for (const state of STATES) {
      const blocks = renderResourceCard(resource(state), ['pause', 'resume', 'retry', 'delete', 'cancel'], {
        tr,
        notice: LONG,
        acted: whoActed(resource(state), { action: 'pause', by: 'U0BOB0001', at: Date.now() - 60_000 }, tr),
        checkedAt: new Date(Date.now() - 3_600_000),
        now: Date.now(),
      });
      expect(problems(blocks), `${locale} ${state}`).toEqual([]);
      const text = JSON.stringify(blocks);
      expect(text).toContain('hw-prod:191297407830872');
      expect(text).toContain('`TRF.0015`');
      expect(text).toContain('acme-photos');
    }
  });

  it('failure explanations for long catalogue entries, unknown codes and long provider messages', () => {
    for (const code of CODES) {
      for (const canFixConnection of [false, true]) {
        const { blocks } = renderFailureExplanation(
          {
            code,
            httpStatus: 403,
            providerMessage: 'z'.repeat(2000),
            canFixConnection,
            failedObjectList: { path: LONG, bucket: LONG },
            tr,
          },
          `:x: *${LONG}* failed`,
        );
        expect(problems(blocks), `${locale} ${code}`).toEqual([]);
        expect(JSON.stringify(blocks)).toContain(code === 'NOPE.42' ? 'NOPE.42' : `\`${code}\``);
        // The next step is never cut off by a long translation.
        expect(JSON.stringify(blocks)).toContain(tr.t('failure.nextStep', { advice: '' }).trim());
      }
    }
  });
});

describe('the same surface differs by language and keeps what is not translated', () => {
  it('a card in Korean and in Chinese', () => {
    const ko = JSON.stringify(
      renderResourceCard(resource('paused'), ['resume'], { tr: translatorFor('ko'), now: Date.now() }),
    );
    const zh = JSON.stringify(
      renderResourceCard(resource('paused'), ['resume'], { tr: translatorFor('zh-CN'), now: Date.now() }),
    );
    const en = JSON.stringify(renderResourceCard(resource('paused'), ['resume'], { now: Date.now() }));
    expect(ko).toContain('일시 중지됨');
    expect(ko).toContain('*해결 방법:*');
    expect(zh).toContain('已暂停');
    expect(zh).toContain('*解决方法：*');
    expect(en).toContain('Paused');
    for (const text of [ko, zh, en]) {
      expect(text).toContain('`TRF.0015`');
      expect(text).toContain('The source AK is wrong');
      expect(text).toContain('photos-obs');
    }
  });
});
