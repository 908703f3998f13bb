import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

/**
 * Issue #51 items 4 and 9 as people see them: the OMS create form marks what the chosen task type
 * needs (no "(optional)" on a field it then refuses as missing), is redrawn when the type changes,
 * and answers problems under their fields in words (a bandwidth window as the form labels it), at
 * a desk (1280 px) and on a phone (390×844), in English and Korean. Screenshots go to
 * test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, shoot } = screen;

describe('the OMS create form says what the task type needs', { timeout: 180_000 }, () => {
  for (const [locale, tag, optional, listType, listFileError, windowError] of [
    [
      'en-US',
      'en',
      '(optional)',
      'Object list file',
      'List file must be written <OBS bucket>/<object key>',
      'Window 1: start and end must differ.',
    ],
    [
      'ko-KR',
      'ko',
      '(선택 사항)',
      '객체 목록 파일',
      '목록 파일은 <OBS 버킷>/<객체 키> 형식으로 적으세요',
      '1번째 시간대: 시작과 끝이 같을 수 없습니다.',
    ],
  ] as const) {
    it(`${locale}: required as the type needs, redrawn on a new type, errors at their fields`, async () => {
      const { page } = screen;
      const language = page.locator('#language-switch');
      try {
        await language.selectOption(locale);
        await expect.poll(() => language.inputValue()).toBe(locale);
        await type('/migrate create hw-sim task');
        const modal = page.locator('#modal-layer .modal');
        const block = (id: string) => modal.locator(`[data-block-id="${id}"], [data-block-id^="${id}."]`);
        const marked = (id: string) => block(id).locator('.input-optional');
        await block('task_type').waitFor();
        // Prefixes (the default): the source region and bucket are needed, so not "(optional)".
        await expect.poll(() => marked('src_region').count()).toBe(0);
        expect(await marked('src_bucket').count()).toBe(0);
        expect((await marked('list_file').innerText()).trim()).toBe(optional);
        await shoot(modal, `create-form-needs-prefix-${tag}`);

        // An object list: the form is redrawn, and now the list file is needed too.
        await block('task_type').locator('select').selectOption({ label: listType });
        await expect.poll(() => marked('list_file').count()).toBe(0);
        expect(await marked('src_region').count()).toBe(0);
        await block('src_region').locator('select').selectOption({ index: 1 });
        const bucket = block('src_bucket').locator('input');
        await bucket.fill('acme');
        await block('src_bucket').locator('.bk-menu-item').first().click();
        await block('list_file').locator('input').fill('nobucket');
        await block('dst_bucket').locator('input').fill('photos-obs');
        await block('bandwidth').locator('textarea').fill('23:00-23:00=10MB/s');
        await shoot(block('list_file'), `create-form-needs-list-${tag}`);
        await modal.locator('.modal-submit').click();
        const error = (id: string, text: string) => block(id).locator('.input-error', { hasText: text });
        await error('list_file', listFileError).waitFor();
        await error('bandwidth', windowError).waitFor();
        for (const text of await modal.locator('.input-error').allInnerTexts()) {
          expect(text).not.toMatch(/bandwidth_policy|max_bandwidth|\[\d\]/);
          if (tag === 'ko') expect(text).not.toMatch(/\b(must|needs|Window|start)\b/);
        }
        await shoot(block('list_file'), `create-form-needs-errors-${tag}`);
        await shoot(block('bandwidth'), `create-form-needs-window-${tag}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });
      } finally {
        await language.selectOption('en-US');
      }
    });
  }
});
