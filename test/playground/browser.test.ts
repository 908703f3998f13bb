import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground } from '../../dev/playground/start-playground.js';
import { openPlaygroundPage } from '../harness/playground/chromium-page.js';

/**
 * The playground page in headless Chromium (Debian's `chromium`, driven by playwright-core),
 * against the real bot, the fake Slack and the three seeded simulators. Each step asserts on the
 * rendered page and saves a screenshot under test-artifacts/playground/.
 */

const SHOTS = path.resolve('test-artifacts', 'playground');
// Generous: the full suite runs test files in parallel on 2 cores, next to CPU-bound fuzzing, so
// the page can be slow to update (20 s was once not enough). A passing run waits far less.
const WAIT_MS = 45_000;

let playground: Awaited<ReturnType<typeof startPlayground>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  playground = await startPlayground({ PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent' });
  ({ browser, page } = await openPlaygroundPage(playground.info.pageUrl, WAIT_MS, [
    '--disable-quic',
    '--disable-component-update',
    '--disable-sync',
  ]));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * A shot of one message. The page draws the whole list again on every Slack event, so under load
 * the element found can be replaced while Playwright waits for it to be stable: find it again.
 */
async function shotOf(message: Locator, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await message.screenshot({ path: path.join(SHOTS, `${name}.png`) });
      return;
    } catch (error) {
      if (attempt >= 3 || !/not attached/.test(String(error))) throw error;
    }
  }
}

async function type(text: string): Promise<void> {
  await page.locator('#composer-input').fill(text);
  await page.locator('#composer-input').press('Enter');
}

/** The newest message in the channel that contains `text`, once it is there. */
async function message(text: string | RegExp, timeout?: number): Promise<Locator> {
  const found = page.locator('#messages .message').filter({ hasText: text }).last();
  await found.waitFor(timeout === undefined ? undefined : { timeout });
  return found;
}

async function actAs(name: string): Promise<void> {
  await page.locator('.user-button', { hasText: name }).click();
  await page.locator('.user-button[aria-pressed="true"]', { hasText: name }).waitFor();
}

