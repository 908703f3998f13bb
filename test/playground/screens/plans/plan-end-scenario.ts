import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { PlaygroundClock } from '../../../../dev/playground/playground-clock.js';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import type { PlansState } from '../../../../src/capabilities/plans/plan-service.js';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';

/** What each language's run looks for, in its own words. */
export interface PlanEndWords {
  lang: 'en' | 'ko' | 'zh-CN';
  locale: string;
  /** The held wave's line names its holder and its state. */
  held: RegExp;
  /** The card's note that Bob approved it. */
  approved: string;
  /** Why the card cannot say when the held wave opens. */
  failedEta: string;
  /** The failure notice's restart button (NCP starts a failed policy again: Resume). */
  restart: string;
  /** The report's title and one wave line of it. */
  report: string;
  wave1: RegExp;
  /** The totals line of the card and the report at the end (17 GiB, 24,000 objects in all). */
  totals: string;
  /** How the page wraps the card's lines: Korean between words (`keep-all`), the others as usual. */
  wordBreak: 'keep-all' | 'normal';
  /** Words that must not be on the report or the card in this language. */
  wrong: RegExp[];
  /** What Approve plan's confirmation says it starts, resumes and creates (issue 74). */
  approving: RegExp[];
  /** The report's Sign off plan button, and what its wave lines say once Bob signed it off. */
  signoff: string;
  signedLine: string;
}

const MiB = 1024 ** 2;
/** The page's `getComputedStyle`, as the browser runs it (the tests compile without the DOM's types). */
type Styled = { getComputedStyle(node: unknown): { wordBreak: string } };

/**
 * A plan of three waves over the three simulators run to its end in one language, at a desk
 * (1280 px) and on a phone (390×844): wave 1 an OMS task group and an OMS task, wave 2 an NCP
 * policy seeded to fail half-way (the simulator's own `failAt`), wave 3 a new UpCloud job planned
 * through the card's New migration in this plan. Alice submits it, Bob approves it, the clock is
 * moved so the waves run; the policy's failure holds wave 3 (the card names it and says what would
 * open it) until Alice restarts it from its failure notice; then wave 3's job is created once, the
 * plan ends, and its report is posted with its CSV in the card's thread. One playground per
 * language: the clock moves at most the simulators' signature window ahead of real time, and a
 * run uses most of it.
 */
