import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../dev/playground/people.js';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../harness/playground-screens.js';

/**
 * A plan of three waves over the three simulators as people see it, at a desk (1280 px) and on a
 * phone (390×844), in English, Korean and Chinese: an OMS task in wave 1, an NCP policy and an
 * UpCloud job in wave 2, an OMS task in wave 3 gated on wave 2's sign-off. Wave 1 succeeds on the
 * simulator, wave 2 opens; the card is shot, and the Pause plan confirmation with it.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;
let tries = 0;
const sims = () => screen.playground.simulators;

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    open: /open since/,
    pause: 'Pause plan',
    gate: 'opens 2 h after the wave before it has been signed off',
    unsigned: '1 not signed off',
    wrong: [/\+ 2 h/],
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    open: /부터 열림/,
    pause: '계획 일시 중지',
    gate: '이전 웨이브가 서명되고 2시간 뒤 열림',
    unsigned: '1개 서명 전',
    // Sign-off is 서명 as on every verification post; 승인 is an approval, another thing.
    wrong: [/승인/, /\+ 2시간/, /대기 중;/],
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    open: /起开启/,
    pause: '暂停计划',
    gate: '上一波签核 2 小时后开启',
    unsigned: '1 个未签核',
    // Sign-off is 签核 as on every verification post, not 签收 (taking delivery).
    wrong: [/签收/, /\+ 2 小时/],
  },
] as const;

async function speak(person: string, locale: string): Promise<void> {
  await actAs(person);
  const language = screen.page.locator('#language-switch');
  await language.selectOption(locale);
  await expect.poll(() => language.inputValue()).toBe(locale);
}

async function channelReads(lang: 'en' | 'ko' | 'zh-CN'): Promise<void> {
  await screen.playground.bot.deps.settings.setChannelLanguage(
    TEAM.id,
    CHANNEL.id,
    lang === 'en' ? undefined : lang,
  );
}

/** The plan's card in the channel: the post naming its id, with buttons. */
function planCard(id: string): Locator {
  return screen.page
    .locator('#messages .message')
    .filter({ hasText: id })
    .filter({ has: screen.page.locator('.bk-button') })
    .last();
}

describe('a plan of three waves at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: the plan card with wave 2 open, and the Pause plan confirmation`, async () => {
      await channelReads(l.lang);
      await speak('Alice', l.locale);
      // A name of its own on a retry (the first try's plan keeps its name).
      const name = `estate-${l.lang.toLowerCase()}-${++tries}`;
      await type(`/migrate plan new ${name}`);
      const created = await message(`plan new ${name}`);
      const id = /\b(p[0-9a-f]{6})\b/.exec(await created.innerText())?.[1];
      expect(id).toBeDefined();
      // The command to copy is one code span, the plan's id inside it (not a span in a span).
      expect(await created.locator('code', { hasText: `/migrate plan add ${id} <resource>` }).count()).toBe(
        1,
      );

      const oms = sims().get('huawei-oms');
      const small = oms.addTask({
        name: `rehearsal-small-${l.lang}`,
        status: 2,
        progress: 0.4,
        totalSize: 20 * GiB,
        totalNum: 12_000,
        speed: 1024,
      });
      const live = oms.addTask({
        name: `invoices-live-${l.lang}`,
        status: 3,
        progress: 0,
        totalSize: 800 * GiB,
        totalNum: 2_400_000,
        speed: 1024,
      });
      sims()
        .get('ncp')
        .addPolicy({
          title: `weekend-${l.lang}`,
          jobState: 'PAUSED',
          totalSize: 500 * GiB,
          totalObjects: 400_000,
          progress: 0.2,
          speed: 1,
        });
      const job = sims()
        .get('upcloud')
        .addJob({ name: `media-archive-${l.lang}`, status: 'running', progress: 0.3 });
      const card = planCard(id!);
      const cardText = () => card.innerText({ timeout: 500 }).catch(() => '');
      // The watcher's cycles come at once: the gate pass, a held edit's next window.
      const shows = (what: string | RegExp) =>
        screen.cyclesUntil(`the plan card showing ${what}`, async () =>
          typeof what === 'string' ? (await cardText()).includes(what) : what.test(await cardText()),
        );
      await type(`/migrate plan add ${name} hw-sim:${small.id}`);
      await shows(small.name);
      await type(`/migrate plan add ${name} ncp-sim:weekend-${l.lang} upcloud-sim:${job.uuid} wave 2`);
      await shows(job.name);
      await type(`/migrate plan add ${name} hw-sim:${live.id} wave 3`);
      await shows(live.name);
      await type(`/migrate plan gate ${name} wave 3 after signed-off +2h`);
      await shows(l.gate);
      await type(`/migrate plan start ${name}`);
      await shows(l.open);

      // Wave 1 succeeds on the simulator: the watcher sees it at its next cycle, and wave 2 opens.
      const sim = oms.task(small.id)!;
      Object.assign(sim, { status: 5, completeSize: sim.totalSize, successfulNum: sim.totalNum });
      await screen.cyclesUntil(
        'wave 2 open',
        async () => [...(await cardText()).matchAll(new RegExp(l.open, 'g'))].length === 2,
      );
      const text = await card.innerText();
      expect(text).toContain('weekend-');
      expect(text).toContain(`media-archive-${l.lang}`);
      expect(text).toContain(l.gate);
      expect(text).toContain(l.unsigned);
      for (const wrong of l.wrong) expect(text).not.toMatch(wrong);
      // The title's emoji is drawn, not left as its :name:.
      expect(text).not.toContain(':card_index_dividers:');
      await shoot(card, `plan-card-${l.lang}`);

      await card.locator('.bk-button', { hasText: l.pause }).first().click();
      const dialog = screen.page.locator('#confirm-layer .confirm');
      await dialog.waitFor();
      await screen.page.setViewportSize({ width: 390, height: 844 });
      await screen.shot(`plan-pause-confirm-${l.lang}-phone`);
      await screen.page.setViewportSize({ width: 1280, height: 900 });
      await screen.shot(`plan-pause-confirm-${l.lang}-desk`);
      const asked = await dialog.innerText();
      expect(asked).toContain(`media-archive-${l.lang}`);
      // Chinese sentences run on after their full stop, no space between.
      expect(asked).not.toMatch(/。 /);
      await screen.page.locator('#confirm-layer .confirm-deny').click();
    });
  }
});
