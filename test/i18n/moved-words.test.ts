import { describe, expect, it } from 'vitest';
import { Capabilities } from '../../src/capabilities/capabilities.js';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { OutcomeUnknownError } from '../../src/errors.js';
import { english, type MessageKey } from '../../src/i18n/english.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES, translatorFor } from '../../src/i18n/translator.js';
import { errorText } from '../../src/slack/blocks/create/flow-modals.js';
import { renderError } from '../../src/slack/blocks/error-message.js';

/**
 * A key a capability took into its own words (`approval.start.interrupted`, now in
 * `capabilities/approvals/words/`) is still named by what was stored before: an approval's
 * failure, an error's `localized`, read back from JSON without its catalogue. Core code renders
 * those with the bot's translator, which says them once the bot's capabilities are listed
 * (`joined-words.ts`), in every language, and the logs' English says them too.
 */
const KEY = 'approval.start.interrupted';

/** The error as a stored record gives it back: its key and values, not the catalogue it came from. */
function storedError(): OutcomeUnknownError {
  const stored = JSON.parse(JSON.stringify({ localized: { key: KEY } })) as { localized: { key: string } };
  const error = new OutcomeUnknownError('its start was interrupted');
  error.localized = stored.localized;
  return error;
}

describe('a stored key that moved into a capability’s words', () => {
  const approvals = CAPABILITIES.find((c) => c.name === 'approvals')!;
  new Capabilities(CAPABILITIES);

  it('left the bot’s catalogues for the capability’s', () => {
    for (const locale of LOCALES) {
      expect(Object.hasOwn(MESSAGES[locale], KEY), locale).toBe(false);
      expect(Object.hasOwn(approvals.words![locale], KEY), locale).toBe(true);
    }
  });

  it.each(LOCALES)('%s: still renders with the bot’s translator, in that language', (locale) => {
    const tr = translatorFor(locale);
    const want = approvals.words![locale][KEY]!;
    expect(tr.has(KEY)).toBe(true);
    expect(tr.t(KEY as MessageKey)).toBe(tr.with(approvals.words!).t(KEY as never));
    expect(errorText(storedError(), tr)).toBe(tr.with(approvals.words!).t(KEY as never));
    expect(renderError(storedError(), 'op-1', tr).text).toContain(want.slice(0, 12));
  });

  it('its English, for logs and the audit, is the capability’s', () => {
    expect(english(KEY as MessageKey)).toBe(approvals.words!.en[KEY]);
  });
});