export function planEndScenario(l: PlanEndWords): void {
  const screen = usePlaygroundScreens();
  const { type, message, actAs, shoot } = screen;
  const sims = () => screen.playground.simulators;
  let tries = 0;

  /** The open dialog (confirmation or modal) at phone and desk width; its text. */
  async function shootDialog(name: string, selector = '#confirm-layer .confirm'): Promise<string> {
    const dialog = screen.page.locator(selector);
    await dialog.waitFor({ timeout: WAIT_MS });
    try {
      await screen.page.setViewportSize({ width: 390, height: 844 });
      await screen.shot(`${name}-phone`);
      expect(await screen.noSidewaysScroll()).toBe(true);
      const box = (await dialog.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(391);
    } finally {
      await screen.page.setViewportSize({ width: 1280, height: 900 });
    }
    await screen.shot(`${name}-desk`);
    const text = dialog.locator('.confirm-text');
    return (await text.count()) > 0 ? text.innerText() : dialog.innerText();
  }

  async function speak(person: string): Promise<void> {
    await actAs(person);
    const language = screen.page.locator('#language-switch');
    await language.selectOption(l.locale);
    await expect.poll(() => language.inputValue()).toBe(l.locale);
  }

  /**
   * Moves the playground's clock `ms` on, as far as the signature window leaves room (a margin
   * kept for the run's remaining requests): past that, the simulators run on real time. Either way
   * the watcher's cycle runs now and is done when this resolves.
   */
  async function nudge(ms: number): Promise<void> {
    const room = PlaygroundClock.MAX_SKEW_MS - 15_000 - screen.playground.clock.skewMs;
    await screen.advance(Math.max(0, Math.min(ms, room)));
  }

  /** Polls `read` until it passes `ok`, moving the clock `step` on between reads. */
  async function runUntil<T>(
    what: string,
    read: () => Promise<T>,
    ok: (v: T) => boolean,
    step = 10_000,
  ): Promise<T> {
    let last: T | undefined;
    await expect
      .poll(
        async () => {
          last = await read();
          if (ok(last)) return true;
          await nudge(step);
          return false;
        },
        // The nudge's cycle is done when it resolves: the page shows it within moments.
        { timeout: 240_000, interval: 300, message: what },
      )
      .toBe(true);
    return last as T;
  }

  describe(`a plan of three waves run to its end (${l.lang})`, { timeout: 900_000 }, () => {
    it('holds wave 3 on the failed policy until it is restarted, then reports', async () => {
      const { page, playground } = screen;
      await playground.bot.deps.settings.setChannelLanguage(
        TEAM.id,
        CHANNEL.id,
        l.lang === 'en' ? undefined : l.lang,
      );
      await speak('Alice');
      // Names of their own on a retry (the first try's plan and resources stay on the simulators).
      const run = `${l.lang.toLowerCase()}-${++tries}`;
      const name = `estate-end-${run}`;
      await type(`/migrate plan new ${name}`);
      const created = await message(`plan new ${name}`);
      const id = /\b(p[0-9a-f]{6})\b/.exec(await created.innerText())?.[1];
      expect(id).toBeDefined();
      // The card, found once by its New migration button; it keeps its place (edited in place).
      const first = page
        .locator('#messages .message')
        .filter({ hasText: id! })
        .filter({ has: page.locator('.bk-button[data-action-id="plan.newMigration"]') })
        .last();
      await first.waitFor({ timeout: WAIT_MS });
      const ts = await first.getAttribute('data-ts');
      const card = page.locator(`#messages .message[data-ts="${ts}"]`);
      const cardText = () => card.innerText();
      const shows = (what: string | RegExp) => expect.poll(cardText, { timeout: WAIT_MS }).toMatch(what);

      // Paused on the simulators: the plan starts them when their wave opens.
      const oms = sims().get('huawei-oms');
      const group = oms.addTaskGroup({
        status: 3,
        taskCount: 2,
        totalSize: 2 * GiB,
        totalNum: 4_000,
        progress: 0.25,
        speed: 256 * MiB,
        description: `photos-${run}`,
      });
      const task = oms.addTask({
        name: `rehearsal-${run}`,
        status: 3,
        progress: 0.1,
        totalSize: 1 * GiB,
        totalNum: 2_000,
        speed: 256 * MiB,
      });
      const policy = `weekend-${run}`;
      sims()
        .get('ncp')
        .addPolicy({
          title: policy,
          jobState: 'PAUSED',
          totalSize: 4 * GiB,
          totalObjects: 8_000,
          progress: 0.1,
          speed: 256 * MiB,
          failAt: 0.5,
        });

      await type(`/migrate plan add ${name} hw-sim:${group.id} hw-sim:${task.id}`);
      await shows(task.name);
      await type(`/migrate plan add ${name} ncp-sim:${policy} wave 2`);
      await shows(policy);

      // Wave 3: a new UpCloud job, planned from the card (the Plan field comes filled in).
      const job = `media-archive-${run}`;
      await card.locator('.bk-button[data-action-id="plan.newMigration"]').click();
      const modal = page.locator('#modal-layer .modal');
      const target = modal.locator('[data-block-id="target"] select');
      await target.waitFor();
      const upcloud = (await target.locator('option').allInnerTexts()).find((t) =>
        t.startsWith('upcloud-sim'),
      );
      expect(upcloud, 'the picker offers the UpCloud connection').toBeDefined();
      await target.selectOption({ label: upcloud! });
      await modal.locator('.modal-submit').click();
      const field = (blockId: string) => modal.locator(`[data-block-id="${blockId}"] input`);
      await field('src_bucket').waitFor();
      expect(await field('plan_name').inputValue()).toBe(name);
      await field('name').fill(job);
      await field('src_endpoint').fill('https://s3.eu-central-1.amazonaws.com');
      await field('src_region').fill('eu-central-1');
      await field('src_bucket').fill('acme-media');
      await field('dst_bucket').fill('media-fi');
      await field('plan_wave').fill('3');
      await modal.locator('.modal-submit').click();
      await modal.waitFor({ state: 'detached', timeout: WAIT_MS });
      await shows(job);
      const jobsBefore = [...sims().get('upcloud').jobs.values()].filter((j) => j.name === job).length;
      expect(jobsBefore).toBe(0);

      // Alice submits it; Bob approves it: wave 1 opens at once and its paused migrations start.
      await card.locator('.bk-button[data-action-id="plan.submit"]').click();
      const request = page
        .locator('#messages .message')
        .filter({ hasText: id! })
        .filter({ has: page.locator('.bk-button[data-action-id="plan.approve"]') })
        .last();
      await request.waitFor({ timeout: WAIT_MS });
      await speak('Bob');
      await request.locator('.bk-button[data-action-id="plan.approve"]').click();
      // Approve plan says first what approving starts, resumes and creates (issue 74).
      const approving = page.locator('#confirm-layer .confirm');
      await approving.waitFor({ timeout: WAIT_MS });
      const approveSays = await shootDialog(`plan-approve-confirm-${l.lang}`);
      for (const said of l.approving) expect(approveSays).toMatch(said);
      expect(approveSays).not.toMatch(/。 /);
      await approving.locator('.confirm-yes').click();
      await speak('Alice');

      // The clock moves: wave 1 succeeds, wave 2 opens, the policy fails half-way.
      const ncpState = () => Promise.resolve(sims().get('ncp').policy(policy)?.jobState);
      await runUntil('the policy failed on the simulator', ncpState, (s) => s === 'ERROR');
      const held = await runUntil(
        'the card holding wave 3 on the failed policy',
        cardText,
        (t) => l.held.test(t) && t.includes(l.failedEta),
        5_000,
      );
      expect(held).toContain(policy);
      expect(held).toContain('ncp-sim');
      expect(held).toContain(l.approved);
      // Drawn as emoji, not left as their :names:.
      expect(held).not.toMatch(/:(hourglass_flowing_sand|red_circle|card_index_dividers):/);
      expect([...sims().get('upcloud').jobs.values()].filter((j) => j.name === job)).toHaveLength(0);
      const wraps = await card
        .locator('.section-text')
        .first()
        .evaluate((node) => (globalThis as unknown as Styled).getComputedStyle(node).wordBreak);
      expect(wraps).toBe(l.wordBreak);
      await shoot(card, `plan-end-held-${l.lang}`);

      // Alice restarts it from its failure notice, the button the watcher posted.
      const notice = page
        .locator('#messages .message')
        .filter({ hasText: policy })
        .filter({ has: page.locator('.bk-button[data-action-id="resource.resume"]') })
        .last();
      await notice.waitFor({ timeout: WAIT_MS });
      const restart = notice.locator('.bk-button[data-action-id="resource.resume"]').first();
      expect(await restart.innerText()).toBe(l.restart);
      await restart.click();
      const confirm = page.locator('#confirm-layer .confirm');
      if (await confirm.isVisible().catch(() => false)) await confirm.locator('.confirm-yes').click();
      await runUntil('the policy started again', ncpState, (s) => s === 'STARTED' || s === 'DONE');

      // Wave 3 opens: its job is created, once, and runs to its end; the plan ends.
      const report = page
        .locator('#messages .message')
        .filter({ hasText: id! })
        .filter({ hasText: l.report });
      // Wave 3's job at the seeded ones' speed: at the simulator's default for a new job (64 MiB/s)
      // its 10 GiB took 160 s of the clock's 255 s of room, so a retry on this playground found
      // none left and waited real minutes. The speed counts from the simulator's next read on.
      const quicken = () => {
        for (const j of sims().get('upcloud').jobs.values()) if (j.name === job) j.speed = 256 * MiB;
      };
      await runUntil(
        'the plan report posted',
        () => {
          quicken();
          return report.count();
        },
        (n) => n > 0,
        15_000,
      );
      const jobs = [...sims().get('upcloud').jobs.values()].filter((j) => j.name === job);
      expect(jobs, 'wave 3 created its job exactly once').toHaveLength(1);
      const plans = playground.bot.deps.capabilities.stateOf('plans') as PlansState;
      const plan = await plans.store.get(TEAM.id, id!);
      expect(plan?.status).toBe('ended');
      expect(plan?.planned ?? []).toEqual([]);
      expect(plan?.resources.filter((r) => r.wave === 3).map((r) => r.id)).toEqual([jobs[0]!.uuid]);

      // The report and the card at its end say the plan's totals: every simulator's bytes and objects.
      const reportText = await report.last().innerText();
      expect(reportText).toMatch(l.wave1);
      expect(reportText).toContain(l.totals);
      for (const wrong of l.wrong) expect(reportText).not.toMatch(wrong);
      const ended = await cardText();
      expect(ended).toContain(l.totals);
      expect(ended).not.toContain('give no byte or object counts');
      // Drawn as emoji, not left as their :names:.
      for (const text of [reportText, ended]) expect(text).not.toMatch(/:[a-z_]+:/);
      await shoot(card, `plan-end-card-${l.lang}`);
      await shoot(report.last(), `plan-end-report-${l.lang}`);

      // Its CSV, in the card's thread, has the same figures, exact.
      const upload = playground.fakeSlack.files.uploads.find((u) => u.filename.includes(id!));
      expect(upload, 'the report CSV uploaded').toBeDefined();
      expect(upload!.threadTs).toBe(ts);
      // Text cells are quoted, numbers not (csv-cell.ts); no name here has a comma.
      const cells = (line: string) => line.split(',').map((c) => c.replace(/^"|"$/g, ''));
      const [columns, ...rows] = upload!.bytes.toString('utf8').trim().split('\r\n').map(cells);
      const cell = (row: string[], name: string) => row[columns!.indexOf(name)];
      const waves = rows.filter((r) => r[0] === 'wave');
      expect(waves.map((r) => cell(r, 'migrations'))).toEqual(['2', '1', '1']);
      expect(waves.map((r) => cell(r, 'bytes_moved'))).toEqual([3 * GiB, 4 * GiB, 10 * GiB].map(String));
      expect(waves.map((r) => cell(r, 'failed'))).toEqual(['0', '0', '0']);
      const total = rows.find((r) => r[0] === 'total')!;
      expect([cell(total, 'bytes_moved'), cell(total, 'objects_moved')]).toEqual([String(17 * GiB), '24000']);
      await card.locator('.thread-summary').click();
      const csv = page.locator('#thread-messages .message', { hasText: 'CSV' }).last();
      await csv.waitFor({ timeout: WAIT_MS });
      expect(await csv.innerText()).toContain('bytes_moved');
      await shoot(csv, `plan-end-csv-${l.lang}`);
      await page.locator('#thread-close').click();

      // Bob signs it off from the report (its owner may not): a modal says what is signed, with a note.
      await speak('Bob');
      await report.last().locator('.bk-button', { hasText: l.signoff }).click();
      const intro = await shootDialog(`plan-signoff-modal-${l.lang}`, '#modal-layer .modal');
      expect(intro).toContain(name);
      expect(intro).toContain('17.0 GiB');
      const note = 'CSV ✓ inventory 2026-11';
      await page.locator('#modal-layer .modal textarea').fill(note);
      await page.locator('#modal-layer .modal .modal-submit').click();
      await page.locator('#modal-layer .modal').waitFor({ state: 'detached', timeout: WAIT_MS });
      await expect.poll(() => report.last().innerText(), { timeout: WAIT_MS }).toContain(l.signedLine);
      const signed = await report.last().innerText();
      expect(signed).toContain(note);
      // Chinese sentences run on after their full stop, no space between (the note's too).
      expect(signed).not.toMatch(/。 /);
      expect(await report.last().locator('.bk-button', { hasText: l.signoff }).count()).toBe(0);
      await shoot(report.last(), `plan-end-report-signed-${l.lang}`);
      await speak('Alice');
    });
  });
}
