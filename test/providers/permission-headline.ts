import { expect } from 'vitest';
import type { ProviderError } from '../../src/errors.js';
import { translatorFor } from '../../src/i18n/translator.js';
import { renderError } from '../../src/slack/blocks/error-message.js';

/**
 * `error` as a refused request (keys that work but may not do this): in no language shown with the
 * keys' lock, and in English headlined and advised as a permission, never as refused credentials.
 */
export function expectShownAsPermission(error: ProviderError): void {
  for (const locale of ['en', 'ko', 'zh-CN'] as const) {
    const shown = renderError(error, 'op-1', translatorFor(locale)).text;
    expect(shown).not.toContain(':lock:');
    if (locale === 'en') {
      expect(shown).not.toMatch(/rejected the connection's credentials|keys were refused/);
      expect(shown).toMatch(/lack of permission/);
      expect(shown).toMatch(/Next step:.*lack the right/);
    }
  }
}
