import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { closeThread, openCardThread, runningTask } from '../screen-page.js';

/**
 * Issue 39 item 6 as people see them: the help screen and a completion report with its chart, at a
 * desk (1280 px) and on a phone (390×844), in English and Korean. Screenshots go to
 * test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

/**
 * A task about 13 s from its end at 64 MiB/s, watched here until its report and chart come. On real
 * time (not moved with the playground's clock): the chart draws the throughput of the watcher's
 * cycles, a sample each, and a jump would leave it one sample.
 */
async function finishedReport(name: string, reportText: RegExp): Promise<[Locator, Locator]> {
  const task = runningTask(screen, name, 0.6);
  await type(`/migrate watch hw-sim:${task.id}`);
  // The report and the chart go to the card's thread: open it once the card has replies.
  const { page } = screen;
  await openCardThread(screen, name, 0);
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

/** The thread's completion post of the report just shown (the thread is open). */
async function completionPost(text: string): Promise<Locator> {
  const post = screen.page.locator('#thread-messages .message').filter({ hasText: text }).last();
  await post.waitFor({ timeout: 30_000 });
  return post;
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
    // The completion post above it says the same average and peak as the report.
    const post = await completionPost('q4-photo-backfill completed');
    const figures = (label: RegExp, from: string) => label.exec(from.replace(/\s+/g, ' '))?.[1];
    expect(figures(/Peak:? (\d+\.\d MiB\/s)/, await post.innerText())).toBe(
      figures(/Peak (\d+\.\d MiB\/s)/, text),
    );
    expect(figures(/Average[^:\d]*:? (\d+\.\d MiB\/s)/, await post.innerText())).toBe(
      figures(/Average[^\d]* (\d+\.\d MiB\/s)/, text),
    );
    await shoot([post], 'completion-post-en');
  });

  it('the help screen and the completion report in Korean', async () => {
    const { page } = screen;
    const language = page.locator('#language-switch');
    try {
      // The English report's thread is still open; on a phone it would cover the channel.
      await closeThread(page);
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
      const post = await completionPost('사진-백필 완료');
      expect(await post.innerText()).toMatch(/최고 속도: 6\d\.\d MiB\/s/);
      await shoot([post], 'completion-post-ko');
    } finally {
      await actAs('Dana');
      await type('/migrate settings language en');
      await actAs('Alice');
      await language.selectOption('en-US');
    }
  });
});
