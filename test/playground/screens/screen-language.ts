import { expect } from 'vitest';
import { CHANNEL, TEAM } from '../../../dev/playground/people.js';
import type { usePlaygroundScreens } from '../../harness/playground/playground-screens.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;
export type ChannelLang = 'en' | 'ko' | 'zh-CN';

/** The page reads `locale` (the reader's Slack language), once its switch says so. */
export async function readIn(screen: Screens, locale: string): Promise<void> {
  const language = screen.page.locator('#language-switch');
  await language.selectOption(locale);
  await expect.poll(() => language.inputValue()).toBe(locale);
}

/** Acts as `person`, reading `locale` (each person has their own Slack language). */
export async function speak(screen: Screens, person: string, locale: string): Promise<void> {
  await screen.actAs(person);
  await readIn(screen, locale);
}

/** What the channel's posts are written in (an admin's `/migrate settings language`); `en`: the default. */
export async function channelReads(screen: Screens, lang: ChannelLang): Promise<void> {
  await screen.playground.bot.deps.settings.setChannelLanguage(
    TEAM.id,
    CHANNEL.id,
    lang === 'en' ? undefined : lang,
  );
}

/** The channel reading `l.lang`, and Alice (or `person`) reading `l.locale`. */
export async function speakIn(
  screen: Screens,
  l: { lang: ChannelLang; locale: string },
  person = 'Alice',
): Promise<void> {
  await channelReads(screen, l.lang);
  await speak(screen, person, l.locale);
}

/** Runs `body` with the page in Korean; back to English afterwards, whatever happened. */
export async function readingKorean(screen: Screens, body: () => Promise<void>): Promise<void> {
  try {
    await readIn(screen, 'ko-KR');
    await body();
  } finally {
    await screen.page.locator('#language-switch').selectOption('en-US');
  }
}

/**
 * The posts read Korean from now on, as an admin sets it (Dana types the command; its answer is
 * in the language she reads), then the screen acts as `then`.
 */
export async function postsInKorean(screen: Screens, then = 'Alice'): Promise<void> {
  await screen.actAs('Dana');
  await screen.type('/migrate settings language ko');
  await screen.message(/Channel posts now use|채널 게시물/);
  await screen.actAs(then);
}
