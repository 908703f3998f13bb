import { describe, expect, it } from 'vitest';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { speakIn } from '../screen-language.js';
import { newPlan, stillTasks, timesIn } from './screen-plans.js';

/**
 * A plan of three waves over the three simulators as people see it, at a desk (1280 px) and on a
 * phone (390×844), in English, Korean and Chinese: an OMS task in wave 1, an NCP policy and an
 * UpCloud job in wave 2, an OMS task in wave 3 gated on wave 2's sign-off. Wave 1 succeeds on the
 * simulator, wave 2 opens; the card is shot, and the Pause plan confirmation with it.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, shoot } = screen;
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

describe('a plan of three waves at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: the plan card with wave 2 open, and the Pause plan confirmation`, async () => {
      await speakIn(screen, l);
      // A name of its own on a retry (the first try's plan keeps its name).
      const name = `estate-${l.lang.toLowerCase()}-${++tries}`;
      const { id, created, card, cardText, shows } = await newPlan(screen, name);
      // The command to copy is one code span, the plan's id inside it (not a span in a span).
      expect(await created.locator('code', { hasText: `/migrate plan add ${id} <resource>` }).count()).toBe(
        1,
      );

      const oms = sims().get('huawei-oms');
      const [small, live] = stillTasks(
        screen,
        [`rehearsal-small-${l.lang}`, 2, 0.4, 20, 12_000],
        [`invoices-live-${l.lang}`, 3, 0, 800, 2_400_000],
      );
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
      await screen.cyclesUntil('wave 2 open', async () => timesIn(await cardText(), l.open) === 2);
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
