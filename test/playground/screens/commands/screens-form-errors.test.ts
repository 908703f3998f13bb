import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

/**
 * Issue 39 item 6 as people see it: a create form answered with errors, each at its field, in the
 * requester's language, at a desk (1280 px) and on a phone (390×844), in English and Korean.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, shoot } = screen;

describe('create form errors at desk and phone width', { timeout: 150_000 }, () => {
  for (const [locale, tag, title, submit, titleError, bucketError] of [
    [
      'en-US',
      'en',
      'New NCP policy',
      'Request approval',
      'may contain only letters',
      'bucket names use only lowercase letters',
    ],
    ['ko-KR', 'ko', '새 NCP 정책', '승인 요청', '만 쓸 수 있습니다', '버킷 이름에는 영문 소문자'],
  ] as const) {
    it(`${locale}: the NCP form's errors under their fields, in words`, async () => {
      const { page } = screen;
      const language = page.locator('#language-switch');
      try {
        await language.selectOption(locale);
        await expect.poll(() => language.inputValue()).toBe(locale);
        await type('/migrate create ncp-sim');
        const modal = page.locator('#modal-layer .modal');
        await modal.locator('.modal-title', { hasText: title }).waitFor();
        const field = (blockId: string) => modal.locator(`[data-block-id="${blockId}"] input.bk-input`);
        await field('title').fill('photos 2024!');
        await field('src_region').fill('ap-northeast-2');
        await field('src_bucket').fill('media-assets');
        await field('dst_bucket').fill('My_Bucket');
        await modal.locator('.modal-submit', { hasText: submit }).click();
        const error = (blockId: string, text: string) =>
          modal.locator(`[data-block-id="${blockId}"] .input-error`, { hasText: text });
        await error('title', titleError).waitFor();
        await error('dst_bucket', bucketError).waitFor();
        if (tag === 'ko') {
          for (const text of await modal.locator('.input-error').allInnerTexts())
            expect(text).not.toMatch(/\b(must|may|only|required|bucket names)\b/);
          // Slack's client marks optional inputs in its own language; the playground does too.
          expect(await modal.innerText()).toContain('(선택 사항)');
          expect(await modal.innerText()).not.toContain('(optional)');
        }
        await shoot(modal, `create-form-errors-${tag}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });
      } finally {
        await language.selectOption('en-US');
      }
    });
  }
});