describe('the playground page, driven in a browser', { timeout: 180_000 }, () => {
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
      .poll(() => page.locator('#messages .message', { hasText: 'media-s3-to-ncp' }).count())
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
    const others = page.locator('#messages .message').filter({ hasNotText: 'invoices-azure' });
    const before = await others.count();
    await card.locator('.bk-button', { hasText: 'Pause' }).click();

    const dialog = page.locator('#confirm-layer .confirm');
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
    await page.locator('#confirm-layer .confirm-yes').click();
    const updated = page
      .locator(`#messages .message[data-ts="${ts}"]`)
      .filter({ hasText: /Pausing… requested by @Alice/i });
    await updated.waitFor();
    expect(await updated.innerText()).toMatch(/Pausing|Paused/);
    expect(await others.count()).toBe(before);
    await shot('03-paused-in-place');
  });

  it('4. create opens a modal; Bob approves the request as someone else', async () => {
    await type('/migrate create');
    const modal = page.locator('#modal-layer .modal');
    // Three connections: the picker comes first.
    await modal.locator('.modal-title', { hasText: 'New migration' }).waitFor();
    const target = modal.locator('[data-block-id="target"] select');
    const ncp = await target.locator('option', { hasText: 'ncp-sim' }).first().innerText();
    await target.selectOption({ label: ncp.trim() });
    await shot('04-create-choose');
    await modal.locator('.modal-submit', { hasText: 'Next' }).click();

    // The NCP form replaces the picker in the same modal; empty required fields are flagged locally.
    await modal.locator('.modal-title', { hasText: 'New NCP policy' }).waitFor();
    await modal.locator('.modal-submit', { hasText: 'Request approval' }).click();
    expect(await modal.locator('.input-error').count()).toBe(4);
    const field = (blockId: string) => modal.locator(`[data-block-id="${blockId}"] input.bk-input`);
    await field('title').fill('playground e2e!');
    await field('src_region').fill('ap-northeast-2');
    await field('src_bucket').fill('media-assets');
    await field('src_prefix').fill('2026/');
    await field('dst_bucket').fill('media-ncp');
    // The bot's own check: an invalid title comes back as an error under that field.
    await modal.locator('.modal-submit').click();
    await modal
      .locator('[data-block-id="title"] .input-error', { hasText: 'may contain only letters' })
      .waitFor();
    await field('title').fill('playground-e2e');
    await shot('04-create-form');
    await modal.locator('.modal-submit').click();
    await modal.waitFor({ state: 'detached' });

    // The request, in #migrations (the playground's approvals channel), names who asked.
    // Posted after the request's pre-flight reads the source: give it more under a loaded CI run
    // (the whole heavy project once waited past 45 s here; alone it takes a second or two).
    const request = await message(/Approve: new/, 90_000);
    const ts = await request.getAttribute('data-ts');
    const asked = await request.innerText();
    expect(asked).toContain('@Alice asks to create');
    expect(asked).toContain('playground-e2e');
    expect(asked).toContain('ncp-sim');
    expect(asked).toContain('AWS ap-northeast-2 · media-assets/2026/');
    expect(asked).toMatch(/asked .+ in #migrations · expires (today|tomorrow) at /);
    expect(await request.locator('.bk-button').allInnerTexts()).toEqual(['Approve', 'Reject']);
    await message(/Your request \S+ for a new .* is waiting for an approver in #migrations/);
    await shot('04-approval-requested');

    // Alice cannot approve her own request.
    await request.locator('.bk-button', { hasText: 'Approve' }).click();
    await page.locator('#confirm-layer .confirm-yes', { hasText: 'Approve and create' }).click();
    await message(/You asked for this migration yourself/);

    await actAs('Bob');
    await request.locator('.bk-button', { hasText: 'Approve' }).click();
    const confirm = page.locator('#confirm-layer .confirm');
    expect(await confirm.locator('.confirm-title').innerText()).toBe('Approve this migration?');
    await confirm.locator('.confirm-yes', { hasText: 'Approve and create' }).click();
    // The request message is edited in place: Bob's decision and what was created; no buttons left.
    const decided = page
      .locator(`#messages .message[data-ts="${ts}"]`)
      .filter({ hasText: /Approved by @Bob .* created ncp-sim:playground-e2e/ });
    await decided.waitFor();
    expect(await decided.locator('.bk-button').count()).toBe(0);
    expect(await decided.innerText()).toContain('(edited)');
    await message(
      /Approved\. Created ncp-sim:playground-e2e; its card is in #migrations and @Alice was told/,
    );
    // The new policy is watched where Alice asked: its card, kept current by the watcher.
    const card = await message(/Watched in this channel by @Alice: this card follows the policy/);
    expect(await card.locator('.block-header').innerText()).toBe('playground-e2e');
    expect(await card.innerText()).toContain('media-assets');
    await shot('04-approved-by-bob');

    await actAs('Alice');
    await card.scrollIntoViewIfNeeded();
    await shot('04-created-card-for-alice');
    // The decision reaches Alice as a direct message: the app's Messages tab (issue #13).
    await page.locator('.sidebar-item[data-nav="app"]').click();
    await page.locator('.tab[data-tab="messages"]').click();
    await page
      .locator('#dm-messages .message', {
        hasText: /@Bob approved your request \S+: the .* was created as ncp-sim:playground-e2e/,
      })
      .waitFor();
    await shot('04-approval-dm-for-alice');
    await page.locator('.tab[data-tab="home"]').click();
    await page.locator('.sidebar-item[data-nav="channel"]').click();
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

  it('6. the watcher posts a failure notification with its explanation', async () => {
    // The playground watches invoices-azure in #migrations from the start: its card is there, and
    // the task fails with TRF.0015 at 14 %, about 15 s after the playground started.
    const parent = page
      .locator('#messages .message:not(.is-ephemeral)')
      .filter({ hasText: /Watched in this channel: this card follows the task/ })
      .filter({ hasText: 'invoices-azure' });
    await parent.waitFor();
    expect(await parent.locator('.block-header').innerText()).toBe('invoices-azure');
    await type('/migrate watch 191297407830874');
    await message(/invoices-azure hw-sim:191297407830874 is already watched in #migrations/);

    // The failure: a thread reply also sent to the channel, explained from the catalogue.
    const failure = page
      .locator('#messages .message')
      .filter({ hasText: 'replied to a thread' })
      .filter({ hasText: /TRF\.0015/ });
    await failure.waitFor({ timeout: 60_000 });
    const text = await failure.innerText();
    // One explanation everywhere (issue #13): the code once, what it means, the fix; a credentials
    // failure offers Resume (after fixing the keys), not a retry of failed objects that cannot help.
    // What failed, when and what the code means lead the post (issue 39).
    expect(text).toMatch(/invoices-azure failed at 14%, .*: TRF\.0015 The source account/);
    expect(text.match(/TRF\.0015/g)).toHaveLength(1);
    expect(text).toMatch(/does not use Blob Storage/);
    expect(text).toMatch(/Fix:.*Enter a valid source account/);
    expect(await failure.locator('.bk-button', { hasText: 'Retry failed objects' }).count()).toBe(0);
    expect(await failure.locator('.bk-button', { hasText: 'Resume' }).count()).toBe(1);
    // The parent card is edited in place to the failed state, and counts its thread.
    await expect.poll(() => parent.innerText(), { timeout: WAIT_MS }).toMatch(/Failed/);
    expect(await parent.innerText()).toContain('(edited)');
    await expect.poll(() => parent.locator('.thread-summary').innerText()).toMatch(/\d+ repl/);
    await failure.scrollIntoViewIfNeeded();
    await shot('06-failure-notification');
    await shotOf(parent, '06-watch-card-failed');

    // The thread pane: the card, then the reply.
    await failure.locator('.broadcast-label').click();
    const thread = page.locator('#thread-messages');
    await thread.locator('.message').nth(1).waitFor();
    expect(await thread.locator('.message').first().locator('.block-header').innerText()).toBe(
      'invoices-azure',
    );
    expect(await thread.locator('.message', { hasText: /failed at 14%, / }).count()).toBe(1);
    // The completion report follows the failure in the thread, and its throughput chart is shared
    // there as an image (Slack's two-step upload, played by the fake Slack).
    const report = thread.locator('.message', { hasText: 'Report for invoices-azure' });
    await report.waitFor({ timeout: WAIT_MS });
    // The seeded task was 12 % done before it was watched: the report gives the watched duration and
    // bytes beside their average, so the three agree (issue 48), else the run's own.
    expect(await report.innerText()).toMatch(/(Duration|Watched for)[\s\S]*Average/);
    const chart = thread.locator('img.image-full');
    await chart.waitFor({ timeout: WAIT_MS });
    await expect
      .poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: WAIT_MS,
      })
      .toBeGreaterThan(300);
    await chart.scrollIntoViewIfNeeded();
    await shot('06-failure-thread');
    await page.locator('#thread-close').click();
  }, 45_000);

  it('7. the App Home tab is published for the person who opened it', async () => {
    await page.locator('.sidebar-item[data-nav="app"]').click();
    const home = page.locator('#home .blocks');
    await home.waitFor();
    await expect.poll(() => home.innerText()).toContain('hw-sim');
    const text = await home.innerText();
    expect(text).toContain('ncp-sim');
    expect(text).toContain('upcloud-sim');
    await shot('07-app-home');

    // Home buttons have no response_url: Open shows the card in a modal (a real views.open).
    const failed = page.locator('#home .block-section', { hasText: 'catalog-images-by-list' });
    await failed.locator('.bk-button', { hasText: 'Open' }).click();
    const modal = page.locator('#modal-layer .modal');
    await modal.waitFor();
    const card = await modal.innerText();
    expect(card).toContain('catalog-images-by-list');
    expect(card).toContain('TRF.0013');
    await shot('07-app-home-open-modal');
    await modal.locator('.modal-cancel').click();
    await modal.waitFor({ state: 'detached' });
    await page.locator('.sidebar-item[data-nav="channel"]').click();
  });

  it('8. modals render from views.open: inputs, selects, required fields and the errors an app returns', async () => {
    // Step 4 drives the bot's own modals; this one is opened the way the bot opens them (views.open
    // on the fake Slack with a trigger_id from Alice's request), with elements its forms do not use.
    const trigger = playground.conversation.newTrigger('U0ALICE01');
    const option = (text: string) => ({ text: { type: 'plain_text', text }, value: text });
    const res = await fetch(`${playground.fakeSlack.apiUrl}views.open`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${playground.bot.deps.config.slack.botToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        trigger_id: trigger,
        view: {
          type: 'modal',
          callback_id: 'playground-e2e',
          title: { type: 'plain_text', text: 'New migration' },
          submit: { type: 'plain_text', text: 'Request' },
          close: { type: 'plain_text', text: 'Cancel' },
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: 'An *approver* must approve it first.' } },
            {
              type: 'input',
              block_id: 'name',
              label: { type: 'plain_text', text: 'Name' },
              element: { type: 'plain_text_input', action_id: 'value' },
            },
            {
              type: 'input',
              block_id: 'connection',
              label: { type: 'plain_text', text: 'Connection' },
              element: {
                type: 'static_select',
                action_id: 'value',
                options: ['hw-sim', 'ncp-sim', 'upcloud-sim'].map(option),
              },
            },
            {
              type: 'input',
              block_id: 'bucket',
              label: { type: 'plain_text', text: 'Source bucket' },
              hint: { type: 'plain_text', text: 'Type to search the source account.' },
              element: { type: 'external_select', action_id: 'value' },
            },
            {
              type: 'input',
              block_id: 'start',
              optional: true,
              label: { type: 'plain_text', text: 'Start on' },
              element: { type: 'datepicker', action_id: 'value' },
            },
          ],
        },
      }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);

    const modal = page.locator('#modal-layer .modal');
    await modal.waitFor();
    expect(await modal.locator('.modal-title').innerText()).toBe('New migration');
    expect(await modal.locator('.input-label').allInnerTexts()).toEqual([
      'Name',
      'Connection',
      'Source bucket',
      'Start on (optional)',
    ]);

    // Required and empty: flagged on the page, nothing sent (as Slack does).
    await modal.locator('.modal-submit').click();
    expect(await modal.locator('.input-error').count()).toBe(3);
    await modal.locator('[data-block-id="name"] input').fill('photos-again');
    await modal.locator('[data-block-id="connection"] select').selectOption({ label: 'hw-sim' });

    // What `response_action: errors` from the bot does: the message under its field, input kept.
    const viewId = playground.conversation.snapshot().modals.U0ALICE01?.[0]?.id ?? '';
    playground.conversation.applyViewSubmissionAck(
      'U0ALICE01',
      viewId,
      JSON.stringify({ response_action: 'errors', errors: { bucket: 'No bucket named photos in hw-sim.' } }),
    );
    await modal
      .locator('[data-block-id="bucket"] .input-error', { hasText: 'No bucket named photos' })
      .waitFor();
    expect(await modal.locator('[data-block-id="name"] input').inputValue()).toBe('photos-again');
    await shot('08-modal-errors');

    await modal.locator('.modal-cancel').click();
    await modal.waitFor({ state: 'detached' });
  });
  it('10. each person has their own Slack language: the same card and the create form in Korean and Chinese', async () => {
    await actAs('Alice');
    const language = page.locator('#language-switch');
    try {
      for (const [locale, data, name, newMigration] of [
        ['ko-KR', '데이터', '10-status-ko', '새 마이그레이션'],
        ['zh-CN', '数据', '10-status-zh-CN', '新建迁移'],
      ] as const) {
        await language.selectOption(locale);
        // Slack tells the app (`user_change`); the next answer is in the new language.
        await expect.poll(() => language.inputValue()).toBe(locale);
        await type('/migrate status 191297407830872');
        const card = page
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
        const modal = page.locator('#modal-layer .modal');
        await modal.locator('.modal-title', { hasText: newMigration }).waitFor({ timeout: WAIT_MS });
        await shot(`${name.replace('status', 'create')}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });
      }
    } finally {
      await language.selectOption('en-US');
    }
  });

  it('9. at phone width (390×844): no sideways scrolling, dialogs centred, the thread as an overlay', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // The page itself never scrolls, either way: the messages and the thread scroll inside it.
      const noSidewaysScroll = () =>
        page.evaluate<boolean>(
          `document.documentElement.scrollWidth <= window.innerWidth + 1 &&
           document.documentElement.scrollHeight <= window.innerHeight + 1`,
        );
      await type('/migrate list');
      await message('media-s3-to-ncp');
      await shot('09-phone-list');
      expect(await noSidewaysScroll()).toBe(true);

      await type('/migrate status 191297407830877');
      const card = await message(/hw-sim:191297407830877/);
      await card.scrollIntoViewIfNeeded();
      await shot('09-phone-card');
      expect(await noSidewaysScroll()).toBe(true);
      // The channel is redrawn whole on any post: measure the card once it is shown again.
      await expect
        .poll(async () => {
          const box = await card.boundingBox();
          return box === null ? 'not shown' : box.x >= 0 && box.x + box.width <= 391;
        })
        .toBe(true);

      // A confirmation is centred on the screen (Pause asks first; cancelled here).
      await card.locator('.bk-button', { hasText: 'Pause' }).click();
      const dialog = page.locator('#confirm-layer .confirm');
      await dialog.waitFor();
      await shot('09-phone-confirm');
      const d = (await dialog.boundingBox())!;
      expect(Math.abs(d.x + d.width / 2 - 195)).toBeLessThanOrEqual(2);
      expect(d.x).toBeGreaterThanOrEqual(0);
      await page.locator('#confirm-layer .confirm-deny').click();
      await dialog.waitFor({ state: 'detached' });

      // The failure thread of step 6 opens over the channel, full width.
      await page.locator('#messages .message .thread-summary').last().click();
      const thread = page.locator('.thread');
      await thread.waitFor();
      await shot('09-phone-thread');
      expect((await thread.boundingBox())!.width).toBeGreaterThanOrEqual(389);
      expect(await noSidewaysScroll()).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
