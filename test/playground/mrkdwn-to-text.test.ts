import { describe, expect, it } from 'vitest';
import { mrkdwnToText } from '../../dev/playground/mrkdwn-to-text.js';

describe('mrkdwn in the terminal (npm run try)', () => {
  it('drops emphasis markers, shows emoji, labels and date fallbacks', () => {
    expect(
      mrkdwnToText(
        ':x: *photos-aws-to-obs* failed at _38%_ — <https://x.test/t|open> by <@U0BOB|bob> in <#C0MIG|migrations> <!date^1700000000^{time}|08:41>',
      ),
    ).toBe('❌ photos-aws-to-obs failed at 38% — open (https://x.test/t) by @bob in #migrations 08:41');
  });

  it('keeps times and bucket names with colons or asterisks intact', () => {
    expect(mrkdwnToText('window 00:00-06:00, prefix a*b, `logs/*`')).toBe(
      'window 00:00-06:00, prefix a*b, logs/*',
    );
  });

  it('bolds in a terminal that understands ANSI', () => {
    expect(mrkdwnToText('*Failed*', { ansi: true })).toBe('\u001b[1mFailed\u001b[22m');
  });
});
