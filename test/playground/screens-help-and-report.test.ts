import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground } from '../../dev/playground/start-playground.js';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';

/**
 * Issue 39 item 6 as people see them: the help screen and a completion report with its chart, at a
 * desk (1280 px) and on a phone (390×844), in English and Korean. Screenshots go to
 * test-artifacts/screens/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-artifacts', 'screens');
const WAIT_MS = 45_000;
const DESK = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const MiB = 1024 ** 2;

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

async function message(text: string | RegExp, timeout = WAIT_MS): Promise<Locator> {
  const found = page.locator('#messages .message').filter({ hasText: text }).last();
  await found.waitFor({ timeout });
  return found;
}

/** The messages at the desk and on the phone, the first scrolled into view; nothing spills sideways. */
async function shoot(found: Locator[], name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desk', DESK],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await found.at(-1)!.scrollIntoViewIfNeeded();
    await found[0]!.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`) });
    for (const one of found) {
      const box = await one.boundingBox();
      if (size === 'phone') expect(box && box.x + box.width <= viewport.width + 1).toBe(true);
    }
  }
  await page.setViewportSize(DESK);
}

async function actAs(name: string): Promise<void> {
  await page.locator('.user-button', { hasText: name }).click();
  await page.locator('.user-button[aria-pressed="true"]', { hasText: name }).waitFor();
}

/** A task about 13 s from its end at 64 MiB/s, watched here until its report and chart come. */
async function finishedReport(name: string, reportText: RegExp): Promise<[Locator, Locator]> {
  const task = playground.simulators.oms.addTask({
    name,
    status: 2,
    progress: 0.6,
    totalSize: 2 * GiB,
    totalNum: 20_000,
    speed: 64 * MiB,
    src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'acme-photos' },
    dst: { region: 'cn-north-4', bucket: 'acme-photos-obs' },
  });
  await type(`/migrate watch hw-sim:${task.id}`);
  // The report and the chart go to the card's thread: open it once the card has replies.
  const card = page
    .locator('#messages .message')
    .filter({ hasText: name })
    .filter({ has: page.locator('.thread-summary') })
    .last();
  await card.waitFor({ timeout: 90_000 });
  await card.locator('.thread-summary').click();
  const thread = page.locator('#thread-messages .message');
  const report = thread.filter({ hasText: reportText }).last();
  await report.waitFor({ timeout: 90_000 });
  const chart = thread.filter({ has: page.locator('img[src*="/files/"]') }).last();
  await chart.waitFor({ timeout: 30_000 });
  // Loaded, so the screenshot shows the chart and not an empty frame.
  await expect
    .poll(() =>
      chart.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    )
    .toBeGreaterThan(0);
  return [report, chart];
}

describe('issue 39 help and report at desk and phone width', { timeout: 240_000 }, () => {
  it('the help screen in English: short, with buttons', async () => {
    await type('/migrate help');
    const help = await message(/What failed/);
    expect(await help.locator('.bk-button').allInnerTexts()).toEqual(
      expect.arrayContaining(['What failed', 'What is running', 'All commands']),
    );
    expect(await help.innerText()).not.toContain('hw-prod');
    await shoot([help], 'help-en');
  });

  it('the completion report in English: the average the card showed, a peak, a readable chart', async () => {
    const [report, chart] = await finishedReport('q4-photo-backfill', /Report for q4-photo-backfill/);
    const text = await report.innerText();
    expect(text).toMatch(/Peak\s+6\d\.\d MiB\/s/);
    expect(text).not.toMatch(/\d{3}\.\d MiB\/s/);
    await shoot([report, chart], 'report-en');
  });

  it('the help screen and the completion report in Korean', async () => {
    const language = page.locator('#language-switch');
    try {
      // The English report's thread is still open; on a phone it would cover the channel.
      if (await page.locator('#thread').isVisible()) await page.locator('#thread-close').click();
      await language.selectOption('ko-KR');
      await expect.poll(() => language.inputValue()).toBe('ko-KR');
      await type('/migrate help');
      const help = await message(/실패한 항목/);
      await shoot([help], 'help-ko');
      // The report is in the channel's language, which an admin sets.
      await actAs('Dana');
      await type('/migrate settings language ko');
      await message(/한국어/);
      await actAs('Alice');
      const [report, chart] = await finishedReport('사진-백필', /사진-백필 보고서/);
      expect(await report.innerText()).toMatch(/최고\s+6\d\.\d MiB\/s/);
      await shoot([report, chart], 'report-ko');
    } finally {
      await actAs('Dana');
      await type('/migrate settings language en');
      await actAs('Alice');
      await language.selectOption('en-US');
    }
  });
});
