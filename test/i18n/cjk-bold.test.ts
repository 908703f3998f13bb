import { describe, expect, it } from 'vitest';
import { PLAN_WORDS } from '../../src/capabilities/plans/words.js';
import { spaceBoldBesideCjk } from '../../src/i18n/cjk-bold.js';
import { translatorFor } from '../../src/i18n/translator.js';

// Slack leaves a bold span's asterisks showing when the closing one touches a letter (Hangul and
// Han count) or an opening parenthesis (Block Kit Builder: `*N*(` is not bold, `*Y*)` is).
describe('bold in Korean and Chinese as Slack closes it', () => {
  it('spaces a bold span from the Hangul or the parenthesis right after it', () => {
    expect(spaceBoldBesideCjk('*viewer*입니다')).toBe('*viewer* 입니다');
    expect(spaceBoldBesideCjk('계획 *estate*(`p1`)을(를)')).toBe('계획 *estate* (`p1`)을(를)');
    // Closed already: a space, a closing parenthesis, a full stop.
    expect(spaceBoldBesideCjk('(*estate*) *a*. *b* c')).toBe('(*estate*) *a*. *b* c');
  });

  it('lays out the Korean plan created answer so its name is bold', () => {
    const said = translatorFor('ko').with(PLAN_WORDS).t('plan.created', {
      name: '*estate-end-ko-1*',
      id: '`p6fafd7`',
      plain: 'p6fafd7',
    });
    expect(said).toContain('계획 *estate-end-ko-1* (`p6fafd7`)을 만들었습니다');
  });
});
