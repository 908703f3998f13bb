import type { Locator, Page } from 'playwright-core';
import { CHANNEL, TEAM } from '../../../dev/playground/people.js';
import { GiB } from '../../../dev/simulators/huawei-oms/index.js';
import type { usePlaygroundScreens } from '../../harness/playground/playground-screens.js';
import { speak } from './screen-language.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;
const MiB = 1024 ** 2;

/**
 * Runs `body` as Alice with the channel speaking `lang` and the page in `locale`; both are back to
 * English afterwards, whatever happened, so the file's next case starts where every case does.
 */
export async function inChannelLanguage(
  screen: Screens,
  lang: 'en' | 'ko' | 'zh-CN',
  locale: string,
  body: () => Promise<void>,
): Promise<void> {
  const { page, playground } = screen;
  const language = page.locator('#language-switch');
  try {
    await playground.bot.deps.settings.setChannelLanguage(TEAM.id, CHANNEL.id, lang);
    await speak(screen, 'Alice', locale);
    await body();
  } finally {
    await language.selectOption('en-US');
    await playground.bot.deps.settings.setChannelLanguage(TEAM.id, CHANNEL.id, undefined);
  }
}

/** A 2 GiB OMS task at `progress`, at 64 MiB/s: about 13 s from its end at 60 %. */
export function runningTask(screen: Screens, name: string, progress: number) {
  return screen.playground.simulators.get('huawei-oms').addTask({
    name,
    status: 2,
    progress,
    totalSize: 2 * GiB,
    totalNum: 20_000,
    speed: 64 * MiB,
    src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'acme-photos' },
    dst: { region: 'cn-north-4', bucket: 'acme-photos-obs' },
  });
}

/**
 * Opens the thread of the run card naming `name`, once the card has replies (at most `cycles` of
 * the watcher's cycles run meanwhile, each moving the clock; 0 for a file on real time).
 */
export async function openCardThread(screen: Screens, name: string, cycles?: number): Promise<void> {
  const { page } = screen;
  const card = page
    .locator('#messages .message')
    .filter({ hasText: name })
    .filter({ has: page.locator('.thread-summary') })
    .last();
  await screen.shown(card, `the card of ${name} with replies`, cycles);
  await card.locator('.thread-summary').click();
}

/**
 * The last message in `where` that says `hasText` (if given) and has the button `button`, once
 * shown (the watcher's cycles run meanwhile).
 */
export async function postWithButton(
  screen: Screens,
  where: '#messages' | '#thread-messages',
  button: string,
  hasText?: string | RegExp,
): Promise<Locator> {
  const all = screen.page.locator(`${where} .message`);
  const post = (hasText === undefined ? all : all.filter({ hasText }))
    .filter({ has: screen.page.locator('.bk-button', { hasText: button }) })
    .last();
  return screen.shown(post, `a post in ${where} with ${button}`);
}

/** Presses `button` on `post`, then closes the thread if it is open (on a phone it covers the channel). */
export async function pressAndCloseThread(page: Page, post: Locator, button: string): Promise<void> {
  await post.locator('.bk-button', { hasText: button }).click();
  await closeThread(page);
}

export async function closeThread(page: Page): Promise<void> {
  if (await page.locator('#thread').isVisible()) await page.locator('#thread-close').click();
}
