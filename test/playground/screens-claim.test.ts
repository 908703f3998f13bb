import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground } from '../../dev/playground/start-playground.js';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';

/**
 * Issue 39 item 2 as people see it: a failure post someone claimed with "I'm on it", at a
 * desk (1280 px) and on a phone (390×844), in English and Korean.
 * Screenshots go to test-artifacts/screens/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-artifacts', 'screens');
const WAIT_MS = 45_000;
const DESK = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let playground: Awaited<ReturnType<typeof startPlayground>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
  mkdirSync(SHOTS, { recursive: true });
  playground = await startPlayground({ PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
    timeout: 30_000,
  });
  page = await browser.newPage({ viewport: DESK });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(playground.info.pageUrl);
  await page.locator('#live-label', { hasText: 'live' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

async function type(text: string): Promise<void> {
  await page.locator('#composer-input').fill(text);
  await page.locator('#composer-input').press('Enter');
}

async function message(text: string | RegExp): Promise<Locator> {
  const found = page.locator('#messages .message').filter({ hasText: text }).last();
  await found.waitFor();
  return found;
}

async function actAs(name: string): Promise<void> {
  await page.locator('.user-button', { hasText: name }).click();
  await page.locator('.user-button[aria-pressed="true"]', { hasText: name }).waitFor();
}

/** The message at the desk and on the phone, scrolled into view. */
async function shoot(found: Locator, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desk', DESK],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await found.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`) });
    // Nothing spills sideways on a phone.
    const box = await found.boundingBox();
    if (size === 'phone') expect(box && box.x + box.width <= viewport.width + 1).toBe(true);
  }
  await page.setViewportSize(DESK);
}

/** Presses the claim button on the post and waits for the post, edited in place, to name Alice. */
async function claim(post: Locator, label: string, onIt: RegExp): Promise<void> {
  await post.locator('.bk-button', { hasText: label }).first().click();
  await expect.poll(async () => post.innerText(), { timeout: WAIT_MS }).toMatch(onIt);
}

describe('issue 39 item 2 at desk and phone width', { timeout: 150_000 }, () => {
  it('a claimed failure post in English: who is on it, and Hand back', async () => {
    const post = page
      .locator('#messages .message')
      .filter({ hasText: 'replied to a thread' })
      .filter({ hasText: /TRF\.0015/ })
      .first();
    await post.waitFor({ timeout: 60_000 });
    await claim(post, "I'm on it", /is on it/);
    expect(await post.locator('.bk-button', { hasText: 'Hand back' }).count()).toBe(1);
    await shoot(post, 'claimed-failure-en');
  });

  it('a claimed failure post in Korean', async () => {
    const language = page.locator('#language-switch');
    try {
      await language.selectOption('ko-KR');
      await expect.poll(() => language.inputValue()).toBe('ko-KR');
      // The channel reads Korean from now on (an admin sets it); a second task fails the same way.
      await actAs('Dana');
      await type('/migrate settings language ko');
      await message(/Channel posts now use|채널 게시물/);
      await actAs('Alice');
      const task = playground.simulators.oms.addTask({
        name: 'invoices-claimed-kr',
        status: 2,
        progress: 0.12,
        totalSize: 48 * GiB,
        totalNum: 310_000,
        failAt: 0.14,
        failCode: 'TRF.0015',
        failMessage: 'The source AK/SK is invalid or has expired.',
        src: { cloud_type: 'Azure', region: 'westeurope', bucket: 'invoices' },
        dst: { region: 'cn-north-4', bucket: 'invoices-obs' },
      });
      await type(`/migrate watch hw-sim:${task.id}`);
      const post = page
        .locator('#messages .message')
        .filter({ hasText: 'invoices-claimed-kr' })
        // The post, not the channel's card (which starts with the watch notice and has the button too).
        .filter({ hasNotText: '◉' })
        .filter({ hasText: /TRF\.0015/ })
        .last();
      // Its button is relabelled once claimed: wait for it with the button, then follow it without.
      await post.filter({ hasText: '제가 맡겠습니다' }).waitFor({ timeout: 60_000 });
      await claim(post, '제가 맡겠습니다', /맡았습니다/);
      await shoot(post, 'claimed-failure-ko');
    } finally {
      await language.selectOption('en-US');
    }
  });
});
