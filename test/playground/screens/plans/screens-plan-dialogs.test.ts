import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { speakIn } from '../screen-language.js';
import { newPlan, stillTasks } from './screen-plans.js';

/**
 * Issue 74 as people see it, at a desk (1280 px) and on a phone (390×844), in English, Korean and
 * Chinese: a plan of existing migrations not started yet, its card with Start plan; Start plan's
 * confirmation naming what opens and what is resumed (the bytes left); the answer after Yes saying
 * what the pass did; then Cancel plan's confirmation naming the wave left closed and what is left
 * running. Wave 1 is a paused OMS task (12 GiB left of 20) and a running UpCloud job, wave 2 a
 * paused OMS task that opens after wave 1 has succeeded. Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, shoot } = screen;
let tries = 0;
const sims = () => screen.playground.simulators;

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    draft: 'not started',
    paused: 'Paused',
    start: 'Start plan',
    pause: 'Pause plan',
    open: 'open since',
    cancel: 'Cancel plan',
    startSays: [
      /^Starts plan estate-en-\d+ now\./,
      'Wave 1 opens at once.',
      '1 paused migration is resumed (12.0 GiB left to move).',
      'Wave 2 opens later, by its gate.',
    ],
    started: [
      /Plan estate-en-\d+ started\./,
      'Wave 1 opened.',
      '1 paused migration was resumed (12.0 GiB left to move).',
    ],
    cancelSays: [
      'Wave 2 will not open: the plan starts none of its 1 migration.',
      '2 running migrations are left running:',
    ],
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    draft: '시작 전',
    paused: '일시 중지됨',
    start: '계획 시작',
    pause: '계획 일시 중지',
    open: '부터 열림',
    cancel: '계획 취소',
    startSays: [
      /^계획 estate-ko-\d+[을를] 지금 시작합니다\./,
      '웨이브 1이 바로 열립니다.',
      '일시 중지된 마이그레이션 1개가 재개됩니다(남은 양 12.0 GiB).',
      '웨이브 2는 나중에 게이트에 따라 열립니다.',
    ],
    started: [
      /계획 estate-ko-\d+ [을를] 시작했습니다\./,
      '웨이브 1이 열렸습니다.',
      '일시 중지된 마이그레이션 1개를 재개했습니다(남은 양 12.0 GiB).',
    ],
    cancelSays: ['웨이브 2는 열리지 않습니다', '실행 중인 마이그레이션 2개는 그대로 실행됩니다:'],
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    draft: '未开始',
    paused: '已暂停',
    start: '开始计划',
    pause: '暂停计划',
    open: '起开启',
    cancel: '取消计划',
    startSays: [
      /^立即开始计划 estate-zh-cn-\d+。/,
      '第 1 波立即开启。',
      '恢复 1 个已暂停的迁移（剩余 12.0 GiB）。',
      '第 2 波稍后按其闸门开启。',
    ],
    started: [
      /计划 estate-zh-cn-\d+ 已开始。/,
      '第 1 波已开启。',
      '已恢复 1 个已暂停的迁移（剩余 12.0 GiB）。',
    ],
    cancelSays: ['第 2 波不会开启：计划不会启动其中的 1 个迁移。', '2 个正在运行的迁移保持运行：'],
  },
] as const;

/** The open confirmation dialog at desk and phone width, as `<name>-desk.png` and `-phone.png`. */
async function shootDialog(name: string): Promise<string> {
  const dialog = screen.page.locator('#confirm-layer .confirm');
  await dialog.waitFor();
  try {
    await screen.page.setViewportSize({ width: 390, height: 844 });
    await screen.shot(`${name}-phone`);
    expect(await screen.noSidewaysScroll()).toBe(true);
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(391);
  } finally {
    await screen.page.setViewportSize({ width: 1280, height: 900 });
  }
  await screen.shot(`${name}-desk`);
  return dialog.locator('.confirm-text').innerText();
}

describe('Start plan and Cancel plan say what the click does', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: the card with Start plan, its confirmation and answer, Cancel plan's`, async () => {
      const { page } = screen;
      try {
        await startAndCancel(l);
      } finally {
        // A failed try leaves no dialog over the page for the next one.
        if (await page.locator('#confirm-layer .confirm').isVisible()) await page.keyboard.press('Escape');
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }
});

async function startAndCancel(l: (typeof LANGS)[number]): Promise<void> {
  const { page } = screen;
  await speakIn(screen, l);
  const name = `estate-${l.lang.toLowerCase()}-${++tries}`;
  const { card, cardText, shows } = await newPlan(screen, name);

  const oms = sims().get('huawei-oms');
  const [first, second] = stillTasks(
    screen,
    [`photos-${l.lang}-${tries}`, 3, 0.4, 20, 40_000],
    [`invoices-${l.lang}-${tries}`, 3, 0, 8, 9_000],
  );
  const job = sims()
    .get('upcloud')
    .addJob({ name: `media-${l.lang}-${tries}`, status: 'running', progress: 0.3 });
  await type(`/migrate plan add ${name} hw-sim:${first.id} upcloud-sim:${job.uuid}`);
  await shows(job.name);
  await type(`/migrate plan add ${name} hw-sim:${second.id} wave 2`);
  await shows(second.name);
  // Both OMS tasks read as paused: Start plan's figures come from what the watcher has seen.
  await shows(l.paused, 2);
  const text = await card.innerText();
  expect(text).toContain(l.draft);
  expect(await card.locator('.bk-button').allInnerTexts()).toEqual(
    expect.arrayContaining([l.start, l.cancel]),
  );
  await shoot(card, `plan-start-card-${l.lang}`);

  await card.locator('.bk-button', { hasText: l.start }).click();
  const asked = await shootDialog(`plan-start-confirm-${l.lang}`);
  for (const said of l.startSays)
    typeof said === 'string' ? expect(asked).toContain(said) : expect(asked).toMatch(said);
  expect(asked).not.toMatch(/。 /);
  await page.locator('#confirm-layer .confirm-yes').click();
  const answer = await message(l.started[0]);
  const answered = await answer.innerText();
  for (const said of l.started.slice(1)) expect(answered).toContain(said);
  expect(answered).not.toMatch(/。 /);
  // Resumed on the simulator, as the answer says.
  expect(oms.task(first.id)?.status).not.toBe(3);
  expect(oms.task(second.id)?.status).toBe(3);
  await shoot(answer, `plan-started-answer-${l.lang}`);

  // The card redrawn after the pass (wave 1 open, Pause plan): its Cancel plan says what is left now.
  await shows(l.open);
  await screen.shown(card.locator('.bk-button', { hasText: l.pause }), 'Pause plan on the card');
  // The pass resumed the first task in the background (no read after it): the card shows it
  // running once a cycle has seen it, and Cancel plan counts what the bot has seen.
  await screen.cyclesUntil(
    'the resumed task seen running',
    async () => (await cardText()).split(l.paused).length - 1 <= 1,
  );
  expect(await card.locator('.bk-button', { hasText: l.start }).count()).toBe(0);
  await card.locator('.bk-button', { hasText: l.cancel }).click();
  const cancelling = await shootDialog(`plan-cancel-confirm-${l.lang}`);
  for (const said of l.cancelSays) expect(cancelling).toContain(said);
  expect(cancelling).toContain(job.name);
  expect(cancelling).toContain(first.name);
  await page.locator('#confirm-layer .confirm-deny').click();
  await page.locator('#confirm-layer .confirm').waitFor({ state: 'detached' });
}
