import { describe, expect, it } from 'vitest';
import { useWalkedPage, WAIT_MS } from './walked-page.js';

/**
 * The playground page in headless Chromium: what a person asks in the channel and what they see
 * answered, against the real bot, the fake Slack and the three seeded simulators: `/migrate list`
 * only to the person who asked, a status by prefix, Pause behind its confirmation, a failed task
 * explained, and each person's own Slack language. Each step saves a screenshot under
 * test-artifacts/playground/.
 */

const screen = useWalkedPage();
const { actAs, message, shot, type } = screen;

describe('the playground page, driven in a browser: answers in the channel', { timeout: 180_000 }, () => {
  it('1. /migrate list shows every provider, only to the person who asked', async () => {
    await type('/migrate list');
    const list = await message('media-s3-to-ncp');
    const text = await list.innerText();
    for (const name of ['photos-aws-to-obs', 'catalog-images-by-list', 'media-s3-to-ncp', 'eu-archive-move'])
      expect(text).toContain(name);
    expect(text).toContain('Only visible to you');
    expect(text).toContain('You used /migrate list');
    expect(await list.locator('.bk-button', { hasText: 'Open' }).count()).toBeGreaterThanOrEqual(8);
    await shot('01-list');

    // Ephemeral: Bob does not see Alice's answer.
    await actAs('Bob');
    await expect
      .poll(() => screen.page.locator('#messages .message', { hasText: 'media-s3-to-ncp' }).count())
      .toBe(0);
    await actAs('Alice');
  });

  it('2. status by prefix: an ambiguous prefix offers candidates, and Open shows the card', async () => {
    await type('/migrate status 1912');
    const choices = await message(/"1912" matches \d+ resources/);
    await shot('02-status-prefix-choices');
    // Each candidate is a line with its name and state, and a short button beside it (issue 39).
    await choices
      .locator('.block-section', { hasText: 'photos-aws-to-obs' })
      .locator('.bk-button', { hasText: 'Open' })
      .click();

    const card = await message(/photos-aws-to-obs[\s\S]*Source/);
    const text = await card.innerText();
    expect(text).toContain('Migrating');
    expect(text).toContain('acme-photos');
    expect(text).toContain('hw-sim:191297407830872');
    expect(await card.locator('.block-header').innerText()).toBe('photos-aws-to-obs');
    await expect.poll(() => card.locator('.bk-button', { hasText: 'Pause' }).count()).toBe(1);
    await shot('02-status-card');
  });

  it('3. pause asks for confirmation, then the card is updated in place', async () => {
    const card = await message(/photos-aws-to-obs[\s\S]*Source/);
    const ts = await card.getAttribute('data-ts');
    // (The watcher may post about invoices-azure meanwhile: those messages are not counted.)
    const others = screen.page.locator('#messages .message').filter({ hasNotText: 'invoices-azure' });
    const before = await others.count();
    await card.locator('.bk-button', { hasText: 'Pause' }).click();

    const dialog = screen.page.locator('#confirm-layer .confirm');
    await dialog.waitFor();
    expect(await dialog.locator('.confirm-title').innerText()).toBe('Pause task?');
    expect(await dialog.locator('.confirm-text').innerText()).toContain('Pause photos-aws-to-obs?');
    expect(await dialog.locator('.confirm-deny').innerText()).toBe('Keep it');
    await shot('03-pause-confirm');

    // "Keep it" sends nothing.
    await dialog.locator('.confirm-deny').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await card.innerText()).not.toContain('by @Alice');

    await card.locator('.bk-button', { hasText: 'Pause' }).click();
    await screen.page.locator('#confirm-layer .confirm-yes').click();
    const updated = screen.page
      .locator(`#messages .message[data-ts="${ts}"]`)
      .filter({ hasText: /Pausing… requested by @Alice/i });
    await updated.waitFor();
    expect(await updated.innerText()).toMatch(/Pausing|Paused/);
    expect(await others.count()).toBe(before);
    await shot('03-paused-in-place');
  });

  it('5. a failed task is explained: error code, what it means and the fix', async () => {
    await type('/migrate status 2044');
    const card = await message(/catalog-images-by-list[\s\S]*Last error/);
    const text = await card.innerText();
    expect(text).toContain('Failed');
    expect(text).toContain('TRF.0013');
    expect(text).toContain('lists/catalog-2026.txt does not exist');
    expect(text).toMatch(/Last error: TRF\.0013 The object list file does not exist/);
    expect(text).toMatch(/Fix:.*Ensure that the object list file exists/);
    // A missing list file: retrying the failed objects cannot help, so it is not offered (issue 39).
    await expect.poll(() => card.locator('.bk-button', { hasText: 'Resume' }).count()).toBe(1);
    expect(await card.locator('.bk-button', { hasText: 'Retry failed objects' }).count()).toBe(0);
    await card.scrollIntoViewIfNeeded();
    await shot('05-failure-explained');
  });

  it('10. each person has their own Slack language: the same card and the create form in Korean and Chinese', async () => {
    await actAs('Alice');
    const language = screen.page.locator('#language-switch');
    try {
      for (const [locale, data, name, newMigration] of [
        ['ko-KR', '데이터', '10-status-ko', '새 마이그레이션'],
        ['zh-CN', '数据', '10-status-zh-CN', '新建迁移'],
      ] as const) {
        await language.selectOption(locale);
        // Slack tells the app (`user_change`); the next answer is in the new language.
        await expect.poll(() => language.inputValue()).toBe(locale);
        await type('/migrate status 191297407830872');
        const card = screen.page
          .locator('#messages .message.is-ephemeral')
          .filter({ hasText: 'photos-aws-to-obs' })
          .filter({ hasText: data })
          .last();
        await card.waitFor({ timeout: WAIT_MS });
        // Ids and names are never translated.
        expect(await card.innerText()).toContain('hw-sim:191297407830872');
        await card.scrollIntoViewIfNeeded();
        await shot(name);

        // Modals follow the viewer too: the create picker in their language.
        await type('/migrate create');
        const modal = screen.page.locator('#modal-layer .modal');
        await modal.locator('.modal-title', { hasText: newMigration }).waitFor({ timeout: WAIT_MS });
        await shot(`${name.replace('status', 'create')}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });
      }
    } finally {
      await language.selectOption('en-US');
    }
  });
});
