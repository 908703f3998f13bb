import { describe, expect, it } from 'vitest';
import { useWalkedPage } from './walked-page.js';

/**
 * The playground page in headless Chromium: its modals and the App Home tab. The create form
 * requested, then approved by someone else, its decision in the channel and as a direct message;
 * the Home tab's Open as a modal; and a modal opened the way the bot opens them, with elements its
 * forms do not use. Each step saves a screenshot under test-artifacts/playground/.
 */

const screen = useWalkedPage();
const { actAs, message, shot, type } = screen;

describe('the playground page, driven in a browser: modals and the App Home', { timeout: 180_000 }, () => {
  it('4. create opens a modal; Bob approves the request as someone else', async () => {
    await type('/migrate create');
    const modal = screen.page.locator('#modal-layer .modal');
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
    await screen.page.locator('#confirm-layer .confirm-yes', { hasText: 'Approve and create' }).click();
    await message(/You asked for this migration yourself/);

    await actAs('Bob');
    await request.locator('.bk-button', { hasText: 'Approve' }).click();
    const confirm = screen.page.locator('#confirm-layer .confirm');
    expect(await confirm.locator('.confirm-title').innerText()).toBe('Approve this migration?');
    await confirm.locator('.confirm-yes', { hasText: 'Approve and create' }).click();
    // The request message is edited in place: Bob's decision and what was created; no buttons left.
    const decided = screen.page
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
    await screen.page.locator('.sidebar-item[data-nav="app"]').click();
    await screen.page.locator('.tab[data-tab="messages"]').click();
    await screen.page
      .locator('#dm-messages .message', {
        hasText: /@Bob approved your request \S+: the .* was created as ncp-sim:playground-e2e/,
      })
      .waitFor();
    await shot('04-approval-dm-for-alice');
    await screen.page.locator('.tab[data-tab="home"]').click();
    await screen.page.locator('.sidebar-item[data-nav="channel"]').click();
  });

  it('7. the App Home tab is published for the person who opened it', async () => {
    await screen.page.locator('.sidebar-item[data-nav="app"]').click();
    const home = screen.page.locator('#home .blocks');
    await home.waitFor();
    await expect.poll(() => home.innerText()).toContain('hw-sim');
    const text = await home.innerText();
    expect(text).toContain('ncp-sim');
    expect(text).toContain('upcloud-sim');
    await shot('07-app-home');

    // Home buttons have no response_url: Open shows the card in a modal (a real views.open).
    const failed = screen.page.locator('#home .block-section', { hasText: 'catalog-images-by-list' });
    await failed.locator('.bk-button', { hasText: 'Open' }).click();
    const modal = screen.page.locator('#modal-layer .modal');
    await modal.waitFor();
    const card = await modal.innerText();
    expect(card).toContain('catalog-images-by-list');
    expect(card).toContain('TRF.0013');
    await shot('07-app-home-open-modal');
    await modal.locator('.modal-cancel').click();
    await modal.waitFor({ state: 'detached' });
    await screen.page.locator('.sidebar-item[data-nav="channel"]').click();
  });

  it('8. modals render from views.open: inputs, selects, required fields and the errors an app returns', async () => {
    // Step 4 drives the bot's own modals; this one is opened the way the bot opens them (views.open
    // on the fake Slack with a trigger_id from Alice's request), with elements its forms do not use.
    const trigger = screen.playground.conversation.newTrigger('U0ALICE01');
    const option = (text: string) => ({ text: { type: 'plain_text', text }, value: text });
    const res = await fetch(`${screen.playground.fakeSlack.apiUrl}views.open`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${screen.playground.bot.deps.config.slack.botToken}`,
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

    const modal = screen.page.locator('#modal-layer .modal');
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
    const viewId = screen.playground.conversation.snapshot().modals.U0ALICE01?.[0]?.id ?? '';
    screen.playground.conversation.applyViewSubmissionAck(
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
});
